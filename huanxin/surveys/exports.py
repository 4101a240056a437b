"""A round's answers (masked per role) and tallies as a workbook."""

from __future__ import annotations

from typing import Any

from huanxin.core.masking import mask_name, mask_phone
from huanxin.core.money import format_percent
from huanxin.core.spreadsheets import SheetOut, write_xlsx
from huanxin.estates.models import address_order
from huanxin.surveys.models import Answer, CofundBracket, CofundMode, SurveyRound
from huanxin.surveys.rules import Tally


def _percent(value: Any) -> str:
    return format_percent(float(value)) if value is not None else "—"


def _yes_no(value: bool | None) -> str:
    return {True: "是", False: "否", None: "—"}[value]


def tally_rows(tally: Tally, names: dict[str, str]) -> list[list[Any]]:
    vote = tally.vote
    rows: list[list[Any]] = [
        ["户数（统计）", tally.households_total],
        ["已答户数", tally.respondents],
        ["答卷率", _percent(tally.response_rate)],
        ["同意户数", tally.agree],
        ["同意率（占全部户数）", _percent(tally.agreement_all)],
        ["同意率（占已答户数）", _percent(tally.agreement_respondents)],
        ["同意率（按面积，占全部）", _percent(tally.agreement_all_by_area)],
        [f"同意率达到本市规则（≥ {tally.agreement_share}）", _yes_no(tally.agreement_met)],
        ["参与表决：人数比例", _percent(vote.participation_heads)],
        ["参与表决：面积比例", _percent(vote.participation_area)],
        ["参与者中同意：人数比例", _percent(vote.agreement_heads)],
        ["参与者中同意：面积比例", _percent(vote.agreement_area)],
        [
            f"民法典第278条：表决通过（参与 ≥ {vote.quorum}，同意 ≥ {vote.majority}）",
            {True: "是", False: "否", None: "无法判断（面积不全）"}[vote.passes],
        ],
        ["愿意出资户数", tally.cofund_willing],
    ]
    modes = dict(CofundMode.choices)
    rows += [[f"出资方式：{modes.get(mode, mode)}", count] for mode, count in tally.cofund_modes.items()]
    brackets = dict(CofundBracket.choices)
    rows += [[f"出资区间：{brackets.get(key, key)}", count] for key, count in tally.cofund_brackets.items()]
    rows += [
        [
            f"需求排名 {index}：{names.get(item.code, item.code)}",
            f"{item.mentions} 户（首选 {item.first_choice}）",
        ]
        for index, item in enumerate(tally.items, start=1)
    ]
    return rows


def round_xlsx(survey: SurveyRound, tally: Tally, *, unmasked: bool, title: str) -> bytes:
    """Two sheets, each under `title` (the round, its estate and the day: spreadsheets.titled)."""
    names = {item.code: item.name for item in survey.items.all()}
    answers = (
        Answer.objects.current()
        .filter(round=survey)
        .select_related("household", "household__building", "first_need", "entered_by")
        .prefetch_related("other_needs")
        .order_by(*address_order("household"))
    )
    modes = dict(CofundMode.choices)
    brackets = dict(CofundBracket.choices)

    def answer_row(answer: Answer) -> list[Any]:
        household = answer.household
        return [
            household.building.name,
            household.unit,
            household.room,
            household.owner_name if unmasked else mask_name(household.owner_name),
            household.owner_phone if unmasked else mask_phone(household.owner_phone),
            "同意" if answer.agrees else "不同意",
            answer.first_need.name if answer.first_need else "",
            "、".join(item.name for item in answer.other_needs.all()),
            {True: "愿意", False: "不愿意", None: ""}[answer.cofund_willing],
            "、".join(str(modes.get(mode, mode)) for mode in answer.cofund_modes),
            str(brackets.get(answer.cofund_bracket, "")),
            answer.comments,
            answer.get_channel_display(),
            answer.sequence,
            answer.created_at.strftime("%Y-%m-%d %H:%M"),
        ]

    return write_xlsx(
        [
            SheetOut(
                name="统计",
                header=["指标", "数值"],
                rows=tally_rows(tally, names),
                widths=[30, 24],
                title=title,
            ),
            SheetOut(
                name="答卷",
                header=[
                    "楼栋",
                    "单元",
                    "房号",
                    "户主",
                    "电话",
                    "是否同意",
                    "最需要",
                    "其他需要",
                    "愿意出资",
                    "出资方式",
                    "出资区间",
                    "意见建议",
                    "填写方式",
                    "版本",
                    "提交时间",
                ],
                rows=(answer_row(answer) for answer in answers),
                title=title,
            ),
        ]
    )
