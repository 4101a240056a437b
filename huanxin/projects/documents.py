"""The project's printed documents: the acceptance record (竣工验收记录表) as the form the
parties used to sign on paper, now filled from the system."""

from __future__ import annotations

from huanxin.core import clock
from huanxin.core.pdf import paper_form_pdf
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.querysets import acceptance_lines, design_budget, item_progress, project_progress


def acceptance_pdf(project: Project, *, personal: bool) -> bytes:
    accepted_on = (
        ProjectTransition.objects.filter(project=project, to_state="accepted")
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )
    return paper_form_pdf(
        "projects/acceptance_pdf.html",
        {
            "project": project,
            "items": item_progress(project),
            "budget": design_budget(project),
            "progress": project_progress(project),
            "lines": acceptance_lines(project, personal=personal),
            "accepted_on": accepted_on,
            "printed_on": clock.today(),
        },
    )
