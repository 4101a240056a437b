"""The ledger's value parsers: every accepted spelling parses to the same value; garbage is
refused with a reason."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.estates.ledger import column_for_header
from huanxin.estates.rules import (
    EXCEL_EPOCH,
    MOST_COUNT,
    ValueRefused,
    parse_area,
    parse_count,
    parse_management_mode,
    parse_year,
)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
THIS_YEAR = 2020


def year_spellings(year: int, month: int, day: int) -> list[object]:
    spellings: list[object] = [
        year,
        float(year),
        str(year),
        f"{year}年",
        f"{year}.{month:02d}",
        float(f"{year}.{month:02d}"),
        f"{year}/{month}/{day}",
        f"{year}-{month:02d}-{day:02d}",
        f"{year}年{month}月",
        f" {year}年 ",
        f"{year}年".translate(FULL_WIDTH),
        dt.date(year, month, day),
        dt.datetime(year, month, day, 8, 30),
    ]
    serial = (dt.date(year, month, day) - EXCEL_EPOCH).days
    if serial > 2100:  # smaller serials (dates before 1905-10) read as years, which they resemble
        spellings.append(float(serial))  # an Excel date serial in a plain number cell
    return spellings


@given(st.integers(1900, THIS_YEAR), st.integers(1, 12), st.integers(1, 28))
def test_every_spelling_of_a_year_reads_the_same(year: int, month: int, day: int) -> None:
    for spelling in year_spellings(year, month, day):
        assert parse_year(spelling, this_year=THIS_YEAR) == year, spelling


@pytest.mark.parametrize(
    "garbage", ["", "九十年代", "90年代", "abc", "1998/13/1", "3000", 1850, "19980", True]
)
def test_garbage_years_are_refused_with_a_reason(garbage: object) -> None:
    with pytest.raises(ValueRefused) as refused:
        parse_year(garbage, this_year=THIS_YEAR)
    assert str(refused.value)


@given(st.integers(0, MOST_COUNT))
def test_every_spelling_of_a_count_reads_the_same(count: int) -> None:
    for spelling in [
        count,
        float(count),
        str(count),
        f"{count}户",
        f"{count:,}",
        str(count).translate(FULL_WIDTH),
        f" {count} ",
    ]:
        assert parse_count(spelling) == count


@pytest.mark.parametrize("garbage", ["", "五十", "84.5", "-3", "1e3", "84 户 3"])
def test_garbage_counts_are_refused(garbage: str) -> None:
    with pytest.raises(ValueRefused):
        parse_count(garbage)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**7), places=2, allow_nan=False))
def test_every_spelling_of_an_area_reads_the_same(area: Decimal) -> None:
    wan = area / 10_000
    spellings = [
        (area, 1),
        (float(area), 1),
        (str(area), 1),
        (f"{area}㎡", 1),
        (f"{area}m²", 1),
        (f"{area} 平方米", 1),
        (f"{area:,}", 1),
        (f"{wan}万平方米", 1),
        (str(wan), 10_000),
        (f"{area}平方米", 10_000),
    ]
    for spelling, factor in spellings:
        assert parse_area(spelling, header_factor=Decimal(factor)) == area, spelling


@pytest.mark.parametrize("garbage", ["", "大约九千", "0", "-20", "12..5㎡"])
def test_garbage_areas_are_refused(garbage: str) -> None:
    with pytest.raises(ValueRefused):
        parse_area(garbage)


def test_management_modes_read_by_their_chinese_names() -> None:
    assert parse_management_mode("专业物业") == "professional"
    assert parse_management_mode(" 业主自治 ") == "self_managed"
    assert parse_management_mode("无物业") == "none"
    with pytest.raises(ValueRefused):
        parse_management_mode("随便管管")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("小区名称", "name"),
        ("小区名", "name"),
        ("建成年份", "year_built"),
        ("建成年代", "year_built"),
        ("竣工年份", "year_built"),
        ("户数", "households"),
        ("总户数", "households"),
        ("住户数", "households"),
        ("建筑面积", "floor_area_m2"),
        ("总建筑面积", "floor_area_m2"),
        ("建筑面积（㎡）", "floor_area_m2"),
        ("建筑面积(万平方米)", "floor_area_m2"),
        ("所属区县", "district"),
        ("区县", "district"),
        ("所属街道", "street"),
        ("街道（乡镇）", "street"),
        ("社区", "community"),
        ("社区（居委会）", "community"),
        ("小区名称*", "name"),
        (" 户 数 ", "households"),
        ("是否加装电梯", None),
        ("", None),
    ],
)
def test_headers_are_matched_by_meaning(header: str, key: str | None) -> None:
    assert column_for_header(header) == key


def test_counts_and_areas_past_any_estate_are_refused_before_the_database() -> None:
    with pytest.raises(ValueRefused, match="数字过大"):
        parse_count(MOST_COUNT + 1)
    assert parse_area("9600", header_factor=Decimal(10_000)) == Decimal("96000000.00")  # a warning's case
    with pytest.raises(ValueRefused, match="面积过大"):
        parse_area("2000000", header_factor=Decimal(10_000))  # 200亿㎡: past the column
