"""Every write to projects, by sub-domain: the lifecycle and its guards, the design, schedule and
progress, acceptance, residents' participation (votes, ratings, feedback) and photos. Callers import
from here."""

from huanxin.projects.services.acceptance import (
    acceptance_paper_record,
    acceptance_sign,
    acceptance_sign_as_representative,
    project_representative_remove,
)
from huanxin.projects.services.design import ItemRow, basic_gap_reason_set, project_assign, project_items_set
from huanxin.projects.services.lifecycle import (
    project_hand_over,
    project_join,
    project_reapprove,
    project_transition,
    projects_open_for_plan,
    transition_refusals,
)
from huanxin.projects.services.participation import (
    MAX_FEEDBACK_PHOTOS,
    RATING_STATES,
    PaperVoteCounts,
    design_vote_cast,
    feedback_answer,
    feedback_submit,
    paper_vote_record,
    satisfaction_rate,
)
from huanxin.projects.services.photos import photo_add, photo_remove, photo_review_accept, photo_upload
from huanxin.projects.services.progress import (
    MAX_REPORT_PHOTOS,
    MilestoneRow,
    milestone_done,
    milestones_set,
    progress_correction_confirm,
    progress_report,
    progress_reports_add,
    progress_upload,
    project_schedule_set,
)

__all__ = [
    "MAX_FEEDBACK_PHOTOS",
    "MAX_REPORT_PHOTOS",
    "RATING_STATES",
    "ItemRow",
    "MilestoneRow",
    "PaperVoteCounts",
    "acceptance_paper_record",
    "acceptance_sign",
    "acceptance_sign_as_representative",
    "basic_gap_reason_set",
    "design_vote_cast",
    "feedback_answer",
    "feedback_submit",
    "milestone_done",
    "milestones_set",
    "paper_vote_record",
    "photo_add",
    "photo_remove",
    "photo_review_accept",
    "photo_upload",
    "progress_correction_confirm",
    "progress_report",
    "progress_reports_add",
    "progress_upload",
    "project_assign",
    "project_hand_over",
    "project_items_set",
    "project_join",
    "project_reapprove",
    "project_representative_remove",
    "project_schedule_set",
    "project_transition",
    "projects_open_for_plan",
    "satisfaction_rate",
    "transition_refusals",
]
