"""Reads for projects: progress (today or as of a past date) and the state on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from huanxin.accounts.permissions import Role
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.history import versions_then
from huanxin.core.masking import mask_name
from huanxin.estates.models import ConditionAssessment, Estate, EstateTie, Household
from huanxin.planning.querysets import ancestors_and_self
from huanxin.projects import rules
from huanxin.projects.models import (
    AcceptanceSignature,
    BasicGapReason,
    DesignVote,
    Feedback,
    Milestone,
    PaperVote,
    PhotoReview,
    PhotoStage,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
    ProjectSettings,
    ProjectTransition,
    Satisfaction,
    SatisfactionRating,
)
from huanxin.residents.models import Representative


def item_progress(project: Project, as_of: dt.date | None = None) -> list[tuple[ProjectItem, Decimal]]:
    """Each item with its share done (0..1) by the latest report on or before `as_of`."""
    items = list(project.items.select_related("item"))
    reports = ProgressReport.objects.filter(item__project=project).counted().order_by("item_id", "on", "id")
    if as_of is not None:
        reports = reports.filter(on__lte=as_of)
    latest: dict[int, Decimal] = {}
    for report in reports:
        latest[report.item_id] = report.quantity_done
    return [(item, rules.item_share(latest.get(item.pk, Decimal(0)), item.quantity)) for item in items]


def last_reports(project: Project, as_of: dt.date | None = None) -> dict[int, ProgressReport]:
    """Each item's counted report in force (the latest on or before `as_of`)."""
    reports = ProgressReport.objects.filter(item__project=project).counted()
    if as_of is not None:
        reports = reports.filter(on__lte=as_of)
    return {report.item_id: report for report in reports.order_by("item_id", "on", "id")}


def project_progress(project: Project, as_of: dt.date | None = None) -> Decimal:
    return rules.progress(
        [(item.budget_yuan, Decimal(1), done) for item, done in item_progress(project, as_of)]
    )


def states_settled_by(day: dt.date) -> bool:
    """Whether no transition is dated after `day`: then each project's state now is its state at
    the end of `day`, and a rollup of that day may read the states instead of the transitions.
    One indexed probe; true for today in a live system, false for a day before the last change."""
    return not ProjectTransition.objects.filter(on__gt=day).exists()


def projects_for(user: Any) -> Any:
    """The projects a user reads: by jurisdiction; a contractor only those it designs, builds or
    supervises, even where another contractor works on the same estate."""
    projects = Project.objects.visible_to(user)
    if set(user.roles) == {Role.CONTRACTOR}:
        organization_id = getattr(user, "organization_id", None)
        projects = projects.filter(
            Q(builder_id=organization_id) | Q(supervisor_id=organization_id) | Q(designer_id=organization_id)
        )
    return projects.select_related(
        "estate",
        "estate__region",
        "estate__region__parent",
        "estate__region__parent__parent",
        "plan_entry__plan",
    )


def config_for(region_code: str) -> rules.ProjectConfig:
    """The nearest region node's own project rules, else the national defaults."""
    codes = ancestors_and_self(region_code)
    found = {
        row.region.code: row
        for row in ProjectSettings.objects.filter(region__code__in=codes).select_related("region")
    }
    own = next((found[code] for code in codes if code in found), None)
    return own.as_config() if own is not None else rules.ProjectConfig()


def design_budget(project: Project) -> Decimal:
    return project.items.aggregate(total=Sum("budget_yuan"))["total"] or Decimal(0)


def publicity_started_on(project: Project, as_of: dt.date | None = None) -> dt.date | None:
    """The day the current design went on publicity (the latest entry into that state)."""
    transitions = ProjectTransition.objects.filter(project=project, to_state=rules.PUBLICITY)
    if as_of is not None:
        transitions = transitions.filter(on__lte=as_of)
    return transitions.order_by("-on", "-id").values_list("on", flat=True).first()


def construction_started_on(project: Project) -> dt.date | None:
    first = (
        ProjectTransition.objects.filter(project=project, to_state=rules.CONSTRUCTION)
        .order_by("on", "id")
        .values_list("on", flat=True)
        .first()
    )
    return first or project.planned_start


def has_owners_committee(project: Project) -> bool:
    return EstateTie.objects.filter(
        estate_id=project.estate_id, kind=EstateTie.Kind.OWNERS_COMMITTEE
    ).exists()


