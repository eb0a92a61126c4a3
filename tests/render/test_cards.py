"""Social cards: 1200x630, the headline in whole words at the largest size that fits."""

from __future__ import annotations

import io

from hypothesis import given, settings, strategies as st
from PIL import Image

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
