"""A site photo whose own time or place contradicts the project stays off the notice board and its
public file is a 404 until a district officer accepts it with a note, or removes it."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from huanxin.core.models import AuditEvent
from huanxin.demo.participation import CHANGSHA, site_photo
from huanxin.estates.models import Estate
from huanxin.projects import services
from huanxin.projects.models import Feedback, PhotoReview, ProjectPhoto

pytestmark = pytest.mark.django_db

ESTATE_PLACE = (Decimal("29.131520"), Decimal("110.476210"))
TAKEN = dt.datetime(2020, 9, 15, 10, 30)


@pytest.fixture
def placed(built):  # type: ignore[no-untyped-def]
    Estate.objects.filter(pk=built.estate_id).update(latitude=ESTATE_PLACE[0], longitude=ESTATE_PLACE[1])
    built.refresh_from_db()
    return built


def upload(city, project, *, place=ESTATE_PLACE, caption=""):  # type: ignore[no-untyped-def]
    """The builder's photo of the drains, taken on site or (place=CHANGSHA) some 270 km away."""
    return services.photo_upload(
        by=city["shigong"],
        project_id=project.pk,
        content=site_photo(
            stage="during", taken_at=TAKEN, latitude=place[0], longitude=place[1], seed=caption or "x"
        ),
        stage="during",
        item_id=project.items.get(item__code="B02").pk,
        caption=caption,
    )


def public_url(photo: ProjectPhoto, kind: str = "public") -> str:
    return f"/projects/public/photos/{photo.pk}/{kind}/"


def board(project) -> str:  # type: ignore[no-untyped-def]
    return Client().get(f"/projects/public/{project.pk}/").content.decode()


def test_a_photo_without_flags_is_public_at_once(city, placed) -> None:  # type: ignore[no-untyped-def]
    photo = upload(city, placed, caption="管网铺设")
    assert photo.review == PhotoReview.CLEAR
    assert Client().get(public_url(photo)).status_code == 200
    assert public_url(photo, "thumb") in board(placed)


def test_a_flagged_photo_waits_off_the_public_pages_and_the_project_page_lists_it(
    city, placed, login
) -> None:  # type: ignore[no-untyped-def]
    photo = upload(city, placed, place=CHANGSHA, caption="外墙")
    assert photo.review == PhotoReview.WAITING and photo.flags[0].startswith("拍摄地点距小区约")
    assert Client().get(public_url(photo)).status_code == 404
    assert Client().get(public_url(photo, "thumb")).status_code == 404
    assert f"/projects/public/photos/{photo.pk}/" not in board(placed)

    page = login("yongding").get(f"/projects/{placed.pk}/?tab=photos").content.decode()
    assert 'id="photos-waiting"' in page and "1 张照片待审核" in page
    assert f'id="waiting-photo-{photo.pk}"' in page and photo.flags[0] in page
    assert f"/projects/photos/{photo.pk}/thumb/" in page
    assert f"/projects/{placed.pk}/photos/{photo.pk}/accept/" in page
    assert f"/projects/{placed.pk}/photos/{photo.pk}/remove/" in page
    # the count shows on every tab, the builder sees the list but not the buttons
    assert "1 张照片待审核" in login("yongding").get(f"/projects/{placed.pk}/").content.decode()
    builder_page = login("shigong").get(f"/projects/{placed.pk}/?tab=photos").content.decode()
    assert f'id="waiting-photo-{photo.pk}"' in builder_page and "等待区县主管部门审核" in builder_page
    assert f"/photos/{photo.pk}/accept/" not in builder_page


