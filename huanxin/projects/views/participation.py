"""Photos, residents' feedback and its answers, the paper design vote, photo files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core.access import page, public_page
from huanxin.core.errors import Invalid, NotFound
from huanxin.core.http import (
    get_visible_or_404,
    parse_id,
)
from huanxin.projects import rules, services
from huanxin.projects.models import (
    ProjectPhoto,
)
from huanxin.projects.querysets import public_photos
from huanxin.projects.views.common import form_date, form_decimal, form_whole, run_on_tab


@page("projects", ("change", "own_progress"))
@require_POST
def photo_upload(request: StaffRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("photo")

    def call() -> Any:
        if upload is None:
            raise Invalid(_("请选择照片"))
        if upload.size and upload.size > settings.HUANXIN_PHOTO_MAX_BYTES:
            raise Invalid(_("照片不能超过 %(n)d MB") % {"n": settings.HUANXIN_PHOTO_MAX_BYTES // 2**20})
        item = request.POST.get("item", "")
        photo = services.photo_upload(
            by=request.user,
            project_id=pk,
            content=upload.read(),
            stage=request.POST.get("stage", ""),
            item_id=parse_id(item),
            caption=request.POST.get("caption", ""),
        )
        if photo.flags:
            messages.warning(
                request, _("照片已上传，但有疑点：%(flags)s") % {"flags": "；".join(photo.flags)}
            )
        return photo

    return run_on_tab(request, pk, "photos", _("照片已上传"), call)


@page("projects", "change")
@require_POST
def photo_accept(request: StaffRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A district officer lets the public see a flagged photo, with a written note."""
    photo_id = _photo_of(request, pk, photo_pk)
    return run_on_tab(
        request,
        pk,
        "photos",
        _("照片已审核，公示页面可见"),
        lambda: services.photo_review_accept(
            by=request.user, photo_id=photo_id, note=request.POST.get("note", "")
        ),
    )


@page("projects", "change")
@require_POST
def photo_remove(request: StaffRequest, pk: int, photo_pk: int) -> HttpResponse:
    photo_id = _photo_of(request, pk, photo_pk)
    return run_on_tab(
        request,
        pk,
        "photos",
        _("照片已删除"),
        lambda: services.photo_remove(
            by=request.user, photo_id=photo_id, reason=request.POST.get("reason", "")
        ),
    )


def _photo_of(request: StaffRequest, pk: int, photo_pk: int) -> int:
    """The photo, as long as it belongs to the project whose page the form is on: another
    district's photo is a 404 page, not a message on someone else's tab."""
    if not ProjectPhoto.objects.visible_to(request.user).filter(pk=photo_pk, project_id=pk).exists():
        raise NotFound()
    return photo_pk


@page("projects", ("change", "answer_feedback"))
@require_POST
def feedback_enter(request: StaffRequest, pk: int) -> HttpResponse:
    """The community takes down a complaint from a resident who calls."""
    return run_on_tab(
        request,
        pk,
        "feedback",
        _("已登记投诉建议"),
        lambda: services.feedback_submit(
            by=request.user,
            project_id=pk,
            category=request.POST.get("category", ""),
            text=request.POST.get("text", ""),
        ),
    )


@page("projects", ("change", "answer_feedback", "own_progress"))
@require_POST
def feedback_answer(request: StaffRequest, pk: int, feedback_pk: int) -> HttpResponse:
    return run_on_tab(
        request,
        pk,
        "feedback",
        _("已答复"),
        lambda: services.feedback_answer(
            by=request.user, feedback_id=feedback_pk, answer=request.POST.get("answer", "")
        ),
    )


@page("projects", "change")
@require_POST
def paper_vote(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        counts: services.PaperVoteCounts = {
            "heads_total": form_whole(request.POST.get("heads_total", ""), _("业主总人数")),
            "heads_voted": form_whole(request.POST.get("heads_voted", ""), _("参与表决人数")),
            "heads_yes": form_whole(request.POST.get("heads_yes", ""), _("同意人数")),
            "area_total": form_decimal(request.POST.get("area_total", ""), _("总面积")),
            "area_voted": form_decimal(request.POST.get("area_voted", ""), _("参与表决面积")),
            "area_yes": form_decimal(request.POST.get("area_yes", ""), _("同意面积")),
        }
        return services.paper_vote_record(
            by=request.user,
            project_id=pk,
            counts=counts,
            archive_number=request.POST.get("archive_number", ""),
            held_on=form_date(request.POST.get("held_on", ""), _("表决日期")),
        )

    return run_on_tab(request, pk, "residents", _("表决结果已录入"), call)


PHOTO_FILES = {"original": "original", "public": "public_copy", "thumb": "thumbnail"}


@page("projects", ("view", "own_progress", "sign_acceptance"))
def photo_file(request: StaffRequest, pk: int, kind: str) -> FileResponse:
    """Staff see the photos of the projects they see; the original (with its metadata) only with
    a role that may change projects or report on them."""
    photo = get_visible_or_404(ProjectPhoto.objects.select_related("project"), request.user, pk=pk)
    if kind not in PHOTO_FILES:
        raise NotFound()
    if kind == "original" and not (
        request.user.can("projects", "change") or request.user.can("projects", "own_progress")
    ):
        raise NotFound()
    return _serve(getattr(photo, PHOTO_FILES[kind]))


@public_page()
def photo_public(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """Public copies only (every metadata stripped), of the project's own photos: never the
    original, never a resident's feedback photo, never a flagged one not yet accepted."""
    photo = public_photos().filter(pk=pk).exclude(project__state=rules.CANCELLED).first()
    if photo is None or kind not in ("public", "thumb"):
        raise NotFound()
    return _serve(getattr(photo, PHOTO_FILES[kind]))


def _serve(field: Any) -> FileResponse:
    if not field or not default_storage.exists(field.name):
        raise NotFound()
    content_type = "image/png" if field.name.endswith(".png") else "image/jpeg"
    if field.name.endswith(".webp"):
        content_type = "image/webp"
    response = FileResponse(default_storage.open(field.name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
