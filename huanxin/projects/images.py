"""Site photos: judged by their content, never by their name; read for when and where they were
taken; stored only as clean copies, because a phone's EXIF carries the photographer's location,
device and sometimes name, and photos of residents' homes are shown to other people."""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageOps
from PIL.TiffImagePlugin import IFDRational

from huanxin.core.errors import Invalid

# Pillow's format name -> our file extension. Anything else is refused, whatever its name says.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE_PX = 20_000
JPEG_QUALITY = 85
EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)

MB = 1024 * 1024
SIX_PLACES = Decimal("0.000001")
SRGB = ImageCms.createProfile("sRGB")
PNG_MODES = {"1", "L", "LA", "RGB", "RGBA"}


@dataclass(frozen=True)
class PhotoFacts:
    """What a photo says about itself. width and height are as displayed, after the EXIF
    orientation, like the clean copy."""

    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int
    taken_at: dt.datetime | None  # camera local time, as EXIF records it: no time zone
    latitude: Decimal | None  # degrees, 6 places (about 0.1 m), negative south
    longitude: Decimal | None  # degrees, 6 places, negative west
    extension: str  # "jpg", "png" or "webp"

    @property
    def clean_extension(self) -> str:
        """The extension of clean_copy()'s output: PNG stays PNG, JPEG and WEBP become JPEG."""
        return "png" if self.format == "PNG" else "jpg"


def inspect_photo(content: bytes, *, max_bytes: int) -> PhotoFacts:
    """The photo's facts, or Invalid when it is empty, too large, not a JPEG, PNG or WEBP image by
    its content, damaged, or has more pixels than we are willing to decode."""
    if not content:
        raise _refusal(_("照片是空文件"))
    if len(content) > max_bytes:
        raise _refusal(_("照片不能超过 %(mb)s MB") % {"mb": f"{max_bytes / MB:g}"})
    image = _decoded(content)
    image_format = _format(image)
    exif = _exif(image)
    width, height = image.size
    if _orientation(exif) in (5, 6, 7, 8):  # stored on its side
        width, height = height, width
    latitude, longitude = _position(exif)
    return PhotoFacts(
        format=image_format,
        width=width,
        height=height,
        taken_at=_taken_at(exif),
        latitude=latitude,
        longitude=longitude,
        extension=EXTENSIONS[image_format],
    )


def clean_copy(content: bytes, *, max_side: int | None = None) -> bytes:
    """The picture re-encoded with no metadata at all (no EXIF, GPS, XMP, ICC profile or
    comments), turned upright by its EXIF orientation and its colours converted to sRGB so it
    still looks the same; scaled down so its longer side is at most `max_side` when given
    (thumbnails). PNG stays PNG, with its transparency; JPEG and WEBP become JPEG."""
    image = _decoded(content)
    output = "PNG" if _format(image) == "PNG" else "JPEG"
    image = ImageOps.exif_transpose(image)  # before anything that drops image.info
    image = _in_srgb(image)
    image = _png_ready(image) if output == "PNG" else _jpeg_ready(image)
    if max_side is not None:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # encoders copy some metadata from image.info (PNG its ICC profile), and which has changed
    # between Pillow versions: a new image carries pixels only
    bare = Image.new(image.mode, image.size)
    bare.paste(image)
    buffer = io.BytesIO()
    if output == "PNG":
        bare.save(buffer, "PNG")
    else:
        bare.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def distance_m(
    lat1: Decimal | float, lng1: Decimal | float, lat2: Decimal | float, lng2: Decimal | float
) -> float:
    """Great-circle distance in metres (haversine on a sphere): within 0.5 % of the ellipsoid,
    plenty to tell whether a photo was taken at the estate."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lng2) - float(lng1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _refusal(message: str, detail: str | None = None) -> Invalid:
    return Invalid(message, details=[{"field": "photo", "message": detail or message}])


def _not_an_image() -> Invalid:
    return _refusal(_("不是有效的图片文件"), _("只接受 JPEG、PNG 或 WEBP 格式的照片"))


def _decoded(content: bytes) -> Image.Image:
    """The image fully decoded, or Invalid. Only our three decoders are tried, and the pixel count
    is checked from the header, before a small file can make us decode gigabytes."""
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that, raises above: we refuse both,
            # below, and do not want the warning in the logs
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(EXTENSIONS)) as probe:
                probe.verify()  # structure and checksums, without decoding
            image = Image.open(io.BytesIO(content), formats=list(EXTENSIONS))
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except Exception as error:  # a malformed file can fail anywhere in a parser
        raise _not_an_image() from error
    width, height = image.size
    if width > MAX_SIDE_PX or height > MAX_SIDE_PX:
        raise _refusal(_("照片的长和宽不能超过 %(px)d 像素") % {"px": MAX_SIDE_PX})
    if Image.MAX_IMAGE_PIXELS is not None and width * height > Image.MAX_IMAGE_PIXELS:
        raise _too_many_pixels()
    if not _complete(content, image.format or ""):
        raise _not_an_image()
    try:
        image.load()  # a truncated file fails only here, unless someone set LOAD_TRUNCATED_IMAGES
    except Exception as error:
        raise _not_an_image() from error
    return image


def _complete(content: bytes, image_format: str) -> bool:
    """Whether the file is whole. WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES,
    under which a cut-off JPEG decodes with a grey bottom instead of failing: so check the file
    itself — a JPEG ends with its EOI marker, a WEBP holds the length its RIFF header promises
    (PNG's verify() already checks every chunk up to IEND)."""
    if image_format in ("JPEG", "MPO"):
        return content.rstrip(b"\x00").endswith(b"\xff\xd9")
    if image_format == "WEBP":
        return len(content) >= 8 + int.from_bytes(content[4:8], "little")
    return True


def _too_many_pixels() -> Invalid:
    return _refusal(_("照片像素过多，请缩小后再上传"))


def _format(image: Image.Image) -> str:
    # some cameras write several pictures into one JPEG (MPO); the first is an ordinary JPEG
    return "JPEG" if image.format == "MPO" else str(image.format)


def _exif(image: Image.Image) -> Image.Exif:
    try:
        return image.getexif()
    except Exception:  # damaged metadata is no metadata: the picture itself is fine
        return Image.Exif()


def _orientation(exif: Image.Exif) -> int | None:
    value = exif.get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) else None


