import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.regions import rules
from huanxin.regions.rules import Level


@pytest.mark.parametrize(
    ("code", "short", "level", "prefix"),
    [
        ("430000", "430000", Level.PROVINCE, "43"),
        ("430800000000", "430800", Level.CITY, "4308"),
        ("430802", "430802", Level.COUNTY, "430802"),
        ("430802001", "430802001", Level.STREET, "430802001"),
        ("430802001000", "430802001", Level.STREET, "430802001"),
        ("430802001001", "430802001001", Level.COMMUNITY, "430802001001"),
    ],
)
def test_codes_have_a_short_form_a_level_and_a_significant_prefix(
    code: str, short: str, level: Level, prefix: str
) -> None:
    assert rules.short_code(code) == short
    assert rules.level_of(code) == level
    assert rules.significant_prefix(code) == prefix
    assert rules.full_code(code) == code.ljust(12, "0")


def test_the_city_subtree_is_not_a_startswith_on_its_short_form() -> None:
    # "430800".startswith would miss 永定区 (430802); the significant prefix 4308 does not.
    assert rules.in_subtree("430802004001", "430800")
    assert not "430802004001".startswith("430800")
    assert not rules.in_subtree("430821001001", "430802")


@pytest.mark.parametrize("bad", ["", "4308", "43080200100", "abcdefabcdef", "4308020010011"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        rules.full_code(bad)


@given(
    st.integers(11, 65),
    st.integers(1, 99),
    st.integers(1, 99),
    st.integers(1, 999),
    st.integers(1, 999),
)
def test_every_community_lies_in_the_subtree_of_each_ancestor(
    province: int, city: int, county: int, street: int, community: int
) -> None:
    code = f"{province:02d}{city:02d}{county:02d}{street:03d}{community:03d}"
    assert rules.level_of(code) == Level.COMMUNITY
    for ancestor in (code[:2], code[:4], code[:6], code[:9]):
        assert rules.in_subtree(code, ancestor.ljust(12, "0"))
    assert rules.short_code(code[:6].ljust(12, "0")) == code[:6]


def test_the_ancestors_of_a_node_or_a_prefix_nearest_first() -> None:
    from huanxin.regions.rules import ancestors_of

    nation = "000000000000"
    assert ancestors_of("430802004001") == [
        "430802004000",
        "430802000000",
        "430800000000",
        "430000000000",
        nation,
    ]
    assert ancestors_of("430802") == ["430800000000", "430000000000", nation]
    assert ancestors_of("4308") == ["430000000000", nation]
    assert ancestors_of("430000") == [nation]
    assert ancestors_of("") == []  # the nation has nothing above it


def test_the_nation_is_a_node_with_the_empty_prefix() -> None:
    from huanxin.regions.rules import Level, in_subtree, level_of, short_code, significant_prefix

    assert level_of("000000") == level_of("000000000000") == Level.NATION
    assert (significant_prefix("000000"), short_code("000000000000")) == ("", "000000")
    assert in_subtree("430802004001", "000000") and in_subtree("650000", "000000")
    assert level_of("430000") == Level.PROVINCE  # a province is not mistaken for the nation
