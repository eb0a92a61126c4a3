"""Social cards: 1200x630, the headline in whole words at the largest size that fits; only the rows
the headline crosses encoded anew, the rest taken from the blank card's JPEG (render/jpegrows.py)."""

from __future__ import annotations

import io
import random

from hypothesis import example, given, settings, strategies as st
from PIL import Image, ImageChops, ImageDraw

from ballerina_site.render import jpegrows
from ballerina_site.render.cards import CardStyle, HEADLINE_SIZES, draw_card, find_font, fit_headline

STYLE = CardStyle("#100d0d", "#f4efe9", "#e0314b", find_font(None))
WORDS = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1, max_size=14)


def test_a_card_is_1200_by_630() -> None:
    with Image.open(io.BytesIO(draw_card("Ballerina: the restaurant fight", "Ballerina", STYLE))) as card:
        assert card.size == (1200, 630) and card.format == "JPEG"


def test_a_font_is_installed_for_the_cards() -> None:
    assert STYLE.font.endswith(".ttf"), "install Debian's fonts-dejavu-core (scripts/setup-tests.sh does)"


def test_long_headlines_are_set_smaller() -> None:
    short = fit_headline("Ballerina opens", STYLE.font, 1040)
    long = fit_headline(" ".join(["Inside the making and remaking of John Wick spin-off Ballerina"] * 3),
                        STYLE.font, 1040)
    assert short[1] == HEADLINE_SIZES[0] and long[1] < short[1]


@settings(max_examples=40, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=60))
def test_headlines_wrap_at_word_boundaries_only(words: list[str]) -> None:
    font, size, lines = fit_headline(" ".join(words), STYLE.font, 1040)
    shown = " ".join(lines).split()
    assert shown, words
    if shown[-1].endswith("…"):  # cut short: only after a whole word
        shown[-1] = shown[-1][:-1]
        assert shown == words[:len(shown)]
    else:
        assert shown == words
    for line in lines:
        assert font.getlength(line) <= 1040 or len(line.split()) == 1


def _picture(seed: int, height: int) -> Image.Image:
    """A picture with detail in every row (noise on a gradient), as a headline gives its rows."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((1200, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(1200), rng.randrange(height)
        draw.rectangle((x, y, x + rng.randrange(1, 40), y + rng.randrange(1, 12)),
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    return image


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 629), st.integers(1, 200), st.sampled_from([630, 640]))
@example(600, 100, 630).via("the band reaches the last row, not whole")
@example(600, 100, 640).via("the band reaches the last row, whole")
@example(0, 16, 630).via("the first row alone")
def test_a_band_spliced_into_a_template_is_the_whole_picture_encoded(upper: int, tall: int, height: int) -> None:
    template, card = _picture(1, height), _picture(1, height)
    lower = min(upper + tall, height)
    card.paste(_picture(2, height).crop((0, upper, 1200, lower)), (0, upper))
    whole = jpegrows.encode(card, 90)
    rows = jpegrows.band_rows(upper, lower, height)
    if rows is None:  # the last row, not whole: the card is encoded whole
        assert height % jpegrows.ROW and lower > height // jpegrows.ROW * jpegrows.ROW
        return
    band = jpegrows.encode(card.crop((0, rows[0] * jpegrows.ROW, 1200, rows[1] * jpegrows.ROW)), 90)
    spliced = jpegrows.splice(jpegrows.rows_of(jpegrows.encode(template, 90)), *rows, jpegrows.rows_of(band))
    assert spliced == whole and spliced is not None
    with Image.open(io.BytesIO(spliced)) as decoded:
        assert decoded.size == (1200, height)
        decoded.load()
    plain = io.BytesIO()  # written without restart markers: one row, which no band fits
    template.save(plain, "JPEG", quality=90, subsampling=2)
    assert jpegrows.splice(jpegrows.rows_of(plain.getvalue()), *rows, jpegrows.rows_of(band)) is None


def test_cards_differ_only_in_the_rows_of_their_headlines() -> None:
    short, long = (Image.open(io.BytesIO(draw_card(headline, "Ballerina", STYLE))).convert("L")
                   for headline in ("Ballerina opens", "Ballerina opens in cinemas on the sixth of June, "
                                                       "with Ana de Armas as Eve Macarro"))
    rows = [ImageChops.difference(short, long).crop((0, y, 1200, y + 1)).getbbox() is not None
            for y in range(630)]
    changed = [y for y, differs in enumerate(rows) if differs]
    assert changed and 130 <= changed[0] and changed[-1] < 630 - 80 + 24  # under the name, above the band
    assert short.getpixel((600, 40)) == long.getpixel((600, 40))
