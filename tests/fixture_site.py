"""A deterministic fixture site for the quality gates: a few hundred articles that stress the theme.

Unicode tags and categories, very long headlines and unbroken words, hero images and images in the
body, a video embed, tables, code, footnotes, headings that become anchors and links between
articles. Same arguments, same bytes: the gates are reproducible. Test-only (the benchmark generator
lives in benchmarks/).

    python tests/fixture_site.py DIR [ARTICLES]
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

TAGS = ["Ballerina", "John Wick", "Ana de Armas", "Keanu Reeves", "Ruska Roma", "Amélie Poulain",
        "Léon: The Professional", "東京 Drift", "Жизнь и смерть", "Ballet & Bullets", "C++ Nerds",
        "naïve café", "Ñandú", "Çağrı Film", "🎬 Trailers", "Box Office", "The Continental",
        "Stunt Work", "Len Wiseman", "Chad Stahelski", "Ian McShane", "Norman Reedus", "Ελληνικά",
        "עברית", "Prague", "Hallstatt", "Lionsgate", "Behind the Scenes", "Reviews", "Interviews"]
CATEGORIES = ["Movies", "Trailers", "Interviews", "Box Office", "Features & Essays", "Español"]
WORDS = ("assassin ballet choreography continental contract dancer director featurette fight "
         "flamethrower grenade hotel knife marker ruska roma sequel stunt trailer vengeance wick "
         "academy oath excommunicado sommelier tailor cartographer tracker ice skates snow").split()
LONG_WORDS = ["Supercalifragilisticexpialidociousnessfulness", "Pneumonoultramicroscopicsilicovolcanoconiosis",
              "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"]
COLOURS = ["#7a0f1d", "#1f2933", "#3d2c1e", "#0f3d3e", "#4b1d3f", "#2d3a1f"]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _title(rng: random.Random, number: int) -> str:
    base = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(3, 8)))
    if number % 17 == 0:  # a headline far longer than any layout expects
        base += ": " + " ".join(_sentence(rng, 12) for _ in range(3)).rstrip(".")
    if number % 23 == 0:
        base += " " + LONG_WORDS[number % len(LONG_WORDS)]
    if number % 11 == 0:
        base += " — «Ана де Армас» & “Eve” <em>in</em> 東京"
    return f"{base} #{number}"


def _svg(colour: str, label: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675">'
            f'<rect width="1200" height="675" fill="{colour}"/>'
            f'<text x="60" y="600" font-family="serif" font-size="72" fill="#fff">{label}</text></svg>\n')


def _body(rng: random.Random, number: int, count: int, slugs: list[tuple[str, str]]) -> str:
    parts = [" ".join(_sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 5)))]
    parts.append("## The opening scene")
    parts.append(" ".join(_sentence(rng, rng.randint(8, 20)) for _ in range(3)))
    if number % 3 == 0:
        parts.append(f"![Still {number % 6 + 1} from the set of Ballerina](/images/still-{number % 6 + 1}.svg)")
    if number % 5 == 0:
        parts.append(f"## Über die Kämpfe — 東京 {rng.choice(WORDS)}")
        parts.append("| Scene | Minutes | Practical |\n|---|---:|---|\n| Restaurant | 7 | yes |\n"
                     "| Flamethrower | 5 | mostly |")
    if number % 7 == 3:  # not on the newest article: the browser gates stay on loopback
        parts.append('<figure class="embed">\n<iframe src="https://www.youtube-nocookie.com/embed/0jB3VStVmCY" '
                     'title="Ballerina official trailer" width="560" height="315" loading="lazy" '
                     'allowfullscreen></iframe>\n<figcaption>The official trailer.</figcaption>\n</figure>')
    if number % 9 == 0:
        parts.append("> “You can’t run from who you are.” — Nogi[^1]\n\n[^1]: Said in the final act.")
        parts.append("```\nmarker = ruska_roma.oath(eve)\n```")
    if number % 4 == 0 and number + 1 < count:
        date, slug = slugs[number + 1]
        parts.append(f"Read the earlier story: [{slug.replace('-', ' ')}](/{date}/{slug}/) and "
                     f"[jump to its opening](/{date}/{slug}/#the-opening-scene).")
    if number % 13 == 0:
        parts.append("- " + "\n- ".join(_sentence(rng, 6) for _ in range(4)))
        parts.append(LONG_WORDS[number % len(LONG_WORDS)] * 2 + " and a long URL "
                     "<https://example.com/a/very/long/path/that/never/breaks/naturally/in/a/narrow/column>.")
    return "\n\n".join(parts) + "\n"


def make_fixture_site(root: Path, articles: int = 300, seed: int = 5) -> Path:
    """Write site.yaml, tags.yaml, content/ and static/images/ under ``root``; returns ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(
        'title: "The Ballerina Wire"\ntagline: "Every story from the world of John Wick"\n'
        'description: "A generated fixture site for the quality gates."\n'
        'base_url: "https://fixture.example/"\nlanguage: en\ntimezone: Europe/Prague\npage_size: 12\n'
        'keep_reading: 4\nauthor:\n  name: "Fixture Desk"\n'
        'promo:\n  label: "Sponsored"\n  title: "Stunt School Weekends"\n'
        '  text: "Learn screen fighting from working stunt performers."\n'
        '  link_text: "See the dates"\n  link_url: "/archive/"\n'
        'menu:\n  - {title: "About", url: "/archive/"}\n', encoding="utf-8")
    (root / "tags.yaml").write_text(
        "John Wick:\n  description: The films, the shows and the spin-offs.\n", encoding="utf-8")
    images = root / "static" / "images"
    images.mkdir(parents=True, exist_ok=True)
    for index, colour in enumerate(COLOURS, 1):
        (images / f"still-{index}.svg").write_text(_svg(colour, f"Still {index}"), encoding="utf-8")
    content = root / "content"
    content.mkdir(exist_ok=True)
    start = datetime(2025, 6, 6, 9, 30, tzinfo=timezone.utc)
    dated = []
    for number in range(articles):
        when = start - timedelta(hours=number * 7 + rng.randint(0, 5))
        dated.append((when, f"story-{number:04d}"))
    slugs = [(f"{when:%Y/%m/%d}", slug) for when, slug in dated]
    for number, (when, slug) in enumerate(dated):
        title = _title(rng, number)
        tags = rng.sample(TAGS, rng.randint(2 if number < 3 else 0, 5))
        lines = ["---", f"title: '{title.replace(chr(39), chr(39) * 2)}'", f"date: {when.isoformat()}",
                 f"slug: {slug}"]
        if tags:
            lines.append("tags: [" + ", ".join(f"'{t}'" for t in tags) + "]")
        if number % 8:
            lines.append(f"category: '{CATEGORIES[number % len(CATEGORIES)]}'")
        if number % 2 == 0:
            lines.append(f"image: /images/still-{number % 6 + 1}.svg")
            lines.append(f"image_alt: 'Production still {number % 6 + 1}: Eve in the {rng.choice(WORDS)} scene'")
        if number % 6 == 0:
            lines.append(f"summary: '{_sentence(rng, 25)}'")
        if number % 10 == 0:
            lines.append(f"updated: {(when + timedelta(days=2)).isoformat()}")
        lines += ["---", ""]
        name = f"{when:%Y-%m-%d}-{slug}.md"
        (content / name).write_text("\n".join(lines) + _body(rng, number, articles, slugs), encoding="utf-8")
    return root


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python tests/fixture_site.py DIR [ARTICLES]")
    made = make_fixture_site(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else 300)
    print(f"wrote a fixture site to {made}")
