"""Site photos made here with Pillow, as a phone would send them: a JPEG taken near 张家界 with its
time and position in EXIF, a transparent PNG, a WEBP; and what must be refused whatever its name
says: text, a truncated file, too many bytes, too many pixels."""

import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from PIL.TiffImagePlugin import IFDRational

from huanxin.core.errors import Invalid
from huanxin.projects.images import clean_copy, distance_m, inspect_photo

MB = 1024 * 1024
GPS = ExifTags.GPS


def noisy(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Random pixels: they do not compress, so a file cut short loses picture data."""
    data = random.Random(1).randbytes(size[0] * size[1] * len(mode))
    return Image.frombytes(mode, size, data)


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def phone_exif(
    *,
    taken: str | None = "2020:09:25 10:30:15",
    written: str | None = "2020:09:26 08:00:00",
    latitude: tuple[IFDRational, ...] | None = None,
    north: str = "N",
    east: str = "E",
    orientation: int | None = None,
) -> Image.Exif:
    """29°7'53.5"N 110°28'34.4"E unless told otherwise, the way phones write it."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Artist] = "王建国"
    if written:
        exif[ExifTags.Base.DateTime] = written
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = north
    gps[GPS.GPSLatitude] = latitude or (IFDRational(29), IFDRational(7), IFDRational(535, 10))
    gps[GPS.GPSLongitudeRef] = east
    gps[GPS.GPSLongitude] = (IFDRational(110), IFDRational(28), IFDRational(344, 10))
    return exif


def jpeg(image: Image.Image | None = None, exif: Image.Exif | None = None) -> bytes:
    image = image or Image.new("RGB", (640, 480), (180, 120, 60))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=exif or phone_exif(),
        icc_profile=srgb,
        comment=b"taken by Wang Jianguo",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS 29.13,110.47</x:xmpmeta>',
    )
    return buffer.getvalue()


def encoded(image: Image.Image, format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def refusal(content: bytes, *, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(Invalid) as caught:
        inspect_photo(content, max_bytes=max_bytes)
    assert caught.value.details and caught.value.details[0]["field"] == "photo"
    return caught.value.message


def test_a_phone_jpeg_tells_when_and_where_it_was_taken() -> None:
    facts = inspect_photo(jpeg(), max_bytes=10 * MB)
    assert facts.format == "JPEG" and facts.extension == "jpg" and facts.clean_extension == "jpg"
    assert (facts.width, facts.height) == (640, 480)
    assert facts.taken_at == dt.datetime(2020, 9, 25, 10, 30, 15)
    assert facts.latitude == Decimal("29.131528")  # 29 + 7/60 + 53.5/3600
    assert facts.longitude == Decimal("110.476222")  # 110 + 28/60 + 34.4/3600


def test_south_and_west_are_negative() -> None:
    facts = inspect_photo(jpeg(exif=phone_exif(north="S", east="W")), max_bytes=10 * MB)
    assert facts.latitude == Decimal("-29.131528")
    assert facts.longitude == Decimal("-110.476222")


def test_without_the_shutter_time_the_file_time_is_used_and_nonsense_is_none() -> None:
    fallback = inspect_photo(jpeg(exif=phone_exif(taken=None)), max_bytes=10 * MB)
    assert fallback.taken_at == dt.datetime(2020, 9, 26, 8, 0)
    blank = inspect_photo(jpeg(exif=phone_exif(taken="0000:00:00 00:00:00", written=None)), max_bytes=MB)
    assert blank.taken_at is None


def test_a_malformed_position_is_no_position() -> None:
    zero_denominator = (IFDRational(29), IFDRational(7, 0), IFDRational(0))
    facts = inspect_photo(jpeg(exif=phone_exif(latitude=zero_denominator)), max_bytes=MB)
    assert facts.latitude is None and facts.longitude is None
    assert facts.taken_at is not None  # the rest of the EXIF still counts
    facts = inspect_photo(jpeg(exif=phone_exif(north="X")), max_bytes=MB)
    assert facts.latitude is None and facts.longitude is None


def test_a_photo_without_exif_has_no_time_or_place() -> None:
    facts = inspect_photo(encoded(Image.new("RGB", (40, 30)), "JPEG"), max_bytes=MB)
    assert (facts.taken_at, facts.latitude, facts.longitude) == (None, None, None)


def test_the_clean_copy_has_no_metadata_at_all_and_the_same_picture() -> None:
    original = jpeg()
    clean = clean_copy(original)
    for trace in (b"Exif", b"HUAWEI", b"ICC_PROFILE", b"Wang Jianguo", b"xmpmeta", b"29.13"):
        assert trace in original
        assert trace not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "icc_profile" not in image.info and "comment" not in image.info
        assert image.size == (640, 480)
        red, green, blue = pixel(image, (320, 240))
        assert abs(red - 180) < 4 and abs(green - 120) < 4 and abs(blue - 60) < 4
    assert inspect_photo(clean, max_bytes=MB).latitude is None


def test_the_clean_copy_is_turned_upright() -> None:
    # stored as landscape, displayed rotated 90° clockwise (orientation 6): the stored top-left
    # corner appears top-right
    stored = Image.new("RGB", (640, 480), "white")
    stored.paste((255, 0, 0), (0, 0, 100, 100))
    original = jpeg(stored, phone_exif(orientation=6))
    assert inspect_photo(original, max_bytes=MB).width == 480
    with Image.open(io.BytesIO(clean_copy(original))) as upright:
        assert upright.size == (480, 640)
        red, green, _ = pixel(upright, (430, 50))
        assert red > 200 and green < 60
        assert pixel(upright, (50, 50)) != pixel(upright, (430, 50))


def test_a_thumbnail_is_at_most_320_on_its_longer_side() -> None:
    thumbnail = clean_copy(jpeg(noisy((1600, 900))), max_side=320)
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.size == (320, 180)
        assert not image.getexif()
    with Image.open(io.BytesIO(clean_copy(jpeg(), max_side=4000))) as image:
        assert image.size == (640, 480)  # never enlarged


def test_a_png_stays_a_png_with_its_transparency_and_without_its_text() -> None:
    image = Image.new("RGBA", (200, 100), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (100, 0, 200, 100))
    text = PngInfo()
    text.add_text("Author", "王建国")
    original = encoded(image, "PNG", pnginfo=text, exif=phone_exif())
    facts = inspect_photo(original, max_bytes=MB)
    assert (facts.format, facts.extension, facts.clean_extension) == ("PNG", "png", "png")
    assert facts.latitude == Decimal("29.131528")

    clean = clean_copy(original, max_side=50)
    assert b"Author" not in clean and b"eXIf" not in clean
    with Image.open(io.BytesIO(clean)) as thumbnail:
        assert thumbnail.format == "PNG" and thumbnail.size == (50, 25)
        assert thumbnail.mode == "RGBA"
        assert pixel(thumbnail, (5, 12))[3] == 255
        assert pixel(thumbnail, (45, 12))[3] == 0


def test_a_palette_png_with_transparency_keeps_it() -> None:
    image = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 10, 20))
    with Image.open(io.BytesIO(clean_copy(encoded(image.convert("P"), "PNG")))) as clean:
        assert pixel(clean, (15, 5))[3] == 0
        assert pixel(clean, (5, 5))[3] == 255


