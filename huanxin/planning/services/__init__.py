"""Writes for planning, by sub-domain: the candidate pool (eligibility rules, the candidates'
steps and estimates) and the plans (weights, programs, annual plans). Callers import from here."""

from huanxin.planning.services.candidates import (
    SettingsChanges,
    candidate_confirm,
    candidate_cost_set,
    candidate_costs_estimate,
    candidate_forward,
    candidate_review,
    candidate_submit,
    eligibility_settings_save,
)
from huanxin.planning.services.plans import (
    WITHDRAWN,
    ProgramChanges,
    available_candidates,
    locked_draft,
    plan_approval_refusals,
    plan_approve,
    plan_create,
    plan_publish,
    plan_set_entries,
    plan_withdraw,
    priority_weights_save,
    program_create,
    program_update,
    refuse_unless_planner,
)

__all__ = [
    "WITHDRAWN",
    "ProgramChanges",
    "SettingsChanges",
    "available_candidates",
    "candidate_confirm",
    "candidate_cost_set",
    "candidate_costs_estimate",
    "candidate_forward",
    "candidate_review",
    "candidate_submit",
    "eligibility_settings_save",
    "locked_draft",
    "plan_approval_refusals",
    "plan_approve",
    "plan_create",
    "plan_publish",
    "plan_set_entries",
    "plan_withdraw",
    "priority_weights_save",
    "program_create",
    "program_update",
    "refuse_unless_planner",
]
