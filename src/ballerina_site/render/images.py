"""Image files in, smaller image files out: the resized, re-encoded and cropped variants of one image.

Pure bytes to bytes (Pillow's public API only): nothing here reads the site or writes a file. Every
output is made from pixels alone, so no EXIF (GPS, camera serials), XMP or comment survives; the EXIF
orientation is applied first (``ImageOps.exif_transpose``), and an embedded colour profile other than
sRGB is converted to sRGB (kept only when that conversion fails: then it is needed to show the colours).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Iterator

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

FORMAT_VERSION = 2  # bump when the variants made from the same bytes and settings change
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "AVIF": "image/avif"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
PROCESSED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".tif", ".tiff", ".bmp")
"""Local images with these suffixes are processed; others (SVG) are published as they are."""
CROPS = ((16, 9), (4, 3), (1, 1))  # what Google asks of a news article's image, at least 1200 px wide
CROP_WIDTH = 1200
SHARE_SIZE = (1200, 630)  # the link-preview size every network shows whole


@dataclass(frozen=True, slots=True)
class Settings:
    """What shapes the variants of an image: part of each variant's store key."""

    widths: tuple[int, ...]
    formats: tuple[str, ...]  # upper case Pillow names: AVIF, WEBP
    quality: int
    webp_quality: int
    avif_quality: int


@dataclass(frozen=True, slots=True)
class Made:
    """One variant's bytes; ``role`` names it in the store and in its file name (``800``, ``16x9``, ``share``)."""

    role: str
    format: str  # Pillow's name: JPEG, PNG, WEBP, AVIF
    width: int
    height: int
    data: bytes


class BadImage(Exception):
    """An image that cannot be used: what is wrong, and what to do about it, for the editor."""

    def __init__(self, message: str, hint: str = "save it again from an image editor as JPEG or PNG"):
        super().__init__(message)
        self.hint = hint


def open_image(data: bytes) -> Image.Image:
    """The decoded image, upright, in a mode every encoder takes. Raises :class:`BadImage`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage(f"too many pixels (over {Image.MAX_IMAGE_PIXELS:,}): refused as a possible "
                       "decompression bomb", "scale it down to a few thousand pixels across") from None
    except UnidentifiedImageError:
        raise BadImage("not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImage(f"damaged or truncated image ({exc})") from None
    image = ImageOps.exif_transpose(image) or image
    profile = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = image.mode in ("P", "PA") and "transparency" in image.info or image.mode.endswith("A")
        image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}
    if profile:
        image = _to_srgb(image, profile)
    return image


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    """Pixels in sRGB, the colour space browsers assume; the profile kept when they cannot be converted."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if "srgb" in (ImageCms.getProfileDescription(source) or "").lower():
            return image
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=image.mode if image.mode in ("RGB", "RGBA") else "RGB")
        if converted is None:
            return image
        converted.info = {}
        return converted
    except (ImageCms.PyCMSError, OSError, ValueError):
        image.info = {"icc_profile": profile}
        return image


def fallback_format(image: Image.Image, source_format: str | None) -> str:
    """The format of the ``<img>`` every browser shows: PNG for transparency and PNG sources, else JPEG."""
    if image.mode in ("RGBA", "LA") or source_format in ("PNG", "GIF"):
        return "PNG"
    return "JPEG"


def widths_for(width: int, wanted: tuple[int, ...]) -> list[int]:
    """The configured widths below the image's own, and its own when it is narrower than the widest asked."""
    made = sorted({w for w in wanted if w < width})
    if width <= max(wanted) or not made:
        made.append(width)
    return made or [width]


def encode(image: Image.Image, fmt: str, settings: Settings) -> bytes:
    out = io.BytesIO()
    profile = image.info.get("icc_profile")  # only when it could not be converted to sRGB
    extra = {"icc_profile": profile} if profile else {}
    if fmt == "JPEG":
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        rgb.save(out, "JPEG", quality=settings.quality, optimize=True, progressive=True, **extra)
    elif fmt == "PNG":
        image.save(out, "PNG", compress_level=6, **extra)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=settings.webp_quality, method=1, **extra)  # 4+ takes twice as long, no smaller
    else:
        image.save(out, "AVIF", quality=settings.avif_quality, speed=8, **extra)
    return out.getvalue()


def _resized(image: Image.Image, width: int, height: int) -> Image.Image:
    if (width, height) == image.size:
        return image
    resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = dict(image.info)
    return resized


def _crop(image: Image.Image, ratio: tuple[int, int]) -> Image.Image:
    """The largest centred box of ``ratio``."""
    width, height = image.size
    box_w = min(width, height * ratio[0] // ratio[1])
    box_h = min(height, box_w * ratio[1] // ratio[0])
    left, top = (width - box_w) // 2, (height - box_h) // 2
    cropped = image.crop((left, top, left + box_w, top + box_h))
    cropped.info = dict(image.info)
    return cropped


def variants(data: bytes, settings: Settings, lead: bool) -> Iterator[Made]:
    """Every width in every format, then (for a lead image) the crops and the share image.
    Raises :class:`BadImage`."""
    image = open_image(data)
    with Image.open(io.BytesIO(data)) as probe:
        source_format = probe.format
    fallback = fallback_format(image, source_format)
    width, height = image.size
    scaled = image
    for target in sorted(widths_for(width, settings.widths), reverse=True):  # each from the one before:
        scaled = _resized(scaled, target, max(1, round(height * target / width)))  # a fraction of the work
        for fmt in (*settings.formats, fallback):
            yield Made(str(target), fmt, scaled.width, scaled.height, encode(scaled, fmt, settings))
    if not lead:
        return
    shorter = min(width, height)
    if shorter > CROP_WIDTH:  # the crops come from a copy whose shorter side is just wide enough
        image = _resized(image, round(width * CROP_WIDTH / shorter), round(height * CROP_WIDTH / shorter))
    for ratio in CROPS:
        cropped = _crop(image, ratio)
        target = min(cropped.width, CROP_WIDTH)
        scaled = _resized(cropped, target, max(1, round(cropped.height * target / cropped.width)))
        yield Made(f"{ratio[0]}x{ratio[1]}", fallback, scaled.width, scaled.height, encode(scaled, fallback, settings))
    cropped = _crop(image, SHARE_SIZE)
    target = min(cropped.width, SHARE_SIZE[0])
    scaled = _resized(cropped, target, max(1, round(cropped.height * target / cropped.width)))
    yield Made("share", fallback, scaled.width, scaled.height, encode(scaled, fallback, settings))

