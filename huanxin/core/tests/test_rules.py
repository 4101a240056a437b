"""Pure helpers of core: money and area display, masking, the clock, scope membership."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.core import clock, money
from huanxin.core.masking import mask_id_number, mask_name, mask_phone
from huanxin.core.scoping import Scope


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (1_548_000_000, "15.48 亿元"),
        (3_050_000, "305 万元"),
        (8_800, "8,800 元"),
        (Decimal("12345.67"), "1.23 万元"),
        (Decimal("0.5"), "0.5 元"),
        (None, "—"),
    ],
)
def test_yuan_is_shown_in_yuan_wan_or_yi(amount: Decimal | int | None, shown: str) -> None:
    assert money.format_yuan(amount) == shown


def test_area_is_shown_in_wan_square_metres_above_ten_thousand() -> None:
    assert money.format_area(3_367_400) == "336.74 万㎡"
    assert money.format_area(2_588_740) == "258.874 万㎡"
    assert money.format_area(8_950) == "8,950 ㎡"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (8_800, "0.88"),  # ㎡ → 万㎡
        (3_367_400, "336.74"),
        (1_548_000_000, "154,800.00"),  # 元 → 万元: no switch to 亿 within a column
        (3_050_000, "305.00"),
        (Decimal("12345.67"), "1.23"),
        (Decimal("-30"), "0.00"),  # a small reversal, not "-0.00"
        (Decimal("-250000"), "-25.00"),
        (0, "0.00"),
        (None, "—"),
    ],
)
def test_a_column_is_in_wan_with_two_decimals_whatever_its_size(
    value: Decimal | int | None, shown: str
) -> None:
    assert money.format_wan(value) == shown


def test_a_column_cell_keeps_the_exact_figure_on_hover() -> None:
    from huanxin.core.templatetags.huanxin import wan_area, wan_yuan

    assert wan_yuan(Decimal("3050000")) == '<span title="3,050,000.00 元">305.00</span>'
    assert wan_area(8_800) == '<span title="8,800.00 ㎡">0.88</span>'
    assert wan_yuan(None) == wan_area(None) == "—"


def test_percent_has_one_decimal() -> None:
    assert money.format_percent(Decimal("0.7123")) == "71.2%"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_fen_round_trip_is_exact(amount: Decimal) -> None:
    assert money.fen_to_yuan(money.yuan_to_fen(amount)) == amount


def test_floats_are_taken_at_their_written_value() -> None:
    assert money.to_decimal(0.1) + money.to_decimal(0.2) == Decimal("0.30")


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳小明", "欧***"), ("李", "李*"), ("", "")]
)
def test_names_keep_only_the_surname_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_mobile_numbers_keep_three_and_four_digits(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
    assert phone[3:7] not in masked[3:7]


@given(st.text(alphabet="0123456789", min_size=0, max_size=10))
def test_short_numbers_reveal_at_most_two_digits(number: str) -> None:
    masked = mask_phone(number)
    assert len(masked) == max(len(number), len(number[-2:]))
    assert sum(char.isdigit() for char in masked) <= 2


def test_id_numbers_keep_three_and_four_characters() -> None:
    assert mask_id_number("430802199501011234") == "430***********1234"


def test_the_clock_follows_the_pinned_date(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HUANXIN_TODAY = "2020-09-01"
    assert clock.today() == dt.date(2020, 9, 1)
    assert clock.now().date() == dt.date(2020, 9, 1)
    assert clock.now().tzinfo is not None
    settings.HUANXIN_TODAY = ""
    assert clock.today() != dt.date(2020, 9, 1)


def test_as_of_defaults_to_today(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HUANXIN_TODAY = "2020-09-01"
    assert clock.parse_as_of(None) == dt.date(2020, 9, 1)
    assert clock.parse_as_of("2019-12-31") == dt.date(2019, 12, 31)
    with pytest.raises(ValueError):
        clock.parse_as_of("2019-13-01")


def test_a_district_scope_covers_its_own_codes_only() -> None:
    yongding = Scope(region_prefix="430802")
    assert yongding.covers_region("430802004001")
    assert not yongding.covers_region("430821001001")
    assert not Scope.nothing().covers_region("430802004001")
    assert Scope(everything=True).covers_region("430821001001")
    assert not Scope(estate_ids=frozenset({1})).covers_region("430802004001")