def test_accepted_with_a_note_the_photo_appears(city, placed, login) -> None:  # type: ignore[no-untyped-def]
    photo = upload(city, placed, place=CHANGSHA, caption="外墙")
    officer = login("yongding")
    refused = officer.post(f"/projects/{placed.pk}/photos/{photo.pk}/accept/", {"note": "  "}, follow=True)
    assert "请写明审核意见" in refused.content.decode()
    assert Client().get(public_url(photo)).status_code == 404

    note = "已到现场核对，为本小区2栋雨污管网；施工员手机定位有误"
    page = officer.post(f"/projects/{placed.pk}/photos/{photo.pk}/accept/", {"note": note}, follow=True)
    content = page.content.decode()
    assert "照片已审核，公示页面可见" in content and note in content
    assert 'id="photos-waiting"' not in content and f'id="waiting-photo-{photo.pk}"' not in content
    photo.refresh_from_db()
    assert (photo.review, photo.reviewed_by, photo.review_note) == (
        PhotoReview.ACCEPTED,
        city["yongding"],
        note,
    )
    assert Client().get(public_url(photo)).status_code == 200
    assert public_url(photo, "thumb") in board(placed)
    event = AuditEvent.objects.get(action="project.photo_accept")
    assert event.actor == city["yongding"] and event.detail["photo"] == photo.pk
    # once is enough
    again = officer.post(f"/projects/{placed.pk}/photos/{photo.pk}/accept/", {"note": "再审"}, follow=True)
    assert "已经审核过" in again.content.decode()


