"""Survey rounds and answers: every write here, each in a transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from huanxin.accounts.permissions import may_any
from huanxin.catalog.models import MenuItem
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.core.history import versions_then
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.estates import city_rules
from huanxin.estates.models import Estate, Household
from huanxin.estates.querysets import estate_then
from huanxin.residents.models import Consent
from huanxin.residents.services import PRIVACY_NOTICE_VERSION, consent_record, has_consented
from huanxin.surveys import rules
from huanxin.surveys.models import Answer, CofundBracket, CofundMode, SurveyRound


def _may_run_rounds(by: Any) -> None:
    if not may_any(by, "surveys", "change", "rounds"):
        raise Forbidden(_("您的角色不能发起或调整调查"))


def round_create(
    *, by: Any, estate_id: int, title: str, opens_on: dt.date, closes_on: dt.date, item_ids: list[int]
) -> SurveyRound:
    _may_run_rounds(by)
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        items = list(menu_readable_by(by).menu_for(estate.region.code).active().filter(pk__in=item_ids))
        if not items:
            raise Invalid(
                _("请至少选择一项可选的改造内容"), details=[{"field": "items", "message": _("必选")}]
            )
        if closes_on < opens_on:
            raise Invalid(
                _("截止日期不能早于开始日期"), details=[{"field": "closes_on", "message": _("早于开始日期")}]
            )
        overlapping = SurveyRound.objects.filter(
            estate=estate, opens_on__lte=closes_on, closes_on__gte=opens_on, closed_on__isnull=True
        ).first()
        if overlapping is not None:
            raise Refused(_("该小区在这段时间已有调查“%(title)s”，请先结束它") % {"title": overlapping.title})
        survey = SurveyRound(
            estate=estate, title=title, opens_on=opens_on, closes_on=closes_on, created_by=by
        )
        full_clean_or_invalid(survey)
        stamp_history(survey, by=by, reason="发起调查")
        survey.save()
        survey.items.set(items)
        audit_record(action="survey.create", actor=by, target=survey, region_code=estate.region.code)
    return survey


def _locked_round(by: Any, round_id: int, version: int) -> SurveyRound:
    survey = get_visible_or_404(SurveyRound.objects.select_for_update(of=("self",)), by, pk=round_id)
    if survey.version != version:
        raise StaleEdit(_("该调查已被他人修改，请刷新后重试"))
    if survey.status == SurveyRound.Status.CLOSED:
        raise Refused(_("调查已结束，不能再修改"))
    return survey


def round_close(*, by: Any, round_id: int, version: int) -> SurveyRound:
    _may_run_rounds(by)
    with transaction.atomic():
        survey = _locked_round(by, round_id, version)
        survey.closed_on = clock.today()
        survey.version += 1
        stamp_history(survey, by=by, reason="提前结束调查")
        survey.save(update_fields=["closed_on", "version"])
        audit_record(action="survey.close", actor=by, target=survey, region_code=survey.estate.region.code)
    return survey


def round_extend(*, by: Any, round_id: int, version: int, closes_on: dt.date) -> SurveyRound:
    _may_run_rounds(by)
    with transaction.atomic():
        survey = _locked_round(by, round_id, version)
        if closes_on <= survey.closes_on:
            raise Invalid(
                _("新的截止日期应晚于原截止日期（%(date)s）") % {"date": survey.closes_on.isoformat()},
                details=[{"field": "closes_on", "message": _("应晚于原截止日期")}],
            )
        survey.closes_on = closes_on
        survey.version += 1
        stamp_history(survey, by=by, reason="延长调查")
        survey.save(update_fields=["closes_on", "version"])
        audit_record(action="survey.extend", actor=by, target=survey, region_code=survey.estate.region.code)
    return survey


class AnswerData(TypedDict, total=False):
    agrees: bool
    first_need: int | None  # menu item id
    other_needs: list[int]
    cofund_willing: bool | None
    cofund_modes: list[str]
    cofund_bracket: str
    comments: str


def _checked_answer(survey: SurveyRound, data: AnswerData) -> tuple[AnswerData, list[MenuItem]]:
    offered = {item.pk: item for item in survey.items.all()}
    problems = []
    if not isinstance(data.get("agrees"), bool):
        problems.append({"field": "agrees", "message": _("请选择是否同意改造")})
    first = data.get("first_need")
    if first is not None and first not in offered:
        problems.append({"field": "first_need", "message": _("不是本次调查的可选内容")})
    others = [pk for pk in data.get("other_needs", []) if pk != first]
    if any(pk not in offered for pk in others):
        problems.append({"field": "other_needs", "message": _("不是本次调查的可选内容")})
    willing = data.get("cofund_willing")
    modes = list(dict.fromkeys(data.get("cofund_modes", []))) if willing else []
    bracket = data.get("cofund_bracket", "") if willing else ""
    if any(mode not in CofundMode.values for mode in modes):
        problems.append({"field": "cofund_modes", "message": _("出资方式无效")})
    if bracket and bracket not in CofundBracket.values:
        problems.append({"field": "cofund_bracket", "message": _("出资金额区间无效")})
    comments = (data.get("comments") or "").strip()
    if len(comments) > 1000:
        problems.append({"field": "comments", "message": _("意见建议最多1000字")})
    if problems:
        raise Invalid(_("答卷有误"), details=problems)
    cleaned: AnswerData = {
        "agrees": bool(data["agrees"]),
        "first_need": first,
        "cofund_willing": willing,
        "cofund_modes": modes,
        "cofund_bracket": bracket,
        "comments": comments,
    }
    return cleaned, [offered[pk] for pk in others]


def answer_submit(
    *, round_id: int, household: Household, data: AnswerData, by: Any = None, consent_given: bool = False
) -> Answer:
    """A household's answer: by the resident (identified by slip or SMS), or by a community
    worker on paper (代录, `by` the worker). Earlier versions stay; only the newest is current."""
    paper = by is not None
    if paper and not by.can("surveys", "paper_answers") and not by.can("surveys", "change"):
        raise Forbidden(_("您的角色不能代录答卷"))
    try:
        with transaction.atomic():
            # The household row is the lock: two submissions for one household take turns.
            locked = Household.objects.select_for_update().get(pk=household.pk)
            rounds = SurveyRound.objects.visible_to(by) if paper else SurveyRound.objects.all()
            # The round too: an answer cannot slip in after a concurrent close.
            survey = (
                rounds.select_for_update(of=("self",)).filter(pk=round_id, estate_id=locked.estate_id).first()
            )
            if survey is None:
                raise Invalid(_("调查不存在，或不属于您家所在的小区"))
            if not survey.is_open:
                raise Refused(_("调查%(status)s，不能提交答卷") % {"status": survey.get_status_display()})
            if paper and consent_given and not has_consented(locked):
                consent_record(household=locked, by=by)
            if not has_consented(locked):
                raise Refused(_("提交前请先阅读并同意个人信息告知书"))
            cleaned, others = _checked_answer(survey, data)
            previous = Answer.objects.filter(round=survey, household=locked).order_by("-sequence").first()
            Answer.objects.filter(round=survey, household=locked, is_current=True).update(is_current=False)
            answer = Answer.objects.create(
                round=survey,
                household=locked,
                sequence=(previous.sequence + 1) if previous else 1,
                agrees=cleaned["agrees"],
                first_need_id=cleaned["first_need"],
                cofund_willing=cleaned["cofund_willing"],
                cofund_modes=cleaned["cofund_modes"],
                cofund_bracket=cleaned["cofund_bracket"],
                comments=cleaned["comments"],
                channel=Answer.Channel.PAPER if paper else Answer.Channel.RESIDENT,
                entered_by=by if paper else None,
            )
            answer.other_needs.set(others)
            audit_record(
                action="survey.answer",
                actor=by,
                target=survey,
                region_code=survey.estate.region.code,
                detail={"household": locked.pk, "sequence": answer.sequence, "channel": answer.channel},
            )
    except IntegrityError as error:
        raise Refused(_("同时有另一份答卷正在提交，请稍后重试")) from error
    return answer


def answers_then(survey: SurveyRound, as_of: dt.date | None = None) -> QuerySet[Answer]:
    """Each household's answer in force at the end of `as_of`: its latest version given by then
    (live: the current ones). Read as an anti-join, one pass however many versions there are."""
    if as_of is None:
        return Answer.objects.current().filter(round=survey)
    end = clock.end_of(as_of)
    later = Answer.objects.filter(
        round_id=OuterRef("round_id"),
        household_id=OuterRef("household_id"),
        sequence__gt=OuterRef("sequence"),
        created_at__lt=end,
    )
    return Answer.objects.filter(round=survey, created_at__lt=end).exclude(Exists(later))


def round_tally(survey: SurveyRound, as_of: dt.date | None = None) -> rules.Tally:
    """Judged by the city's own thresholds (the estate's nearest region node), not the defaults;
    as of a past day, with the answers, roster and rules as they stood at its end."""
    city = city_rules.rules_for(survey.estate.region.code, as_of)
    answers = (
        answers_then(survey, as_of).select_related("household", "first_need").prefetch_related("other_needs")
    )
    estate = survey.estate
    roster: QuerySet[Any]
    if as_of is None:
        roster = Household.objects.filter(estate=estate)
    else:
        roster = versions_then(Household, clock.end_of(as_of)).filter(estate_id=estate.pk)
        estate = estate_then(estate, as_of)
    roster_areas = list(roster.values_list("floor_area_m2", flat=True))
    return rules.tally(
        [
            rules.HouseholdAnswer(
                agrees=answer.agrees,
                area=answer.household.floor_area_m2,
                first_need=answer.first_need.code if answer.first_need else None,
                other_needs=tuple(item.code for item in answer.other_needs.all()),
                cofund_willing=answer.cofund_willing,
                cofund_modes=tuple(answer.cofund_modes),
                cofund_bracket=answer.cofund_bracket,
            )
            for answer in answers
        ],
        households_total=max(estate.households, len(roster_areas)),
        roster_areas=roster_areas,
        agreement_share=city.agreement_share,
        quorum=city.quorum,
        majority=city.majority,
    )


class BatchAnswer(TypedDict):
    household_id: int
    agrees: bool
    first_need: int | None
    cofund_willing: bool | None


def answers_enter_batch(*, by: Any, round_id: int, rows: list[BatchAnswer]) -> int:
    """A community's door-to-door survey (入户调查) entered in one go: paper answers, each
    household's consent signed on paper, for households that have not answered yet."""
    if not (by.can("surveys", "paper_answers") or by.can("surveys", "change")):
        raise Forbidden(_("您的角色不能代录答卷"))
    with transaction.atomic():
        survey = get_visible_or_404(SurveyRound.objects.select_for_update(of=("self",)), by, pk=round_id)
        if not survey.is_open:
            raise Refused(_("调查%(status)s，不能提交答卷") % {"status": survey.get_status_display()})
        households = set(Household.objects.filter(estate=survey.estate).values_list("pk", flat=True))
        answered = set(Answer.objects.filter(round=survey).values_list("household_id", flat=True))
        offered = set(survey.items.values_list("pk", flat=True))
        if len({row["household_id"] for row in rows}) != len(rows):
            raise Invalid(_("同一户出现了两次"))
        bad = [
            row["household_id"]
            for row in rows
            if row["household_id"] not in households
            or row["household_id"] in answered
            or (row["first_need"] and row["first_need"] not in offered)
        ]
        if bad:
            raise Invalid(
                _("有 %(n)d 户不属于本小区、已经答过或所选改造内容不在本次调查中") % {"n": len(bad)}
            )
        user = by if getattr(by, "pk", None) else None
        Consent.objects.bulk_create(
            Consent(household_id=row["household_id"], notice_version=PRIVACY_NOTICE_VERSION, recorded_by=user)
            for row in rows
        )
        Answer.objects.bulk_create(
            Answer(
                round=survey,
                household_id=row["household_id"],
                sequence=1,
                agrees=row["agrees"],
                first_need_id=row["first_need"],
                cofund_willing=row["cofund_willing"],
                cofund_modes=["direct"] if row["cofund_willing"] else [],
                channel=Answer.Channel.PAPER,
                entered_by=user,
            )
            for row in rows
        )
        audit_record(
            action="survey.answers_batch",
            actor=by,
            target=survey,
            region_code=survey.estate.region.code,
            detail={"households": len(rows)},
        )
    return len(rows)