def test_a_webp_is_read_and_its_clean_copy_is_a_jpeg_on_white() -> None:
    image = Image.new("RGBA", (120, 80), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (0, 0, 60, 80))
    original = encoded(image, "WEBP", lossless=True, exif=phone_exif())
    facts = inspect_photo(original, max_bytes=MB)
    assert (facts.format, facts.extension, facts.clean_extension) == ("WEBP", "webp", "jpg")
    assert facts.taken_at == dt.datetime(2020, 9, 25, 10, 30, 15)
    with Image.open(io.BytesIO(clean_copy(original))) as clean:
        assert clean.format == "JPEG" and clean.mode == "RGB" and not clean.getexif()
        assert min(pixel(clean, (100, 40))) > 240


def test_a_text_file_named_photo_jpg_is_refused(tmp_path: Path) -> None:
    upload = tmp_path / "photo.jpg"
    upload.write_text("小区东门照片，稍后补拍\n", encoding="utf-8")
    assert refusal(upload.read_bytes()) == "不是有效的图片文件"
    with pytest.raises(Invalid):
        clean_copy(upload.read_bytes())


def test_other_image_formats_are_refused() -> None:
    assert refusal(encoded(Image.new("RGB", (10, 10)), "GIF")) == "不是有效的图片文件"
    assert refusal(encoded(Image.new("RGB", (10, 10)), "BMP")) == "不是有效的图片文件"


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"") == "照片是空文件"


def test_a_file_over_the_limit_is_refused() -> None:
    content = jpeg()
    assert refusal(content + b"\0" * MB, max_bytes=MB) == "照片不能超过 1 MB"
    assert refusal(content, max_bytes=len(content) - 1).startswith("照片不能超过 ")
    assert inspect_photo(content, max_bytes=len(content)).width == 640


def test_a_truncated_jpeg_is_refused() -> None:
    content = jpeg(noisy((400, 300)))
    assert inspect_photo(content, max_bytes=MB).width == 400
    assert refusal(content[: len(content) // 2]) == "不是有效的图片文件"


def test_a_damaged_png_is_refused() -> None:
    content = bytearray(encoded(noisy((64, 64)), "PNG"))
    content[len(content) // 2] ^= 0xFF  # a flipped byte inside the image data: the CRC fails
    assert refusal(bytes(content)) == "不是有效的图片文件"


def test_decompression_bombs_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # a tiny file declaring a huge picture: Pillow warns above MAX_IMAGE_PIXELS, raises above twice
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    assert refusal(encoded(Image.new("1", (150, 100)), "PNG")) == "照片像素过多，请缩小后再上传"
    assert refusal(encoded(Image.new("1", (300, 300)), "PNG")) == "照片像素过多，请缩小后再上传"
    with pytest.raises(Invalid):
        clean_copy(encoded(Image.new("1", (300, 300)), "PNG"))
    assert inspect_photo(encoded(Image.new("1", (100, 100)), "PNG"), max_bytes=MB).width == 100


def test_a_picture_wider_than_20000_pixels_is_refused() -> None:
    assert refusal(encoded(Image.new("1", (20_001, 1)), "PNG")) == "照片的长和宽不能超过 20000 像素"
    assert inspect_photo(encoded(Image.new("1", (20_000, 1)), "PNG"), max_bytes=MB).width == 20_000


def test_distance_matches_the_wgs84_geodesic_within_one_percent() -> None:
    # references from Vincenty's formulae on the WGS84 ellipsoid
    start = (Decimal("29.131528"), Decimal("110.476222"))
    north = distance_m(*start, Decimal("29.140528"), Decimal("110.476222"))
    assert north == pytest.approx(997.54, rel=0.01)
    east = distance_m(29.131528, 110.476222, 29.131528, 110.4865)
    assert east == pytest.approx(1000.21, rel=0.01)
    assert distance_m(29.13, 110.47, 29.13, 110.47) == 0
