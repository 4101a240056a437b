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
from huanxin.core.errors import Invalid, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.projects import images, rules
from huanxin.projects.models import (
    Feedback,
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
