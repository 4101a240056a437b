"""Project pages, by sub-domain; urls.py reaches every view through this package."""

from huanxin.projects.views.acceptance import (
    acceptance_paper,
    acceptance_pdf,
    acceptance_sign,
    project_hand_over,
    representative_add,
    representative_remove,
)
from huanxin.projects.views.design import (
    project_basic_reason,
    project_items,
    project_join,
    project_organizations,
    project_reapprove,
    project_schedule,
    project_transition,
)
from huanxin.projects.views.mine import estate_projects, my_projects
from huanxin.projects.views.pages import project_detail, project_export, project_list, project_public
from huanxin.projects.views.participation import (
    feedback_answer,
    feedback_enter,
    paper_vote,
    photo_accept,
    photo_file,
    photo_public,
    photo_remove,
    photo_upload,
)
from huanxin.projects.views.progress import (
    milestone_done,
    progress_add,
    progress_confirm,
    progress_template,
    progress_upload,
)

__all__ = [
    "acceptance_paper",
    "acceptance_pdf",
    "acceptance_sign",
    "estate_projects",
    "feedback_answer",
    "feedback_enter",
    "milestone_done",
    "my_projects",
    "paper_vote",
    "photo_accept",
    "photo_file",
    "photo_public",
    "photo_remove",
    "photo_upload",
    "progress_add",
    "progress_confirm",
    "progress_template",
    "progress_upload",
    "project_basic_reason",
    "project_detail",
    "project_export",
    "project_hand_over",
    "project_items",
    "project_join",
    "project_list",
    "project_organizations",
    "project_public",
    "project_reapprove",
    "project_schedule",
    "project_transition",
    "representative_add",
    "representative_remove",
]
