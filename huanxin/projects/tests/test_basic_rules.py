"""应改尽改, 先基础后提升 as a pure rule: which basic problems of the condition assessment the
design leaves open, and when enhancement comes first."""

from hypothesis import given
from hypothesis import strategies as st

from huanxin.projects import rules
from huanxin.projects.rules import AssessedItem, basic_coverage

LABELS = {"none": "无", "minor": "轻微", "major": "严重", "hazardous": "存在安全隐患"}


def row(code: str, severity: str, category: str = "basic", note: str = "") -> AssessedItem:
    return AssessedItem(code, f"名称{code}", category, severity, LABELS[severity], note)


def test_only_basic_problems_of_major_or_worse_count_and_the_worst_come_first() -> None:
    coverage = basic_coverage(
        [
            row("B01", "minor"),
            row("B02", "major"),
            row("B05", "hazardous"),
            row("B09", "none"),
            row("I03", "hazardous", category="improvement"),
        ],
        [],
        {},
    )
    assert [(p.code, p.severity_label) for p in coverage.problems] == [
        ("B05", "存在安全隐患"),
        ("B02", "严重"),
    ]


def test_a_problem_is_covered_by_the_same_menu_item_or_explained_by_a_reason() -> None:
    coverage = basic_coverage(
        [row("B02", "major"), row("B05", "major"), row("B07", "hazardous")],
        [("B02", "排水与雨污分流", "basic")],
        {"B05": "燃气公司另行立项", "B07": "   "},
    )
    assert [p.code for p in coverage.covered] == ["B02"]
    assert [(p.code, p.reason) for p in coverage.uncovered] == [("B07", ""), ("B05", "燃气公司另行立项")]
    assert [p.code for p in coverage.open] == ["B07"]  # a blank reason is no reason


def test_a_joint_project_counts_an_item_once_at_its_worst() -> None:
    coverage = basic_coverage(
        [row("B02", "major", note="北区管道破损"), row("B02", "hazardous", note="南区化粪池外溢")], [], {}
    )
    [problem] = coverage.problems
    assert (problem.severity, problem.note) == ("hazardous", "北区管道破损；南区化粪池外溢")


def test_enhancement_first_only_while_a_basic_problem_stays_open() -> None:
    design = [("E01", "社区综合服务与物业用房", "enhancement"), ("I03", "照明亮化", "improvement")]
    assessment = [row("B05", "major")]
    assert basic_coverage(assessment, design, {}).enhancement_first
    assert basic_coverage(assessment, design, {}).enhancements == ["社区综合服务与物业用房"]
    assert not basic_coverage(assessment, design, {"B05": "燃气公司另行立项"}).enhancement_first
    assert not basic_coverage(assessment, [*design, ("B05", "燃气", "basic")], {}).enhancement_first
    assert not basic_coverage(assessment, design[1:], {}).enhancement_first  # no enhancement designed


CODES = [f"B0{n}" for n in range(1, 6)] + ["I01", "E01"]
categories = {code: {"B": "basic", "I": "improvement", "E": "enhancement"}[code[0]] for code in CODES}


@given(
    assessment=st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(list(LABELS)))),
    designed=st.sets(st.sampled_from(CODES)),
    reasons=st.dictionaries(st.sampled_from(CODES), st.sampled_from(["", " ", "燃气公司另行立项"])),
)
def test_open_problems_are_exactly_the_serious_basic_ones_neither_designed_nor_explained(
    assessment: list[tuple[str, str]], designed: set[str], reasons: dict[str, str]
) -> None:
    rows = [row(code, severity, categories[code]) for code, severity in assessment]
    design = [(code, code, categories[code]) for code in sorted(designed)]
    coverage = basic_coverage(rows, design, reasons)
    serious = {
        code
        for code, severity in assessment
        if categories[code] == "basic" and rules.SEVERITY_RANK[severity] >= rules.SERIOUS
    }
    assert {p.code for p in coverage.problems} == serious
    assert len(coverage.problems) == len(serious)
    assert {p.code for p in coverage.open} == {
        code for code in serious if code not in designed and not reasons.get(code, "").strip()
    }
    assert {p.code for p in coverage.covered} == serious & designed
    ranks = [rules.SEVERITY_RANK[p.severity] for p in coverage.problems]
    assert ranks == sorted(ranks, reverse=True)
    for problem in coverage.problems:  # each at the worst severity recorded for it
        assert rules.SEVERITY_RANK[problem.severity] == max(
            rules.SEVERITY_RANK[s] for c, s in assessment if c == problem.code
        )
    assert coverage.enhancement_first == ("E01" in designed and bool(coverage.open))
