"""The ledger's columns: what each means, the ways streets and counties head it, which are
needed, and the template (and export) written from them. `ledger` reads files against these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the template's header
    synonyms: tuple[str, ...]
    required: bool = False
    width: int = 12
    in_template: bool = True  # written by the template and the export; False: only read


COLUMNS = [
    Column("code", "小区编码", ("小区编码", "编码", "小区代码", "代码"), width=18),
    Column(
        "name",
        "小区名称",
        (
            "小区名称",
            "小区名",
            "小区",
            "名称",
            "小区(楼栋)名称",
            "小区(项目)名称",
            "老旧小区名称",
            "项目名称",
        ),
        required=True,
        width=22,
    ),
    Column("aliases", "别名", ("别名", "曾用名", "俗称")),
    Column(
        "district",
        "所属区县",
        (
            "所属区县",
            "区县",
            "区(县)",
            "县市区",
            "县(市、区)",
            "县(市区)",
            "所属区(县)",
            "所在区县",
            "所在县市区",
            "所在区(县)",
            "所在县(市、区)",
            "区县(市)",
            "县区",
        ),
        required=True,
    ),
    Column(
        "street",
        "所属街道",
        (
            "所属街道",
            "街道",
            "街道(乡镇)",
            "乡镇(街道)",
            "街道办事处",
            "所属街道(乡镇)",
            "所在街道",
            "所在乡镇(街道)",
            "所在街道(乡镇)",
            "所属乡镇(街道)",
            "所在乡镇",
            "乡镇",
            "乡镇街道",
            "街道乡镇",
        ),
        required=True,
    ),
    Column(
        "community",
        "所属社区",
        (
            "所属社区",
            "社区",
            "社区(居委会)",
            "居委会",
            "所属社区(居委会)",
            "所在社区",
            "所在村(居)委会",
            "村(居)委会",
            "所在社区(村)",
            "社区(村)",
            "所属村(居)委会",
            "所在社区(居委会)",
        ),
        required=True,
    ),
    # One column for both, as many county tables have it: split against the division table.
    Column(
        "street_community",
        "所在街道及社区",
        ("所在街道及社区", "街道及社区", "所属街道及社区", "街道社区", "所在街道社区", "所在街道和社区"),
        in_template=False,
    ),
    Column("address", "地址", ("地址", "详细地址", "小区地址", "坐落", "小区位置", "位置")),
    Column(
        "year_built",
        "建成年份",
        ("建成年份", "建成年代", "竣工年份", "建成时间", "竣工时间", "建设年代", "建设年份", "建成年限"),
        required=True,
    ),
    Column(
        "building_count", "楼栋数", ("楼栋数", "栋数", "楼栋数量", "幢数", "楼栋", "涉及楼栋数", "楼栋(栋)")
    ),
    Column(
        "households",
        "户数",
        ("户数", "总户数", "住户数", "居民户数", "户数(户)", "涉及户数", "惠及户数", "居民数(户)"),
        required=True,
    ),
    Column(
        "floor_area_m2",
        "建筑面积（㎡）",
        ("建筑面积", "总建筑面积", "面积", "小区建筑面积", "住宅建筑面积"),
        required=True,
        width=14,
    ),
    Column("property_right_unit", "产权单位", ("产权单位", "原产权单位", "产权单位名称"), width=18),
    Column("management_mode", "管理模式", ("管理模式", "物业管理模式", "管理方式", "物业管理方式")),
    Column("latitude", "纬度", ("纬度",)),
    Column("longitude", "经度", ("经度",)),
    Column("notes", "备注", ("备注", "说明")),
    # A county's plan table (plan_table.py): read into the estate's DistrictEstimate.
    Column(
        "works",
        "改造内容",
        (
            "改造内容",
            "主要改造内容",
            "建设内容",
            "主要建设内容",
            "改造内容及规模",
            "改造项目内容",
            "拟改造内容",
        ),
        in_template=False,
    ),
    Column(
        "cost_yuan",
        "投资估算（万元）",
        ("投资估算", "估算投资", "总投资", "计划投资", "估算总投资", "项目总投资", "概算投资", "投资额"),
        in_template=False,
    ),
    Column(
        "funding", "资金来源", ("资金来源", "资金筹措", "资金来源及构成", "资金筹措方式"), in_template=False
    ),
    Column(
        "planned_start",
        "计划开工时间",
        ("计划开工时间", "计划开工", "开工时间", "计划开工日期", "开工日期"),
        in_template=False,
    ),
    Column(
        "planned_end",
        "计划完工时间",
        ("计划完工时间", "计划完工", "完工时间", "计划竣工时间", "计划竣工", "计划完成时间"),
        in_template=False,
    ),
    Column(
        "planned_span",
        "计划起止时间",
        ("计划起止时间", "起止时间", "实施时间", "计划实施时间", "建设周期", "建设工期"),
        in_template=False,
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_COLUMNS = [column for column in COLUMNS if column.in_template]
IGNORED_SILENTLY = {"序号", "编号", "序"}
# Needed on a row without a code to find the estate (the street and community may come as one
# column); the other required columns are needed for new estates only (a blank cell leaves an
# existing estate's value as it is — so an export imports back, and a file may update one column).
IDENTIFYING = {"name", "district", "street", "community", "street_community"}
REQUIRED_FOR_NEW = [column.key for column in COLUMNS if column.required and column.key not in IDENTIFYING]


TEMPLATE_NOTES = [
    gettext_lazy("填表说明"),
    gettext_lazy("1. 带 * 的列必须填写；区县、街道、社区填写名称，须在您的辖区内。"),
    gettext_lazy(
        "2. 建成年份可写 1998、1998年、1998.06 或 1998/6/1；面积单位默认为平方米，也可写“万平方米”。"
    ),
    gettext_lazy(
        "3. 已有小区按“小区编码”匹配，没有编码时按“社区 + 小区名称或别名”匹配；匹配到的小区按表中的值更新。"
    ),
    gettext_lazy("4. 空白单元格表示不修改该项；“合计”行和空行会被跳过。"),
    gettext_lazy("5. 管理模式可填：专业物业、社区托管、产权单位管理、业主自治、委托管理、无物业。"),
    gettext_lazy("6. 文件中只要有一处错误，整个文件都不会导入；请按错误清单修改后重新上传。"),
]


def ledger_header() -> list[str]:
    """The template's header; required columns carry a * (ignored when the file comes back)."""
    return [column.label + ("*" if column.required else "") for column in TEMPLATE_COLUMNS]


def ledger_row(estate: Any) -> list[Any]:
    """One estate in the template's columns, so that an export imports back unchanged. Estates
    hold no personal data; household rosters (which do) are exported separately, masked."""
    street = estate.region.parent
    return [
        estate.code,
        estate.name,
        estate.aliases,
        street.parent.name if street and street.parent else "",
        street.name if street else "",
        estate.region.name,
        estate.address,
        estate.year_built,
        estate.building_count,
        estate.households,
        estate.floor_area_m2,
        estate.property_right_unit,
        estate.get_management_mode_display(),
        estate.latitude,
        estate.longitude,
        estate.notes,
    ]
