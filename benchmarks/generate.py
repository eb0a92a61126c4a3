"""A deterministic generator of realistic film-news sites for benchmarks.

``generate_site(root, n, seed)`` writes ``site.yaml`` and ``n`` articles under ``root/content/``:
600–900-word Markdown bodies with headings, lists, links and quotes; 3–6 tags drawn from a
Zipf-like pool of about 230 names (mixed case, non-ASCII: "Amélie", "Bong Joon-ho"); a category;
an author; dates spread over ten years with assorted time-zone spellings. The same ``(n, seed)``
always gives the same bytes, so timings from different machines and runs compare.

CLI: ``python benchmarks/generate.py DIR --articles 1000 [--seed 1]``
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

PEOPLE = [
    "Ana de Armas", "Keanu Reeves", "Chad Stahelski", "Len Wiseman", "Ian McShane", "Anjelica Huston",
    "Bong Joon-ho", "Park Chan-wook", "Hayao Miyazaki", "Agnès Varda", "Pedro Almodóvar", "Céline Sciamma",
    "Denis Villeneuve", "Alejandro González Iñárritu", "Guillermo del Toro", "Alfonso Cuarón",
    "Greta Gerwig", "Jordan Peele", "Christopher Nolan", "Kathryn Bigelow", "Wong Kar-wai", "Zhang Yimou",
    "Lee Chang-dong", "Hirokazu Kore-eda", "Mati Diop", "Julia Ducournau", "Ruben Östlund",
    "Thomas Vinterberg", "Mads Mikkelsen", "Penélope Cruz", "Juliette Binoche", "Isabelle Huppert",
    "Tilda Swinton", "Cate Blanchett", "Michelle Yeoh", "Ke Huy Quan", "Song Kang-ho", "Choi Min-sik",
    "Zoë Kravitz", "Timothée Chalamet", "Florence Pugh", "Saoirse Ronan", "Paul Mescal", "Andrew Scott",
    "Barry Keoghan", "Jenna Ortega", "Zendaya", "Pedro Pascal", "Oscar Isaac", "Mahershala Ali",
    "Viola Davis", "Lupita Nyong'o", "Daniel Kaluuya", "Riz Ahmed", "Dev Patel", "Emma Stone",
    "Yorgos Lanthimos", "Sofia Coppola", "Martin Scorsese", "Steven Spielberg", "Ridley Scott",
    "James Cameron", "Patty Jenkins", "Ryan Coogler", "Chloé Zhao", "Sean Baker", "Jane Campion",
    "Lynne Ramsay", "Andrea Arnold", "Steve McQueen", "Edgar Wright", "Taika Waititi", "Jim Jarmusch",
    "Wes Anderson", "Paul Thomas Anderson", "Gaspar Noé", "Claire Denis", "Mia Hansen-Løve",
    "Joachim Trier", "Renate Reinsve", "Sandra Hüller", "Justine Triet", "Nuri Bilge Ceylan",
    "Asghar Farhadi", "Jafar Panahi", "Abbas Kiarostami", "Satyajit Ray", "S. S. Rajamouli",
    "Deepika Padukone", "Shah Rukh Khan", "Takeshi Kitano", "Ryusuke Hamaguchi", "Kristen Stewart",
]
FILMS = [
    "Ballerina", "John Wick", "John Wick: Chapter 4", "Amélie", "Parasite", "Oldboy", "Spirited Away",
    "Roma", "Dune", "Dune: Part Two", "Blade Runner 2049", "Arrival", "Pan's Labyrinth", "Léon",
    "La Haine", "Cléo from 5 to 7", "Portrait of a Lady on Fire", "Titane", "Triangle of Sadness",
    "Another Round", "Drive My Car", "Anatomy of a Fall", "Past Lives", "Aftersun", "Everything Everywhere",
    "The Zone of Interest", "Poor Things", "Oppenheimer", "Barbie", "Nope", "Get Out", "Us",
    "Mad Max: Fury Road", "Furiosa", "The Continental", "Nosferatu", "Perfect Days", "Shōgun",
    "The Handmaiden", "Burning", "Decision to Leave", "Memories of Murder", "Snowpiercer", "Okja",
    "Mickey 17", "In the Mood for Love", "Chungking Express", "Hero", "Crouching Tiger, Hidden Dragon",
    "Y tu mamá también", "Gravity", "Children of Men", "Amores perros", "Birdman", "The Revenant",
    "Cidade de Deus", "Tár", "Killers of the Flower Moon", "RRR", "Pather Panchali", "Seven Samurai",
    "Rashomon", "Tokyo Story", "Akira", "Princess Mononoke", "Godzilla Minus One", "The Boy and the Heron",
]
TOPICS = [
    "box office", "Box Office", "trailers", "Trailer", "featurette", "casting", "Casting News", "festivals",
    "Cannes", "Venice", "Berlinale", "TIFF", "Sundance", "Oscars", "Academy Awards", "BAFTA", "César",
    "Golden Globes", "streaming", "Netflix", "MUBI", "A24", "Lionsgate", "Neon", "Studio Ghibli",
    "Toho", "CJ ENM", "Gaumont", "Pathé", "IMAX", "70mm", "restorations", "Criterion", "Blu-ray",
    "4K UHD", "stunts", "Stunt Work", "action", "Horror", "sci-fi", "Science Fiction", "animation",
    "Animé", "documentary", "K-cinema", "French cinema", "Nouvelle Vague", "Spanish cinema",
    "Mexican cinema", "Japanese cinema", "Bollywood", "Tollywood", "Nordic noir", "cinematography",
    "editing", "Sound Design", "scores", "Film Music", "VFX", "practical effects", "screenwriting",
    "interviews", "reviews", "retrospectives", "obituaries", "industry", "Labor", "WGA strike",
    "SAG-AFTRA", "exhibition", "Drive-ins", "piracy", "preservation", "film schools", "shorts",
]
CATEGORIES = ["Movies", "Trailers", "Interviews", "Reviews", "Festivals", "Industry", "Box Office",
              "Streaming", "Awards", "Features"]
AUTHORS = ["Ballerina News Desk", "Maya Okonkwo", "Léa Fontaine", "Jun-seo Park", "Sofía Martínez",
           "Tom Hargreaves", "Aiko Tanaka", "Ravi Menon", "Ingrid Solberg", "Kwame Mensah", "Zoë Adler"]
ZONES = ["America/New_York", "Europe/Paris", "Asia/Seoul", "Asia/Tokyo", "America/Los_Angeles", "UTC"]
OFFSETS = ["-04:00", "-05:00", "+01:00", "+02:00", "+09:00", "-07:00", "+05:30", "Z"]

VERBS = ["unveiled", "teased", "confirmed", "revealed", "screened", "announced", "premiered", "shared",
         "defended", "explained", "celebrated", "reworked", "delayed", "rescued", "restored", "reimagined"]
NOUNS = ["trailer", "first look", "featurette", "poster", "cut", "sequel", "spin-off", "score", "premiere",
         "restoration", "festival lineup", "box office run", "production diary", "stunt reel", "screenplay"]
ADJECTIVES = ["brutal", "tender", "gorgeous", "restless", "daring", "quiet", "kinetic", "elegant", "grim",
              "playful", "luminous", "sprawling", "intimate", "ferocious", "meticulous", "surprising"]
PLACES = ["Paris", "Seoul", "Tokyo", "Busan", "Toronto", "Cannes", "Venice", "Berlin", "Mumbai", "Prague",
          "Mexico City", "Los Angeles", "New York", "Reykjavík", "Kraków", "São Paulo", "Zürich", "Budapest"]
FILLER = ["the film", "the director", "the cast", "the studio", "audiences", "critics", "the crew",
          "the festival", "the score", "the premiere", "the sequel", "fans", "the franchise", "the theatre",
          "every frame", "the script", "production", "the press tour", "the trade papers"]


@lru_cache(maxsize=8)
def _zipf_pool(seed: int) -> tuple[list[str], list[float], list[str], list[str]]:
    """About 230 tag names with Zipf-like cumulative weights, and the people and films among them."""
    names = PEOPLE + FILMS + TOPICS
    random.Random(seed).shuffle(names)
    weights = list(itertools.accumulate(1.0 / (rank + 1) ** 1.05 for rank in range(len(names))))
    people, films = set(PEOPLE), set(FILMS)
    return names, weights, [n for n in names if n in people], [n for n in names if n in films]


def _sentence(rng: random.Random, people: list[str], films: list[str]) -> str:
    who = rng.choice(people)
    film = rng.choice(films)
    pattern = rng.randrange(8)
    if pattern == 0:
        return (f"{who} {rng.choice(VERBS)} a {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} for {film} "
                f"in {rng.choice(PLACES)} this week, and {rng.choice(FILLER)} noticed at once.")
    if pattern == 1:
        return (f"According to people close to {rng.choice(FILLER)}, {film} spent {rng.randint(3, 40)} "
                f"days reshooting its {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}.")
    if pattern == 2:
        return (f"It is a {rng.choice(ADJECTIVES)} choice, and one that {who} seems to enjoy more "
                f"than anyone expected when {film} was first announced.")
    if pattern == 3:
        return (f"The {rng.choice(NOUNS)} runs {rng.randint(2, 180)} minutes and leans on "
                f"{rng.choice(ADJECTIVES)} practical effects rather than computer-generated tricks.")
    if pattern == 4:
        return (f"Early reactions from {rng.choice(PLACES)} call it {rng.choice(ADJECTIVES)}, "
                f"{rng.choice(ADJECTIVES)} and, in places, {rng.choice(ADJECTIVES)}.")
    if pattern == 5:
        return (f"{film} earned ${rng.randint(2, 950)}.{rng.randint(0, 9)} million worldwide, "
                f"well ahead of what {rng.choice(FILLER)} predicted.")
    if pattern == 6:
        return (f"Speaking to reporters, {who} said the {rng.choice(NOUNS)} took "
                f"{rng.randint(2, 9)} years to get right.")
    return (f"Whether {rng.choice(FILLER)} agrees is another matter, but {film} has "
            f"{rng.choice(VERBS)} {rng.choice(FILLER)} in a {rng.choice(ADJECTIVES)} way.")


def _paragraph(rng: random.Random, people: list[str], films: list[str], sentences: int) -> str:
    return " ".join(_sentence(rng, people, films) for _ in range(sentences))


def _body(rng: random.Random, title_film: str, people: list[str], films: list[str]) -> str:
    target = rng.randint(600, 900)
    parts: list[str] = []
    words = 0
    section = 0
    while words < target:
        kind = rng.random()
        if words > 120 and kind < 0.12:
            section += 1
            block = f"## {rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} for {rng.choice(films)}"
        elif words > 120 and kind < 0.2:
            items = [f"- **{rng.choice(people)}** as {rng.choice(['Eve', 'the Director', 'Winston', 'Nobody', 'Caine', 'Mrs. Kim'])}"
                     for _ in range(rng.randint(3, 6))]
            block = "The cast includes:\n\n" + "\n".join(items)
        elif words > 120 and kind < 0.26:
            items = [f"{i}. {_sentence(rng, people, films)}" for i in range(1, rng.randint(3, 5) + 1)]
            block = "\n".join(items)
        elif kind < 0.33:
            block = f"> {_paragraph(rng, people, films, 2)}\n>\n> — {rng.choice(people)}"
        elif kind < 0.42:
            film = rng.choice(films)
            slug = "".join(c if c.isalnum() else "-" for c in film.lower()).strip("-")
            block = (f"Read more about [{film}](https://films.example.org/{slug}/) or watch the "
                     f"[official trailer](https://video.example.com/watch?v={rng.randrange(10**8):08d}). "
                     + _paragraph(rng, people, films, 2))
        else:
            block = _paragraph(rng, people, films, rng.randint(3, 6))
        parts.append(block)
        words += len(block.split())
    return "\n\n".join(parts) + "\n"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())[:60].strip("-")


def _date_text(rng: random.Random, when: datetime) -> str:
    style = rng.randrange(5)
    if style == 0:
        return when.strftime("%Y-%m-%d")
    if style == 1:
        return f"{when:%Y-%m-%d %H:%M} {rng.choice(ZONES)}"
    offset = rng.choice(OFFSETS)
    return f"{when:%Y-%m-%dT%H:%M:%S}{offset}"


SITE_YAML = """\
title: "Film Desk"
tagline: "News from the world of cinema"
description: "A generated film-news archive for benchmarks."
base_url: "https://bench.example.org/"
language: en
timezone: America/New_York
page_size: 10
keep_reading: 3
author:
  name: "Film Desk"
