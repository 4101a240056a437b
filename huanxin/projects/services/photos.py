"""Site photos: checked by content, EXIF time and place flagged, stored as clean public copies."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.projects import images, rules
from huanxin.projects.models import (
    Feedback,
    PhotoReview,
    PhotoStage,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
)
from huanxin.projects.querysets import (
    config_for,
    construction_started_on,
)
from huanxin.projects.services.common import require_reporter


def photo_add(
    *,
    project: Project,
    content: bytes,
    stage: str,
    by: Any = None,
    item: ProjectItem | None = None,
    feedback: Feedback | None = None,
    report: ProgressReport | None = None,
    caption: str = "",
) -> ProjectPhoto:
    """Checks the file is a real image, keeps the original for staff and a metadata-free public
    copy and thumbnail, reads when and where it was taken and flags what that contradicts.
    Callers check who may add to `project` (see photo_upload)."""
    if stage not in PhotoStage.values:
        raise Invalid(_("请选择照片阶段"), details=[{"field": "stage", "message": stage}])
    facts = images.inspect_photo(content, max_bytes=settings.HUANXIN_PHOTO_MAX_BYTES)
    config = config_for(project.estate.region.code)
    estate = project.estate
    distance = None
    if facts.latitude is not None and facts.longitude is not None and estate.latitude and estate.longitude:
        distance = images.distance_m(facts.latitude, facts.longitude, estate.latitude, estate.longitude)
    flags = rules.photo_flags(
        stage=stage,
        taken_on=facts.taken_at.date() if facts.taken_at else None,
        distance_m=distance,
        max_distance_m=config.photo_max_distance_m,
        works_started_on=construction_started_on(project),
        today=clock.today(),
    )
    public = images.clean_copy(content)
    thumbnail = images.clean_copy(content, max_side=THUMBNAIL_SIDE)
    public_extension = "png" if facts.format == "PNG" else "jpg"
    name = uuid.uuid4().hex
    saved = [
        default_storage.save(f"photos/original/{name}.{facts.extension}", ContentFile(content)),
        default_storage.save(f"photos/public/{name}.{public_extension}", ContentFile(public)),
        default_storage.save(f"photos/thumbs/{name}.{public_extension}", ContentFile(thumbnail)),
    ]
    try:
        photo = ProjectPhoto.objects.create(
            project=project,
            item=item,
            stage=stage,
            feedback=feedback,
            report=report,
            original=saved[0],
            public_copy=saved[1],
            thumbnail=saved[2],
            width=facts.width,
            height=facts.height,
            taken_at=facts.taken_at.replace(tzinfo=clock.SHANGHAI) if facts.taken_at else None,
            latitude=facts.latitude,
            longitude=facts.longitude,
            flags=flags,
            # what its own metadata contradicts waits for an officer before the public sees it
            review=PhotoReview.WAITING if flags else PhotoReview.CLEAR,
            caption=caption.strip()[:255],
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
    except Exception:
        for path in saved:
            default_storage.delete(path)
        raise
    return photo


THUMBNAIL_SIDE = 320


def photo_upload(
    *, by: Any, project_id: int, content: bytes, stage: str, item_id: int | None = None, caption: str = ""
) -> ProjectPhoto:
    """Staff who may change projects, or the project's own builder or supervisor."""
    with transaction.atomic():
        project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
        require_reporter(by, project)
        if project.state in (rules.CANCELLED,):
            raise Refused(_("项目已终止"))
        item = project.items.filter(pk=item_id).first() if item_id else None
        if item_id and item is None:
            raise Invalid(_("不是本项目的改造内容"), details=[{"field": "item", "message": str(item_id)}])
        photo = photo_add(project=project, content=content, stage=stage, by=by, item=item, caption=caption)
        audit_record(
            action="project.photo",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"photo": photo.pk, "flags": photo.flags},
        )
    return photo


def _photo_for_review(by: Any, photo_id: int) -> ProjectPhoto:
    """The project's own photo (residents' feedback photos are never public, so never reviewed),
    locked, for an officer who may change the project: contractors never review their own work."""
    photo: ProjectPhoto = get_visible_or_404(
        ProjectPhoto.objects.select_for_update(of=("self",)).select_related("project__estate__region"),
        by,
        pk=photo_id,
        feedback__isnull=True,
    )
    if not by.can("projects", "change"):
        raise Forbidden(_("只有区县或市级主管部门可以审核照片"))
    return photo


def _photo_facts(photo: ProjectPhoto) -> dict[str, Any]:
    """What an auditor needs to judge a review later, the files aside (no personal data)."""
    return {
        "photo": photo.pk,
        "stage": photo.stage,
        "flags": photo.flags,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "uploaded_by": photo.uploaded_by_id,
    }


def photo_review_accept(*, by: Any, photo_id: int, note: str) -> ProjectPhoto:
    """A district officer has checked a flagged photo (on site, with the builder) and lets the
    public see it, saying why in writing."""
    note = note.strip()
    if not note:
        raise Invalid(_("请写明审核意见"), details=[{"field": "note", "message": _("不能为空")}])
    with transaction.atomic():
        photo = _photo_for_review(by, photo_id)
        if photo.review != PhotoReview.WAITING:
            raise Refused(_("这张照片不需要审核，或已经审核过"))
        if photo.uploaded_by_id == by.pk:
            raise Refused(_("不能审核自己上传的照片"))
        photo.review = PhotoReview.ACCEPTED
        photo.reviewed_by = by
        photo.reviewed_at = clock.now()
        photo.review_note = note[:2000]
        photo.full_clean()
        photo.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
        project = photo.project
        audit_record(
            action="project.photo_accept",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail=_photo_facts(photo),
        )
    return photo


def photo_remove(*, by: Any, photo_id: int, reason: str) -> None:
    """Removes a photo that does not show this project's works. Deleted, files and row, rather
    than hidden: a hidden photo would need one more filter on every read that shows photos (the
    board, the public files, the API, exports to come), and the one forgotten would publish it;
    the audit record keeps who removed it, why, and what its metadata said."""
    reason = reason.strip()
    if not reason:
        raise Invalid(_("请写明删除原因"), details=[{"field": "reason", "message": _("不能为空")}])
    with transaction.atomic():
        photo = _photo_for_review(by, photo_id)
        project = photo.project
        files = [str(field.name) for field in (photo.original, photo.public_copy, photo.thumbnail) if field]
        audit_record(
            action="project.photo_remove",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={**_photo_facts(photo), "reason": reason[:2000]},
        )
        photo.delete()
        # the files go only once the row is surely gone: a rolled-back removal keeps its photo
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
