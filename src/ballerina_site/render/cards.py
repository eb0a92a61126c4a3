"""Social cards: the 1200x630 picture a link preview shows for an article without an image of its own
(its headline and the site's name on the brand colours), and for the site as a whole.

The font is a file installed on the machine (Debian's ``fonts-dejavu-core``), never fetched: when no
font file is found, Pillow's own scalable font is used and the build says so once (see
:func:`find_font`). Headlines are wrapped at spaces, never inside a word; a long one is set smaller.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFont

from . import jpegrows

CARD_VERSION = 3  # bump when the same inputs would draw a different card (or other bytes: 3, restart markers)
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
SYSTEM_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
                "/usr/local/share/fonts/DejaVuSans-Bold.ttf",
                "/Library/Fonts/DejaVuSans-Bold.ttf")
HEADLINE_SIZES = (76, 68, 60, 54, 48, 42, 38, 34, 30)
MAX_LINES = 5
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class CardStyle:
    """The colours and font of a site's social cards (part of each card's store key)."""

    background: str
    text: str
    accent: str
    font: str  # a font file's path; "" for Pillow's built-in font


def find_font(configured: Path | None) -> str:
    """The configured font file, else DejaVu Sans Bold where Debian puts it, else "" (Pillow's font)."""
    for candidate in ([str(configured)] if configured is not None else []) + list(SYSTEM_FONTS):
        if Path(candidate).is_file():
            return candidate
    return ""


@lru_cache(maxsize=64)  # one object per size and file for the whole build: loading one takes a millisecond
def _font(path: str, size: int) -> FontType:
    if path:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    return ImageFont.load_default(size)


def wrap(words: list[str], font: FontType, width: int) -> list[str] | None:
    """Lines of whole words no wider than ``width``; None when one word alone is wider."""
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        if font.getlength(trial) <= width:
            line = trial
            continue
        if font.getlength(word) > width:
            return None
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def fit_headline(title: str, font_path: str, width: int, max_lines: int = MAX_LINES
                 ) -> tuple[FontType, int, list[str]]:
    """The largest size at which the headline fits in ``max_lines``; at the smallest, the lines that fit,
    the last ending in an ellipsis after a whole word."""
    words = title.split() or [""]
    for size in HEADLINE_SIZES:
        font = _font(font_path, size)
        lines = wrap(words, font, width)
        if lines is not None and len(lines) <= max_lines:
            return font, size, lines
    size = HEADLINE_SIZES[-1]
    font = _font(font_path, size)
    kept: list[str] = []
    for count in range(len(words), 0, -1):  # drop whole words from the end until the rest fits
        candidate = wrap(words[:count - 1] + [words[count - 1] + "…"], font, width)
        if candidate is not None and len(candidate) <= max_lines:
            kept = candidate
            break
    return font, size, kept


BAND_TOP = HEIGHT - MARGIN + 24  # the short accent band under the headline
STRIPE = 16  # the accent stripe down the left edge, this wide


@lru_cache(maxsize=8)  # one per site (and its style) for the whole build: every card starts from a copy
def _blank(site_name: str, style: CardStyle) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """What every card of a site shares: the background, the stripe and band in the accent colour, the
    site's name; and the box left plain between them, where the headline goes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, STRIPE, HEIGHT), fill=style.accent)
    draw.rectangle((MARGIN, BAND_TOP, MARGIN + 120, BAND_TOP + 8), fill=style.accent)
    name, font = site_name.upper(), _font(style.font, 34)
    draw.text((MARGIN, MARGIN - 20), name, font=font, fill=style.accent)
    name_bottom = draw.textbbox((MARGIN, MARGIN - 20), name, font=font)[3] if name else 0
    return image, (STRIPE + 1, max(name_bottom, 0), WIDTH, BAND_TOP)


@lru_cache(maxsize=8)
def _shades(background: str, text: str) -> list[int]:
    """A palette of 256 shades from the background to the text colour, rounded as Pillow blends text
    onto a picture: an anti-aliased grey level through it gives the very pixel drawing would."""
    low, high = ImageColor.getrgb(background)[:3], ImageColor.getrgb(text)[:3]
    shades = []
    for level in range(256):
        for a, b in zip(low, high):
            blend = (b - a) * level + a * 255 + 128
            shades.append((blend + (blend >> 8)) >> 8)
    return shades


def _bounds(lines: list[str], font: FontType, leading: int, top: int) -> tuple[int, int, int, int]:
    """The box the headline's lines cover (left, upper, right, lower); empty when nothing shows."""
    boxes = [font.getbbox(line) for line in lines]
    left = MARGIN + min((box[0] for box in boxes), default=0)
    upper = top + min((box[1] + index * leading for index, box in enumerate(boxes)), default=0)
    right = MARGIN + max((box[2] for box in boxes), default=0)
    lower = top + max((box[3] + index * leading for index, box in enumerate(boxes)), default=0)
    return left, upper, right, lower


def _set_headline(image: Image.Image, plain: tuple[int, int, int, int], lines: list[str], font: FontType,
                  leading: int, top: int, style: CardStyle) -> None:
    """The headline's lines, drawn as one grey layer and coloured through a palette: the same pixels as
    drawing each line on the picture, in half the time. A headline reaching out of the ``plain`` box
    (onto the band: a long one at the largest size) is drawn on the picture, as before."""
    left, upper, right, lower = _bounds(lines, font, leading, top)
    if not lines or right <= left or lower <= upper:
        return
    if left < plain[0] or upper < plain[1] or right > plain[2] or lower > plain[3]:
        draw = ImageDraw.Draw(image)
        for index, line in enumerate(lines):
            draw.text((MARGIN, top + index * leading), line, font=font, fill=style.text)
        return
    layer = Image.new("L", (right - left, lower - upper))
    draw = ImageDraw.Draw(layer)
    for index, line in enumerate(lines):
        draw.text((MARGIN - left, top - upper + index * leading), line, font=font, fill=255)
    coloured = Image.frombytes("P", layer.size, layer.tobytes())
    coloured.putpalette(_shades(style.background, style.text))
    image.paste(coloured.convert("RGB"), (left, upper))


QUALITY = 90
KICKER = (MARGIN + 150, HEIGHT - MARGIN + 8)  # where a kicker (a word or two after the band) starts


@lru_cache(maxsize=8)
def _template(site_name: str, style: CardStyle) -> jpegrows.Rows:
    """The blank card's JPEG, cut into its rows: all but the headline's rows of every card."""
    return jpegrows.rows_of(jpegrows.encode(_blank(site_name, style)[0], QUALITY))


def draw_card(headline: str, site_name: str, style: CardStyle, kicker: str = "") -> bytes:
    """A JPEG of 1200x630: a stripe and the site's name in the accent colour, the headline below. Only
    the rows of the picture the words cross are drawn and encoded (see render/jpegrows.py): the
    same pixels as drawing and encoding the whole card, in four fifths of the time."""
    blank, plain = _blank(site_name, style)
    font, size, lines = fit_headline(headline, style.font, WIDTH - 2 * MARGIN)
    leading = round(size * 1.2)
    top = max(MARGIN + 50, (HEIGHT - leading * len(lines)) // 2 + 10)
    _, upper, _, lower = _bounds(lines, font, leading, top)
    small = _font(style.font, 28)
    if kicker:
        box = small.getbbox(kicker)
        upper, lower = min(upper, KICKER[1] + box[1]), max(lower, KICKER[1] + box[3])
    rows = jpegrows.band_rows(upper, lower, HEIGHT)
    shift = rows[0] * jpegrows.ROW if rows is not None else 0
    image = blank.crop((0, shift, WIDTH, rows[1] * jpegrows.ROW)) if rows is not None else blank.copy()
    _set_headline(image, (plain[0], plain[1] - shift, plain[2], plain[3] - shift), lines, font, leading,
                  top - shift, style)
    if kicker:
        ImageDraw.Draw(image).text((KICKER[0], KICKER[1] - shift), kicker, font=small, fill=style.text)
    data = jpegrows.encode(image, QUALITY)  # JPEG: a tenth of PNG's time for these flat colours
    if rows is None:
        return data
    spliced = jpegrows.splice(_template(site_name, style), *rows, jpegrows.rows_of(data))
    if spliced is None:  # no restart markers written: the whole card, encoded whole
        whole = blank.copy()
        whole.paste(image, (0, shift))
        return jpegrows.encode(whole, QUALITY)
    return spliced