def test_removed_the_photo_never_appears_and_its_files_are_gone(
    city, placed, login, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    photo = upload(city, placed, place=CHANGSHA, caption="外墙")
    files = [Path(settings.MEDIA_ROOT) / f.name for f in (photo.original, photo.public_copy, photo.thumbnail)]
    assert all(path.exists() for path in files)
    officer = login("yongding")
    kept = officer.post(f"/projects/{placed.pk}/photos/{photo.pk}/remove/", {"reason": ""}, follow=True)
    assert "请写明删除原因" in kept.content.decode() and ProjectPhoto.objects.filter(pk=photo.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the row is gone
        page = officer.post(
            f"/projects/{placed.pk}/photos/{photo.pk}/remove/", {"reason": "不是本小区的照片"}, follow=True
        )
    assert "照片已删除" in page.content.decode()
    assert not ProjectPhoto.objects.filter(pk=photo.pk).exists()
    assert not any(path.exists() for path in files)
    assert Client().get(public_url(photo)).status_code == 404
    assert f"/projects/public/photos/{photo.pk}/" not in board(placed)
    assert officer.get(f"/projects/photos/{photo.pk}/public/").status_code == 404
    event = AuditEvent.objects.get(action="project.photo_remove")
    assert event.detail["reason"] == "不是本小区的照片" and event.detail["flags"] == photo.flags


def test_a_contractor_cannot_accept_its_own_flagged_photo(city, placed, login, api_as) -> None:  # type: ignore[no-untyped-def]
    photo = upload(city, placed, place=CHANGSHA)
    builder = login("shigong")
    assert (
        builder.post(f"/projects/{placed.pk}/photos/{photo.pk}/accept/", {"note": "没问题"}).status_code
        == 403
    )
    assert (
        builder.post(f"/projects/{placed.pk}/photos/{photo.pk}/remove/", {"reason": "x"}).status_code == 403
    )
    response = api_as("shigong").post(
        f"/api/v1/projects/{placed.pk}/photos/{photo.pk}/accept",
        {"note": "没问题"},
        content_type="application/json",
    )
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.review == PhotoReview.WAITING
    assert Client().get(public_url(photo)).status_code == 404


def test_an_officer_cannot_accept_a_photo_they_uploaded(city, placed) -> None:  # type: ignore[no-untyped-def]
    photo = services.photo_upload(
        by=city["yongding"],
        project_id=placed.pk,
        content=site_photo(
            stage="during", taken_at=TAKEN, latitude=CHANGSHA[0], longitude=CHANGSHA[1], seed="own"
        ),
        stage="during",
    )
    from huanxin.core.errors import Refused

    with pytest.raises(Refused, match="不能审核自己上传的照片"):
        services.photo_review_accept(by=city["yongding"], photo_id=photo.pk, note="我拍的")
    accepted = services.photo_review_accept(by=city["city"], photo_id=photo.pk, note="市级核实")
    assert accepted.review == PhotoReview.ACCEPTED


def test_an_officer_of_another_district_gets_404(city, placed, login, api_as) -> None:  # type: ignore[no-untyped-def]
    photo = upload(city, placed, place=CHANGSHA)
    other = login("cili")
    assert other.post(f"/projects/{placed.pk}/photos/{photo.pk}/accept/", {"note": "看过"}).status_code == 404
    assert other.post(f"/projects/{placed.pk}/photos/{photo.pk}/remove/", {"reason": "x"}).status_code == 404
    api = api_as("cili")
    assert api.get(f"/api/v1/projects/{placed.pk}/photos").status_code == 404
    for action, body in (("accept", {"note": "看过"}), ("remove", {"reason": "x"})):
        response = api.post(
            f"/api/v1/projects/{placed.pk}/photos/{photo.pk}/{action}", body, content_type="application/json"
        )
        assert response.status_code == 404
    photo.refresh_from_db()
    assert photo.review == PhotoReview.WAITING


def test_the_api_lists_photos_with_their_review_and_accepts_and_removes(city, placed, api_as) -> None:  # type: ignore[no-untyped-def]
    clear = upload(city, placed, caption="管网")
    flagged = upload(city, placed, place=CHANGSHA, caption="外墙")
    doubtful = upload(city, placed, place=CHANGSHA, caption="别处")
    api = api_as("yongding")
    listed = api.get(f"/api/v1/projects/{placed.pk}/photos").json()["items"]
    by_id = {row["id"]: row for row in listed}
    assert by_id[clear.pk]["review"] == "clear" and by_id[clear.pk]["public"] is True
    assert by_id[clear.pk]["public_url"] == public_url(clear)
    assert by_id[flagged.pk]["review"] == "waiting" and by_id[flagged.pk]["public_url"] is None
    assert by_id[flagged.pk]["flags"] == flagged.flags
    waiting = api.get(f"/api/v1/projects/{placed.pk}/photos?review=waiting").json()["items"]
    assert {row["id"] for row in waiting} == {flagged.pk, doubtful.pk}
    assert api.get(f"/api/v1/projects/{placed.pk}/photos?review=maybe").status_code == 400

    empty = api.post(
        f"/api/v1/projects/{placed.pk}/photos/{flagged.pk}/accept",
        {"note": ""},
        content_type="application/json",
    )
    assert empty.status_code in (400, 422)
    accepted = api.post(
        f"/api/v1/projects/{placed.pk}/photos/{flagged.pk}/accept",
        {"note": "现场核实无误"},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    assert accepted.json()["review"] == "accepted" and accepted.json()["public"] is True
    assert accepted.json()["review_note"] == "现场核实无误"
    assert Client().get(public_url(flagged)).status_code == 200

    removed = api.post(
        f"/api/v1/projects/{placed.pk}/photos/{doubtful.pk}/remove",
        {"reason": "非本项目照片"},
        content_type="application/json",
    )
    assert removed.status_code == 204
    assert not ProjectPhoto.objects.filter(pk=doubtful.pk).exists()
    # the builder reads the list of its own project, review state included
    own = api_as("shigong").get(f"/api/v1/projects/{placed.pk}/photos").json()["items"]
    assert {row["id"]: row["review"] for row in own} == {clear.pk: "clear", flagged.pk: "accepted"}


def test_residents_feedback_photos_are_never_public_nor_reviewed(city, placed, login) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.models import Household

    household = Household.objects.filter(estate_id=placed.estate_id).first()
    assert household is not None
    services.feedback_submit(
        household=household,
        project_id=placed.pk,
        category="quality",
        text="地砖松动",
        photos=(
            site_photo(
                stage="during", taken_at=TAKEN, latitude=ESTATE_PLACE[0], longitude=ESTATE_PLACE[1], seed="r"
            ),
            site_photo(stage="during", taken_at=TAKEN, latitude=CHANGSHA[0], longitude=CHANGSHA[1], seed="s"),
        ),
    )
    photos = list(Feedback.objects.get().photos.all())
    assert len(photos) == 2
    for photo in photos:
        assert Client().get(public_url(photo)).status_code == 404
        assert f"/projects/public/photos/{photo.pk}/" not in board(placed)
    page = login("yongding").get(f"/projects/{placed.pk}/?tab=photos").content.decode()
    assert 'id="photo-review"' not in page  # a resident's flagged photo is not in the review queue
    from huanxin.core.errors import NotFound

    with pytest.raises(NotFound):
        services.photo_review_accept(by=city["yongding"], photo_id=photos[1].pk, note="看过")