def signatures_of(project: Project, as_of: dt.date | None = None) -> Any:
    """The acceptance record's signatures, all or those signed by the end of `as_of`."""
    signatures = AcceptanceSignature.objects.filter(project=project)
    return signatures if as_of is None else signatures.filter(signed_on__lte=as_of)


def missing_signatures(project: Project, as_of: dt.date | None = None) -> list[str]:
    """The parties (by their Chinese names) whose signature the record still lacks."""
    signatures = list(signatures_of(project, as_of))
    signed = {s.party for s in signatures if s.household_id is None}
    missing = []
    for party in rules.parties_required(has_owners_committee(project)):
        if party == rules.REPRESENTATIVES and party not in signed:
            current = set(
                Representative.objects.filter(
                    household__estate_id__in=covered_estate_ids(project)
                ).values_list("household_id", flat=True)
            )
            elected = len(current)
            # only the signatures of households that are representatives now count
            votes = sum(
                1 for s in signatures if s.party == rules.REPRESENTATIVES and s.household_id in current
            )
            if not rules.representatives_enough(votes, elected):
                missing.append(
                    str(rules.PARTIES[party])
                    + (
                        _("（已签%(votes)d人，共%(elected)d人，须过半数）")
                        % {"votes": votes, "elected": elected}
                        if elected
                        else _("（尚未推选）")
                    )
                )
        elif party not in signed:
            missing.append(str(rules.PARTIES[party]))
    return missing


def parties_of(user: Any, project: Project) -> list[str]:
    """The parties `user` may sign for on this project, by role and organization."""
    if not user.can("projects", "sign_acceptance"):
        return []
    roles = set(user.roles)
    organization_id = getattr(user, "organization_id", None)
    parties = []
    if (
        Role.OWNERS_COMMITTEE in roles
        and organization_id is not None
        and EstateTie.objects.filter(
            estate_id=project.estate_id,
            organization_id=organization_id,
            kind=EstateTie.Kind.OWNERS_COMMITTEE,
        ).exists()
    ):
        parties.append(rules.OWNERS)
    if Role.COMMUNITY_WORKER in roles:
        parties.append(rules.COMMUNITY)
    if Role.CONTRACTOR in roles and organization_id is not None:
        if organization_id == project.supervisor_id:
            parties.append(rules.SUPERVISION)
        if organization_id == project.builder_id:
            parties.append(rules.CONSTRUCTION_PARTY)
    if Role.DISTRICT_OFFICER in roles:
        parties.append(rules.DISTRICT)
    return parties


def late_milestones(today: dt.date) -> Any:
    """Past due and not reached (a reached milestone is done, if late; rules.milestone_status)."""
    return Milestone.objects.filter(project=OuterRef("pk"), due_on__lt=today, done_on__isnull=True)