def _taken_at(exif: Image.Exif) -> dt.datetime | None:
    """When the shutter was pressed (DateTimeOriginal), else when the file was last written by the
    camera (DateTime). EXIF has no time zone; phones write local time."""
    try:
        candidates = [
            exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal),
            exif.get(ExifTags.Base.DateTime),
        ]
    except Exception:
        return None
    for value in candidates:
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        if not isinstance(value, str):
            continue
        try:
            return dt.datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        except ValueError:  # "0000:00:00 00:00:00", blanks, other layouts
            continue
    return None


def _position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    """Latitude and longitude from the GPS IFD; both None unless both are present and sane."""
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None, None
    latitude = _coordinate(gps, ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLatitude, "NS", 90)
    longitude = _coordinate(gps, ExifTags.GPS.GPSLongitudeRef, ExifTags.GPS.GPSLongitude, "EW", 180)
    if latitude is None or longitude is None:
        return None, None
    if latitude == 0 and longitude == 0:  # what cameras write when they had no fix
        return None, None
    return latitude, longitude


def _coordinate(gps: dict[int, Any], ref_tag: int, value_tag: int, refs: str, limit: int) -> Decimal | None:
    """One coordinate: degrees, minutes, seconds as three rationals and a hemisphere letter
    (refs: positive then negative, "NS" or "EW")."""
    ref, value = gps.get(ref_tag), gps.get(value_tag)
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if not isinstance(ref, str) or ref.strip("\x00 ").upper() not in (refs[0], refs[1]):
        return None
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    try:
        degrees, minutes, seconds = (_fraction(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if degrees < 0 or minutes < 0 or seconds < 0:
        return None
    total = degrees + minutes / 60 + seconds / 3600
    if total > limit:
        return None
    decimal = (Decimal(total.numerator) / Decimal(total.denominator)).quantize(SIX_PLACES, ROUND_HALF_UP)
    return -decimal if ref.strip("\x00 ").upper() == refs[1] else decimal


def _fraction(part: Any) -> Fraction:
    if isinstance(part, IFDRational):
        return Fraction(int(part.numerator), int(part.denominator))  # 0 denominator: ZeroDivisionError
    if isinstance(part, int | float):
        return Fraction(part)  # nan or infinity: ValueError
    raise TypeError(f"not a rational: {part!r}")


def _in_srgb(image: Image.Image) -> Image.Image:
    """The pixels converted to sRGB when the photo carries another colour profile (Display P3 on
    iPhones), so dropping the profile does not wash the colours out."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):  # a broken profile: keep the pixels as they are
        return image
    return converted or image


def _jpeg_ready(image: Image.Image) -> Image.Image:
    """RGB or greyscale; transparent areas become white, as they look on the page."""
    if image.mode in ("RGB", "L"):
        return image
    if not image.has_transparency_data:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _png_ready(image: Image.Image) -> Image.Image:
    """A mode PNG stores without a palette or side information, keeping transparency."""
    if image.mode in PNG_MODES:
        return image
    if image.mode.startswith("I"):  # 16-bit greyscale, which Pillow cannot scale: 8 bits as shown
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")
