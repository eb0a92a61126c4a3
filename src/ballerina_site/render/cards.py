"""Social cards: the 1200x630 picture a link preview shows for an article without an image of its own
(its headline and the site's name on the brand colours), and for the site as a whole.

The font is a file installed on the machine (Debian's ``fonts-dejavu-core``), never fetched: when no
font file is found, Pillow's own scalable font is used and the build says so once (see
:func:`find_font`). Headlines are wrapped at spaces, never inside a word; a long one is set smaller.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CARD_VERSION = 1  # bump when the same inputs would draw a different card
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


def draw_card(headline: str, site_name: str, style: CardStyle, kicker: str = "") -> bytes:
    """A JPEG of 1200x630: a stripe and the site's name in the accent colour, the headline below."""
    image = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=style.accent)
    draw.rectangle((MARGIN, HEIGHT - MARGIN + 24, MARGIN + 120, HEIGHT - MARGIN + 32), fill=style.accent)
    name_font = _font(style.font, 34)
    draw.text((MARGIN, MARGIN - 20), site_name.upper(), font=name_font, fill=style.accent)
    font, size, lines = fit_headline(headline, style.font, WIDTH - 2 * MARGIN)
    leading = round(size * 1.2)
    block = leading * len(lines)
    top = max(MARGIN + 50, (HEIGHT - block) // 2 + 10)
    for index, line in enumerate(lines):
        draw.text((MARGIN, top + index * leading), line, font=font, fill=style.text)
    if kicker:
        draw.text((MARGIN + 150, HEIGHT - MARGIN + 8), kicker, font=_font(style.font, 28), fill=style.text)
    out = io.BytesIO()  # JPEG: a tenth of PNG's time for these flat colours, full chroma keeps the red crisp
    image.save(out, "JPEG", quality=90, subsampling=0)
    return out.getvalue()