def with_flags(projects: QuerySet[Project], today: dt.date | None = None) -> Any:
    """Annotate `delayed` (rules.is_delayed, in SQL) and `milestone_late`."""
    today = today or clock.today()
    unfinished = ~Q(state__in=[*rules.COMPLETED, rules.CANCELLED, rules.AWAITING_ACCEPTANCE])
    delayed = (
        unfinished
        & Q(planned_end__isnull=False)
        & (Q(planned_end__lt=today) | Q(forecast_end__gt=F("planned_end")))
    )
    return projects.annotate(
        delayed=Case(When(delayed, then=Value(True)), default=Value(False), output_field=BooleanField()),
        # an accepted or cancelled project's unreached milestones are closed, not late for ever
        milestone_late=Case(
            When(Q(Exists(late_milestones(today))) & ~Q(state__in=CLOSED_STATES), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


CLOSED_STATES = [*rules.COMPLETED, rules.CANCELLED]


@dataclass
class PartyLine:
    """One line of the acceptance form: a party, its signatures, and whether it has signed."""

    party: str
    label: str
    signatures: list[tuple[AcceptanceSignature, str]]  # with who signed, as the reader may see it
    signed: bool


def signer_label(signature: AcceptanceSignature, *, personal: bool) -> str:
    """Who signed: a staff login by its account name; a representative by the household's
    address, the room masked for readers who may not see personal data; a paper record by the
    names written on it, masked the same way."""
    if signature.signer is not None:
        return str(signature.signer)
    if signature.household is not None:
        household = signature.household
        room = household.room if personal else "*" * max(len(household.room), 1)
        return _("%(building)s%(unit)s单元%(room)s（居民代表）") % {
            "building": household.building.name,
            "unit": household.unit,
            "room": room,
        }
    names = (
        signature.signer_name
        if personal
        else "、".join(mask_name(name) for name in signature.signer_name.split("、"))
    )
    return _("%(names)s（纸质记录 %(number)s）") % {"names": names, "number": signature.archive_number}


def acceptance_lines(
    project: Project, *, personal: bool = False, as_of: dt.date | None = None
) -> list[PartyLine]:
    signatures = list(
        signatures_of(project, as_of).select_related("signer", "household__building", "recorded_by")
    )
    missing = set(missing_signatures(project, as_of))
    lines = []
    for party in rules.parties_required(has_owners_committee(project)):
        own = [(s, signer_label(s, personal=personal)) for s in signatures if s.party == party]
        label = str(rules.PARTIES[party])
        lines.append(PartyLine(party, label, own, signed=not any(text.startswith(label) for text in missing)))
    return lines


def paper_vote_of(project: Project, as_of: dt.date | None = None) -> PaperVote | None:
    votes = PaperVote.objects.filter(project=project)
    if as_of is not None:
        votes = votes.filter(held_on__lte=as_of)
    return votes.first()


def households_of(user: Any, project: Project) -> Any:
    """The project's estate's households, as the user's scope allows."""
    return Household.objects.visible_to(user).filter(estate_id=project.estate_id).select_related("building")


def representatives_of(project: Project) -> Any:
    return Representative.objects.filter(household__estate_id__in=covered_estate_ids(project)).select_related(
        "household__building"
    )


def _design_lines(project: Project, as_of: dt.date | None) -> list[tuple[str, str, str]]:
    """(code, name, category) of each item of the design in force, today or at the end of `as_of`."""
    if as_of is None:
        return [(i.item.code, i.item.name, i.item.category) for i in project.items.select_related("item")]
    from huanxin.projects.as_of import design_then  # built on this module's readers

    categories = dict(MenuItem.objects.menu_for(project.estate.region.code).values_list("code", "category"))
    return [(line.code, line.name, categories.get(line.code, "")) for line in design_then(project, as_of)[1]]


def coverage_for(project: Project, as_of: dt.date | None = None) -> rules.Coverage | None:
    """The design against the estate's survey (the round eligibility used); None without one. As
    of a past day: the design then in force against the answers given by then."""
    from huanxin.planning.querysets import round_for_eligibility
    from huanxin.surveys.services import round_tally

    survey = round_for_eligibility(project.estate, as_of)
    if survey is None:
        return None
    names = dict(MenuItem.objects.menu_for(project.estate.region.code).values_list("code", "name"))
    demand = [
        (item.code, names.get(item.code, item.code), item.first_choice, item.mentions)
        for item in round_tally(survey, as_of).items
    ]
    return rules.demand_coverage(demand, {code for code, _name, _category in _design_lines(project, as_of)})


def basic_reasons(project: Project, as_of: dt.date | None = None) -> dict[str, BasicGapReason]:
    """The written reasons why basic problems are not designed, by menu code (as they stood at
    the end of `as_of`, when given)."""
    rows: QuerySet[Any]
    if as_of is None:
        rows = BasicGapReason.objects.filter(project=project)
    else:
        rows = versions_then(BasicGapReason, clock.end_of(as_of)).filter(project_id=project.pk)
    return {row.item.code: row for row in rows.select_related("item", "by")}


@dataclass
class BasicLine:
    """A basic problem as the pages show it: with its menu item and the reason written for it."""

    problem: rules.BasicProblem
    item_id: int
    reason: BasicGapReason | None


def named_problems(problems: list[rules.BasicProblem]) -> str:
    return "、".join(f"{p.name}（{p.severity_label}）" for p in problems)


@dataclass
class BasicReview:
    coverage: rules.BasicCoverage
    lines: list[BasicLine]

    @property
    def warning(self) -> str | None:
        """先基础后提升: a warning (not a guard) when enhancement comes before the basic need."""
        if not self.coverage.enhancement_first:
            return None
        return str(
            _(
                "先基础后提升：设计中已有提升类内容（%(e)s），但以下基础类重大问题既未纳入设计，也未说明理由：%(p)s"
            )
        ) % {
            "e": "、".join(self.coverage.enhancements),
            "p": named_problems(self.coverage.open),
        }


def basic_review(project: Project, as_of: dt.date | None = None) -> BasicReview:
    """The design against the condition assessment of every estate it renovates (SPEC 4.2):
    which basic problems, major or worse, it covers, and why the others are left out. A project
    joined into another is designed there: the lead project's review covers it. As of a past day:
    the assessment, design and reasons recorded by its end."""
    if project.joined_into is not None:
        project = project.joined_into
    assessed: QuerySet[Any]
    if as_of is None:
        assessed = ConditionAssessment.objects.all()
    else:
        assessed = versions_then(ConditionAssessment, clock.end_of(as_of))
    rows = list(
        assessed.filter(estate_id__in=covered_estate_ids(project), item__category=rules.BASIC).select_related(
            "item"
        )
    )
    assessment = [
        rules.AssessedItem(
            code=row.item.code,
            name=row.item.name,
            category=row.item.category,
            severity=row.severity,
            severity_label=str(row.get_severity_display()),
            note=row.note,
        )
        for row in rows
    ]
    reasons = basic_reasons(project, as_of)
    coverage = rules.basic_coverage(
        assessment, _design_lines(project, as_of), {code: row.reason for code, row in reasons.items()}
    )
    item_ids = {row.item.code: row.item_id for row in rows}
    return BasicReview(
        coverage,
        [
            BasicLine(problem, item_ids[problem.code], reasons.get(problem.code))
            for problem in coverage.problems
        ],
    )


def basic_coverage_for(project: Project) -> rules.BasicCoverage:
    return basic_review(project).coverage


def design_vote_result(project: Project, as_of: dt.date | None = None) -> Any:
    """The design vote counted as Civil Code art. 278 asks, with the city's thresholds: the paper
    result where the owners voted on paper, else the households' votes on the phone pages (those
    cast by the end of `as_of`)."""
    from huanxin.planning.querysets import config_for as eligibility_config_for
    from huanxin.surveys.rules import owners_vote_passes

    config = eligibility_config_for(project.estate.region.code)
    paper = paper_vote_of(project, as_of)
    if paper is not None:
        return owners_vote_passes(
            area_yes=paper.area_yes,
            area_voted=paper.area_voted,
            area_total=paper.area_total,
            heads_yes=paper.heads_yes,
            heads_voted=paper.heads_voted,
            heads_total=paper.heads_total,
            quorum=config.quorum,
            majority=config.majority,
        )
    estates = covered_estate_ids(project)
    roster = dict(Household.objects.filter(estate_id__in=estates).values_list("pk", "floor_area_m2"))
    cast = DesignVote.objects.filter(project=project)
    if as_of is not None:
        cast = cast.filter(voted_at__lt=clock.end_of(as_of))
    votes = list(cast.values_list("household_id", "agrees"))
    areas = {pk: area for pk, area in roster.items() if area is not None}
    areas_known = bool(roster) and len(areas) == len(roster)  # by area only when every area is known
    return owners_vote_passes(
        area_yes=sum((areas[h] for h, yes in votes if yes), Decimal(0)) if areas_known else None,
        area_voted=sum((areas[h] for h, _yes in votes), Decimal(0)) if areas_known else None,
        area_total=sum(areas.values(), Decimal(0)) if areas_known else None,
        heads_yes=sum(1 for _h, yes in votes if yes),
        heads_voted=len(votes),
        heads_total=max(_households_in(estates), len(roster)),
        quorum=config.quorum,
        majority=config.majority,
    )


def _households_in(estate_ids: list[int]) -> int:
    return Estate.objects.filter(pk__in=estate_ids).aggregate(total=Sum("households"))["total"] or 0


def publicity_ends_on(project: Project, as_of: dt.date | None = None) -> dt.date | None:
    started = publicity_started_on(project, as_of)
    if started is None:
        return None
    return started + dt.timedelta(days=config_for(project.estate.region.code).publicity_days)


def ratings_of(project: Project, as_of: dt.date | None = None) -> Any:
    """The households' ratings, all or those given by the end of `as_of` (as last changed: a
    rating changed after the day reads as changed)."""
    ratings = SatisfactionRating.objects.filter(project=project)
    return ratings if as_of is None else ratings.filter(rated_at__lt=clock.end_of(as_of))


def satisfaction_levels(project: Project, as_of: dt.date | None = None) -> list[str]:
    return list(ratings_of(project, as_of).values_list("level", flat=True))


def with_feedback_counts(projects: QuerySet[Project], as_of: dt.date | None = None) -> Any:
    """Annotate `feedback_open` (received, not yet answered at the end of the day) and
    `feedback_overdue` (of those, past their deadline)."""
    on = as_of or clock.today()
    open_then = Q(feedback__received_on__lte=on) & (
        Q(feedback__answered_on__isnull=True) | Q(feedback__answered_on__gt=on)
    )
    return projects.annotate(
        feedback_open=Count("feedback", filter=open_then, distinct=True),
        feedback_overdue=Count("feedback", filter=open_then & Q(feedback__due_on__lt=on), distinct=True),
    )


def feedback_for(user: Any) -> Any:
    """Feedback a user may read: in scope, and for a contractor only what is routed to it."""
    rows = Feedback.objects.visible_to(user).select_related("project__estate", "routed_to", "answered_by")
    if not user.can("projects", "view") and not user.can("projects", "answer_feedback"):
        rows = rows.filter(routed_to_id=getattr(user, "organization_id", None))
    return rows


def satisfaction_counts(project: Project, as_of: dt.date | None = None) -> dict[str, int]:
    counts = dict(ratings_of(project, as_of).values_list("level").annotate(n=Count("id")))
    return {level: counts.get(level, 0) for level in Satisfaction.values}


@dataclass
class PhotoPair:
    """An item before and after, shown side by side."""

    label: str
    before: ProjectPhoto
    after: ProjectPhoto


# What the public may see: photos without flags, and flagged ones an officer has accepted.
PUBLIC_REVIEW = (PhotoReview.CLEAR, PhotoReview.ACCEPTED)


def public_photos() -> Any:
    """Every photo the public may see, of any project: never a resident's feedback photo, never
    one whose time or place is flagged and not yet accepted. The one filter of public reads."""
    return ProjectPhoto.objects.filter(feedback__isnull=True, review__in=PUBLIC_REVIEW)


def photo_board(
    project: Project, as_of: dt.date | None = None, *, public: bool = False
) -> tuple[list[PhotoPair], list[ProjectPhoto]]:
    """The project's own photos (not residents' feedback photos), all or those uploaded by the end
    of `as_of`: before/after pairs per item (the earliest before, the latest after), and every
    photo; `public`: only those the public may see."""
    uploaded = public_photos() if public else ProjectPhoto.objects.filter(feedback__isnull=True)
    if as_of is not None:
        uploaded = uploaded.filter(uploaded_at__lt=clock.end_of(as_of))
    photos = list(
        uploaded.filter(project=project)
        .select_related("item__item")
        .order_by("taken_at", "uploaded_at", "id")
    )
    pairs = []
    for item_id in dict.fromkeys(photo.item_id for photo in photos):
        before = [p for p in photos if p.item_id == item_id and p.stage == PhotoStage.BEFORE]
        after = [p for p in photos if p.item_id == item_id and p.stage == PhotoStage.AFTER]
        if before and after:
            label = before[0].item.item.name if before[0].item else str(_("全景"))
            pairs.append(PhotoPair(label, before[0], after[-1]))
    return pairs, photos


def photos_waiting(project: Project) -> Any:
    """The project's flagged photos no officer has reviewed yet, oldest upload first."""
    return (
        ProjectPhoto.objects.filter(project=project, feedback__isnull=True, review=PhotoReview.WAITING)
        .select_related("item__item", "uploaded_by")
        .order_by("uploaded_at", "id")
    )


def covered_estate_ids(project: Project) -> list[int]:
    """The estates a project renovates: its own, and those of the projects joined into it."""
    return [project.estate_id, *project.joined.values_list("estate_id", flat=True)]


def combined_estimate(project: Project) -> Decimal:
    """The approved estimates of the lead project and every project joined into it."""
    joined = project.joined.aggregate(total=Sum("estimated_cost_yuan"))["total"] or Decimal(0)
    return project.estimated_cost_yuan + joined


def join_candidates(project: Project) -> Any:
    """Projects that may join this one: the same year's plan, the same street, not yet designed."""
    return (
        Project.objects.filter(
            plan_entry__plan__year=project.plan_entry.plan.year,
            estate__region__parent_id=project.estate.region.parent_id,
            state__in=JOINABLE_STATES,
            joined_into__isnull=True,
            items__isnull=True,
            joined__isnull=True,
            # no money of its own yet (the funding app's rows): a joined project's money is the lead's
            funding_plan__isnull=True,
            ledger__isnull=True,
        )
        .exclude(pk=project.pk)
        .select_related("estate")
        .distinct()
    )


JOINABLE_STATES = (rules.APPROVED, rules.DESIGN)
