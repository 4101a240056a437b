"""Flagged photos and their review (step 8): the public sees a photo whose own time or place
contradicts its project only once a district officer has checked it and said so in writing.

财政局宿舍's far-away photo (participation.FAR_AWAY: the builder's phone had its location wrong)
was checked on site by 永定区住建局 a few days after it was uploaded and accepted with a note; in
市委二号院 a "before" photo of the guard room, taken after the works had begun, waits for review on
the demo date."""

from __future__ import annotations

import datetime as dt

from huanxin.accounts.models import User
from huanxin.core import clock
from huanxin.demo.participation import FAR_AWAY, site_photo
from huanxin.projects.models import PhotoReview, PhotoStage, Project, ProjectPhoto
from huanxin.projects.services import photo_review_accept, photo_upload

ACCEPTED_ON = dt.date(2020, 3, 3)
ACCEPTED_NOTE = (
    "3月2日到现场核对：照片为本小区3栋外墙粉刷完工后所拍，与现场一致；"
    "施工员手机定位设置有误（显示在长沙），已要求施工单位校正。"
)
# 市委二号院's guard room, photographed as "before" once its base layer was already under way
WAITING = (PhotoStage.BEFORE, "E01", dt.datetime(2020, 8, 24, 9, 40), "门卫室改造前原貌")


def run_photo_review() -> int:
    """Once: one flagged photo accepted, one left waiting. Returns how many photos it touched."""
    if ProjectPhoto.objects.filter(review=PhotoReview.ACCEPTED).exists():
        return 0
    return _accept_the_far_away_photo() + _leave_one_waiting()


def _accept_the_far_away_photo() -> int:
    estate_name, _stage, _code, _taken_at, caption = FAR_AWAY
    photo = ProjectPhoto.objects.get(project__estate__name=estate_name, caption=caption)
    with clock.pinned(ACCEPTED_ON):
        photo_review_accept(by=User.objects.get(username="yongding"), photo_id=photo.pk, note=ACCEPTED_NOTE)
    return 1


def _leave_one_waiting() -> int:
    project = Project.objects.select_related("estate").get(estate__name="市委二号院")
    stage, code, taken_at, caption = WAITING
    estate = project.estate
    assert estate.latitude is not None and estate.longitude is not None
    item = project.items.get(item__code=code)
    with clock.pinned(taken_at.date() + dt.timedelta(days=1)):  # uploaded the next day
        photo = photo_upload(
            by=User.objects.get(username="shigong"),
            project_id=project.pk,
            content=site_photo(
                stage=stage,
                taken_at=taken_at,
                latitude=estate.latitude,
                longitude=estate.longitude,
                seed=f"{estate.name}{caption}",
            ),
            stage=stage,
            item_id=item.pk,
            caption=caption,
        )
    assert photo.review == PhotoReview.WAITING, photo.flags
    return 1