"""


def article_text(index: int, seed: int, image: bool = False) -> tuple[str, str]:
    """File name and text of article ``index`` of a corpus; independent of the corpus size."""
    rng = random.Random(f"{seed}:{index}")
    names, weights, people, films = _zipf_pool(seed)
    start = datetime(2015, 1, 1, tzinfo=timezone.utc)
    when = start + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
    count = rng.randint(3, 6)
    tags: list[str] = []
    while len(tags) < count:
        name = rng.choices(names, cum_weights=weights)[0]
        if name.casefold() not in {t.casefold() for t in tags}:
            if rng.random() < 0.04:
                name = name.upper() if rng.random() < 0.5 else name.lower()  # spelling variants merge
            tags.append(name)
    film = next((t for t in tags if t in FILMS), rng.choice(films))
    title = (f"{film}: {rng.choice(people)} {rng.choice(VERBS)} a {rng.choice(ADJECTIVES)} "
             f"{rng.choice(NOUNS)}")
    slug = f"{_slug(title)}-{index}"
    body = _body(rng, film, people, films)
    lines = ["---", f"title: {_yaml_string(title)}", f"date: {_date_text(rng, when)}",
             f"category: {rng.choice(CATEGORIES)}",
             "tags: [" + ", ".join(_yaml_string(t) for t in tags) + "]",
             f"author: {_yaml_string(rng.choice(AUTHORS))}"]
    if rng.random() < 0.3:
        lines.append(f"summary: {_yaml_string(_sentence(rng, people, films))}")
    if image:
        lines += [f"image: /images/lead-{index}.jpg", f"image_alt: {_yaml_string(f'A still from {film}')}",
                  f"image_credit: {_yaml_string(rng.choice(AUTHORS))}"]
    lines += ["---", "", body]
    return f"{when:%Y-%m-%d}-{slug}.md", "\n".join(lines)


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate_site(root: Path, n: int, seed: int = 1, images: bool = False) -> Path:
    """Write a site of ``n`` articles into ``root`` (its ``content/`` is replaced); returns ``root``.
    ``images``: each article gets a lead image of its own, a 3000x2000 camera-sized JPEG in
    ``static/images/`` (some 1.5 MB each; written only when missing)."""
    root = Path(root)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for index in range(n):
        name, text = article_text(index, seed, images)
        (content / name).write_text(text, encoding="utf-8")
        if images:
            write_photo(root / "static" / "images" / f"lead-{index}.jpg", index, seed)
    return root


def write_photo(path: Path, index: int, seed: int) -> None:
    """A photograph-like 3000x2000 JPEG: a noisy gradient (as costly to encode as a photo) with a block
    of colour placed by the index, so that every image has bytes of its own."""
    from PIL import Image, ImageDraw  # only for --images

    if path.exists():
        return
    rng = random.Random(f"{seed}:photo:{index}")
    base = Image.linear_gradient("L").resize((3000, 2000))
    noise = Image.effect_noise((3000, 2000), 40)
    photo = Image.merge("RGB", (base, noise, Image.blend(base, noise, 0.5)))
    draw = ImageDraw.Draw(photo)
    left, top = rng.randrange(2400), rng.randrange(1500)
    draw.rectangle((left, top, left + 600, top + 500), fill=(rng.randrange(256), rng.randrange(256), 60))
    path.parent.mkdir(parents=True, exist_ok=True)
    photo.save(path, "JPEG", quality=88)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a deterministic film-news site for benchmarks.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--images", action="store_true", help="a 3000x2000 JPEG lead image for each article")
    args = parser.parse_args(argv)
    generate_site(args.directory, args.articles, args.seed, args.images)
    print(f"wrote {args.articles} articles to {args.directory / 'content'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
