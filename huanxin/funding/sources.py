"""The national list of funding sources (SPEC 4.8, reference/POLICY.md §1.7): code, name, kind.
A city adds its own beside them. Loaded by migration 0002 and by `national_sources_load()`."""

NATIONAL_SOURCES = [
    ("G01", "中央补助资金", "government"),
    ("G02", "中央预算内投资", "government"),
    ("G03", "省级财政资金", "government"),
    ("G04", "市级财政资金", "government"),
    ("G05", "区县财政资金", "government"),
    ("G06", "地方政府专项债券", "government"),
    ("R01", "居民直接出资", "resident"),
    ("R02", "住宅专项维修资金", "resident"),
    ("R03", "住房公积金提取", "resident"),
    ("R04", "小区公共收益", "resident"),
    ("E01", "原产权单位出资", "enterprise"),
    ("E02", "管线单位出资", "enterprise"),
    ("E03", "社会资本", "enterprise"),
    ("E04", "捐赠", "enterprise"),
    ("F01", "金融机构贷款", "finance"),
    ("O01", "其他", "enterprise"),
]
