"""The residents' side of the demo's projects (step 6): site photos with the time and place a
phone writes into them — one of them taken far from its estate, so it is flagged — complaints
answered on time, late and not yet, and the residents' ratings of the finished projects.

Photos are drawn here with Pillow: a block of flats, its ground and sky in the colours of the
stage (worn before, scaffolding during, fresh after), so each is a real JPEG with real EXIF."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from huanxin.accounts.models import User
from huanxin.core import clock
from huanxin.estates.models import Household
from huanxin.projects import rules as project_rules
from huanxin.projects.models import FeedbackCategory, PhotoStage, Project, ProjectPhoto, Satisfaction
from huanxin.projects.services import feedback_answer, feedback_submit, photo_upload, satisfaction_rate

# Where a phone set to the wrong place would say it was: 长沙, some 270 km away.
CHANGSHA = (Decimal("28.228000"), Decimal("112.938800"))
STAGE_COLOURS: dict[str, tuple[tuple[int, int, int], ...]] = {
    PhotoStage.BEFORE: ((150, 150, 140), (120, 100, 80), (170, 160, 150)),
    PhotoStage.DURING: ((190, 200, 215), (160, 140, 110), (200, 170, 90)),
    PhotoStage.AFTER: ((150, 200, 240), (90, 90, 95), (235, 225, 205)),
}


def site_photo(
    *, stage: str, taken_at: dt.datetime, latitude: Decimal, longitude: Decimal, seed: str
) -> bytes:
    """A 800×600 JPEG of a block of flats, with DateTimeOriginal and GPS as a phone writes them."""
    rng = random.Random(seed)
    sky, ground, wall = STAGE_COLOURS[stage]
    image = Image.new("RGB", (800, 600), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=ground)
    left = rng.randint(80, 200)
    draw.rectangle((left, 120, left + 480, 430), fill=wall)
    for row in range(5):
        for column in range(6):
            x, y = left + 30 + column * 75, 140 + row * 55
            draw.rectangle((x, y, x + 40, y + 32), fill=(70, 90, 110))
    if stage == PhotoStage.DURING:
        for x in range(left - 10, left + 500, 40):
            draw.line((x, 110, x, 430), fill=(120, 80, 40), width=4)
    if stage == PhotoStage.BEFORE:
        for _crack in range(12):
            x, y = rng.randint(left, left + 480), rng.randint(120, 420)
            draw.line((x, y, x + rng.randint(-30, 30), y + rng.randint(10, 40)), fill=(90, 80, 70), width=2)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.DateTime] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = _degrees(latitude)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = _degrees(longitude)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()


def _degrees(value: Decimal) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes_total = (value - degrees) * 60
    minutes = int(minutes_total)
    seconds = (minutes_total - minutes) * 60
    return IFDRational(degrees), IFDRational(minutes), IFDRational(round(seconds * 10_000), 10_000)


# (estate, stage, menu code or None for the whole estate, taken at, caption)
PHOTOS = [
    ("电力公司宿舍", PhotoStage.BEFORE, "B02", dt.datetime(2019, 12, 18, 10, 5), "雨污合流，雨天返水"),
    ("电力公司宿舍", PhotoStage.AFTER, "B02", dt.datetime(2020, 6, 26, 15, 40), "雨污分流管网完工"),
    ("电力公司宿舍", PhotoStage.BEFORE, "B09", dt.datetime(2019, 12, 18, 10, 20), "屋面渗漏"),
    ("电力公司宿舍", PhotoStage.AFTER, "B09", dt.datetime(2020, 6, 26, 16, 0), "屋面防水完成"),
    ("电力公司宿舍", PhotoStage.AFTER, "I07", dt.datetime(2020, 6, 27, 9, 30), "新增健身器材"),
    ("市委二号院", PhotoStage.BEFORE, "B02", dt.datetime(2020, 5, 8, 9, 0), "排水沟堵塞"),
    ("市委二号院", PhotoStage.DURING, "B02", dt.datetime(2020, 7, 6, 14, 30), "雨污管网铺设"),
    ("市委二号院", PhotoStage.DURING, "B10", dt.datetime(2020, 8, 12, 11, 0), "单元入户地坪"),
    ("市委二号院", PhotoStage.DURING, "E01", dt.datetime(2020, 8, 28, 16, 20), "门卫室基层施工"),
    ("财政局宿舍", PhotoStage.BEFORE, "B06", dt.datetime(2019, 4, 20, 10, 0), "路面破损"),
    ("财政局宿舍", PhotoStage.AFTER, "B06", dt.datetime(2020, 2, 28, 10, 30), "道路重铺"),
]
# This one's phone had its location wrong: the page flags it.
FAR_AWAY = ("财政局宿舍", PhotoStage.AFTER, "B10", dt.datetime(2020, 2, 28, 11, 0), "外墙粉刷")


def run_participation() -> int:
    """Once: photos, feedback and ratings. Returns how many rows it wrote."""
    if ProjectPhoto.objects.exists():
        return 0
    return _photos() + _feedback() + _ratings()


def _project(estate_name: str) -> Project:
    return Project.objects.select_related("estate", "builder").get(estate__name=estate_name)


def _photos() -> int:
    city = User.objects.get(username="city")
    added = 0
    for estate_name, stage, code, taken_at, caption in [*PHOTOS, FAR_AWAY]:
        project = _project(estate_name)
        estate = project.estate
        latitude, longitude = (
            CHANGSHA
            if (estate_name, caption) == (FAR_AWAY[0], FAR_AWAY[4])
            else (estate.latitude, estate.longitude)
        )
        assert latitude is not None and longitude is not None
        item = project.items.filter(item__code=code).first() if code else None
        content = site_photo(
            stage=stage,
            taken_at=taken_at,
            latitude=latitude,
            longitude=longitude,
            seed=f"{estate_name}{caption}",
        )
        uploader = User.objects.filter(organization=project.builder).first() or city
        with clock.pinned(taken_at.date() + dt.timedelta(days=1)):  # uploaded the next day
            photo_upload(
                by=uploader,
                project_id=project.pk,
                content=content,
                stage=stage,
                item_id=item.pk if item else None,
                caption=caption,
            )
        added += 1
    return added


def _feedback() -> int:
    """市委二号院's residents during the works: answered on time, answered late, one overdue on
    the demo date; and a call the community took down."""
    project = _project("市委二号院")
    households = list(Household.objects.filter(estate=project.estate).order_by("pk")[:4])
    builder = User.objects.get(username="shigong")
    shequ = User.objects.get(username="shequ")
    cases: list[tuple[Any, str, str, dt.date, Any, dt.date | None, str]] = [
        (
            households[0],
            FeedbackCategory.QUALITY,
            "2栋单元门口新铺的地砖有两块松动，踩上去会响。",
            dt.date(2020, 8, 17),
            builder,
            dt.date(2020, 8, 19),
            "已安排班组于8月19日重新铺贴，请您查看。",
        ),
        (
            households[1],
            FeedbackCategory.NUISANCE,
            "晚上9点以后还在用切割机，老人睡不着。",
            dt.date(2020, 8, 10),
            builder,
            dt.date(2020, 8, 17),
            "已要求晚上7点后停止噪声作业，向您致歉。",
        ),
        (
            households[2],
            FeedbackCategory.SAFETY,
            "门卫室工地的围挡倒了一段，小孩会钻进去。",
            dt.date(2020, 8, 26),
            None,
            None,
            "",
        ),
        (
            None,
            FeedbackCategory.PROGRESS,
            "（居民来电）想知道小区道路什么时候能修好通车。",
            dt.date(2020, 8, 27),
            shequ,
            dt.date(2020, 8, 28),
            "道路面层计划9月中旬完成，届时恢复通车。",
        ),
    ]
    for household, category, text, received, answerer, answered, answer in cases:
        with clock.pinned(received):
            feedback = feedback_submit(
                project_id=project.pk,
                category=category,
                text=text,
                household=household,
                by=None if household is not None else shequ,
            )
        if answerer is not None and answered is not None:
            with clock.pinned(answered):
                feedback_answer(by=answerer, feedback_id=feedback.pk, answer=answer)
    return len(cases)


def _ratings() -> int:
    """Residents of the finished projects rate them: most satisfied, a few not."""
    rated = 0
    finished = Project.objects.filter(state__in=sorted(project_rules.COMPLETED)).order_by("pk")
    for project in finished:
        rng = random.Random(f"demo-rating-{project.pk}")
        households = list(Household.objects.filter(estate_id=project.estate_id).order_by("pk"))
        for household in rng.sample(households, k=min(len(households), 20)):
            roll = rng.random()
            level = (
                Satisfaction.SATISFIED
                if roll < 0.72
                else Satisfaction.BASICALLY
                if roll < 0.93
                else Satisfaction.DISSATISFIED
            )
            satisfaction_rate(household=household, project_id=project.pk, level=level)
            rated += 1
    return rated
