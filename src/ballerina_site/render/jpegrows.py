"""A JPEG made from a template's rows and a band drawn anew: every social card of a site shares its
background, stripe and name, and differs only in the rows its headline crosses (a third to a half of
them), so only those are encoded for each card.

Pillow writes a baseline JPEG with a restart marker after each row of MCUs when asked
(``restart_marker_rows=1``, a documented save option). Each row's entropy-coded bytes then depend on
that row's pixels alone (the DC predictors start again at every marker: ITU T.81, F.1.2.3), so a band
of whole rows encoded on its own, at the same width and settings, gives byte for byte the rows the
whole picture would: a card is the template's header and rows with the band's rows in their place,
the markers numbered again. Any decoder reads it as the JPEG of the whole picture it is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image

ROW = 16  # the height of a row of MCUs, the luma sampled twice as densely as the chroma (4:2:0)
_MARKER = re.compile(rb"\xff[\xd0-\xd7]")  # RST0-RST7; the encoder stuffs a 0x00 after any 0xFF in the data
_SOS, _EOI = b"\xff\xda", b"\xff\xd9"


@dataclass(frozen=True, slots=True)
class Rows:
    """A JPEG cut at its restart markers: the header (up to the scan's data) and each row's bytes."""

    head: bytes
    rows: tuple[bytes, ...]


def encode(image: Image.Image, quality: int) -> bytes:
    """4:2:0, a restart marker after every row of MCUs, the standard tables (never ``optimize``, whose
    tables would differ from one band to the next)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, subsampling=2, restart_marker_rows=1)
    return out.getvalue()


def rows_of(data: bytes) -> Rows:
    """``data`` as :func:`encode` wrote it (one scan, ending the file)."""
    scan = data.index(_SOS)
    start = scan + 2 + int.from_bytes(data[scan + 2:scan + 4], "big")
    return Rows(data[:start], tuple(_MARKER.split(data[start:data.rindex(_EOI)])))


def splice(template: Rows, first: int, end: int, band: Rows) -> bytes | None:
    """The template with its rows ``first`` to ``end`` (not included) replaced by the band's; None
    when they do not match (a JPEG written without restart markers is a single row)."""
    if len(band.rows) != end - first or not 0 <= first < end <= len(template.rows) or len(template.rows) < 2:
        return None
    rows = (*template.rows[:first], *band.rows, *template.rows[end:])
    parts = [template.head]
    for number, row in enumerate(rows[:-1]):
        parts += (row, b"\xff", bytes((0xD0 + number % 8,)))
    parts += (rows[-1], _EOI)
    return b"".join(parts)


def band_rows(upper: int, lower: int, height: int) -> tuple[int, int] | None:
    """The rows of MCUs that pixel rows ``upper`` to ``lower`` (not included) cross; None when they
    reach the last row of a picture ``height`` high that is not whole (the encoder pads it from the
    edge, which a band's own last row would not match)."""
    first, end = upper // ROW, -(-lower // ROW)
    return (first, end) if 0 <= first < end <= height // ROW else None
