"""The images stage, between the content model and the site model: every local image an article shows
(its lead ``image:`` and each ``<img>`` of its body) made into responsive variants, and a social card
drawn for each article without an image and for the site.

What is made lives in the store (store/images.py), keyed by the source's bytes and the settings, so
a text edit re-encodes nothing and a changed image re-encodes its own variants only; the work that is
left spreads over the cores through parallel.py. Only the variants an article uses are published,
from the store into the output as static files. Remote images (``https://...``) are never fetched.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from PIL import features

from ..content.discover import STATIC_DIR
from ..core.config import SiteConfig
from ..core.errors import Problem
from ..core.model import Article, Picture, Variant
from ..output.writer import OutputError
from ..render import cards, images
from ..render.images import EXTENSIONS, BadImage, Settings
from ..render.pictures import body_images, rewrite_body
from ..site.urls import Urls
from ..store.images import Entry, ImageStore, State, entry_key, entry_text
from ..store.store import Store
from . import parallel
from .imagerefs import Ref, find_refs, output_path
from .picturemodel import Publishing, card_variant, picture as make_picture

IMAGES_A_SLICE = 1  # a worker's slice of images: each takes a second or more (see _run)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ImageStats:
    """Pictures made and reused, for the summary line."""

    processed: int = 0  # images and cards encoded in this build
    reused: int = 0  # taken from the store


@dataclass(slots=True)
class ImageResult:
    """The articles with their pictures, and the picture files to publish."""

    articles: list[Article]
    config: SiteConfig  # with the site card as the default share image, when there is none
    published: dict[str, str] = field(default_factory=dict)  # output path -> the store's file to link
    made: dict[str, dict[str, str]] = field(default_factory=dict)  # the same by output folder: name -> file
    signatures: dict[str, str] = field(default_factory=dict)  # output folder -> what its made files are
    problems: list[Problem] = field(default_factory=list)
    stats: ImageStats = ImageStats()
    scratch: Any = None  # the temporary folder of a build without a store, kept alive until the write
    missing: list[Ref] = field(default_factory=list)  # body images whose file is missing (see imagerefs.py)


def settings_of(config: SiteConfig) -> Settings:
    options = config.images
    formats = tuple(f.upper() for f in options.formats if features.check(f))
    return Settings(tuple(options.widths), formats, options.quality, options.webp_quality, options.avif_quality)


def card_style(config: SiteConfig, root: Path, problems: list[Problem]) -> cards.CardStyle:
    options = config.images
    configured = root / options.card_font.lstrip("/") if options.card_font else None
    font = cards.find_font(configured)
    if configured is not None and font != str(configured):
        problems.append(Problem("site.yaml", None, f"`images.card_font`: no font file {options.card_font}",
                                "name a .ttf file inside the site folder"))
    elif not font:
        problems.append(Problem("site.yaml", None, "no DejaVu Sans Bold font found: social cards use Pillow's "
                                "built-in font", "install Debian's fonts-dejavu-core, or set `images.card_font`",
                                "warning"))
    return cards.CardStyle(options.card_background, options.card_text, options.card_accent, font)


def process_images(root: Path, config: SiteConfig, articles: Sequence[Article], static: Mapping[str, Path],
                   skip: frozenset[str], urls: Urls, store: Store, jobs: int, output: Path,
                   progress: Progress | None = None, seen: Mapping[str, tuple[int, int, int, int]] | None = None
                   ) -> ImageResult:
    """Every article with its pictures and share image; the files to publish; the problems found.
    ``progress``: told ("pictures", done, total) as the images and cards to make are made; ``seen``:
    the input files' stats taken at the start, by their name in the site (``static/images/x.jpg``)."""
    scratch = None if store.enabled else tempfile.TemporaryDirectory(prefix="ballerina-images-")
    shelf = ImageStore(store, Path(scratch.name) if scratch is not None else None)
    result = ImageResult(list(articles), config, scratch=scratch)
    settings = settings_of(config)
    bodies: dict[str, list[tuple[str, str | None]]] = {}
    refs, problems, result.missing = find_refs(articles, static, skip, urls, bodies)
    result.problems += problems
    style = card_style(config, root, result.problems)
    lead_files = {ref.file for ref in refs if ref.lead}
    keys: dict[Path, str] = {}
    todo: list[tuple[Any, ...]] = []
    settings_key = repr(settings)  # as in entry_key's repr of the parts, made once
    site_static = f"{root / STATIC_DIR}/"
    files: dict[Path, str] = {}  # each file with its name among ``seen`` (none for the theme's)
    for ref in refs:
        if ref.file not in files:
            files[ref.file] = f"{STATIC_DIR}/{ref.output}" if str(ref.file) == site_static + ref.output else ""
    for file, name in files.items():  # in the articles' order
        try:
            digest = shelf.digest(file, seen.get(name) if seen else None)
        except OSError as exc:
            result.problems += [ref.problem(f"cannot read the image ({exc.strerror or exc})",
                                            "check the file's permissions") for ref in refs if ref.file == file]
            continue
        lead = file in lead_files
        keys[file] = image_key(digest, settings_key, lead)
        todo.append(("image", keys[file], str(file), settings, lead))
    card_keys: dict[str, str] = {}  # article source (or "" for the site) -> key
    for article in articles if config.images.cards else ():
        if not article.image and article.source not in skip:
            card_keys[article.source] = _card_job(todo, (article.title, config.title, style, ""))
    if not config.image:
        card_keys[""] = _card_job(todo, (config.tagline or config.title, config.title, style, ""))
    entries, states, errors, processed = _run(shelf, todo, jobs, output, progress)
    for ref in refs:
        key = keys.get(ref.file)
        if key is not None and key in errors:
            result.problems.append(ref.problem(*errors[key]))
    publishing = Publishing(states)
    pictures = _pictures(refs, keys, entries, result, shelf, publishing)
    shares = {source: card_variant(key, entries[key], shelf, publishing)
              for source, key in card_keys.items() if key in entries}
    result.published, result.made, result.signatures = publishing.published, publishing.made, publishing.signatures()
    where = {(ref.article, ref.written): ref.output for ref in refs}  # output paths worked out already
    result.articles = [_with_pictures(a, pictures, shares, urls, config, where, bodies.get(a.source))
                       for a in articles]
    if "" in shares:
        result.config = replace(config, image="/" + shares[""].path,
                                image_alt=config.image_alt or f"{config.title}: {config.tagline or config.title}")
    used = set(keys.values()) | set(card_keys.values())
    if store.enabled:
        shelf.save_index(str(file) for file in keys)
        shelf.save_known(entries)
        if not result.problems or not any(p.is_error for p in result.problems):
            shelf.prune(used)
    result.stats = ImageStats(processed, len(used) - processed)
    return result


def image_key(digest: str, settings: str, lead: bool) -> str:
    """``entry_key(digest, settings, lead, FORMAT_VERSION)``, with the settings' repr made once."""
    return entry_text(f"({digest!r}, {settings}, {lead!r}, {images.FORMAT_VERSION!r})")


def _card_job(todo: list[tuple[Any, ...]], card: tuple[str, str, cards.CardStyle, str]) -> str:
    key = entry_key("card", card, cards.CARD_VERSION)
    if not any(job[1] == key for job in todo[-1:]):
        todo.append(("card", key, card))
    return key


def _run(shelf: ImageStore, todo: list[tuple[Any, ...]], jobs: int, output: Path, progress: Progress | None
         ) -> tuple[dict[str, Entry], dict[str, State | None], dict[str, tuple[str, str]], int]:
    """Entries from the store, and the rest made now over the cores; the state of each one's folder
    (see store/images.py); errors by key; how many were made.
    Images go out one a slice (a second or more each: an interrupt waits only for the ones the workers
    are on, and what was made before it stays in the store), then the cards (milliseconds each), in
    the usual slices."""
    entries: dict[str, Entry] = {}
    states: dict[str, State | None] = {}
    missing = []
    for job in todo:
        if job[1] in states:
            continue
        found = shelf.lookup(job[1])
        if found is not None:
            entries[job[1]], states[job[1]] = found
        else:
            states[job[1]] = None
            missing.append(job)
    errors: dict[str, tuple[str, str]] = {}

    def keep(_jobs: Sequence[tuple[Any, ...]], results: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
        """Here, as each slice comes back: its files into the store, their bytes let go."""
        light = []
        for key, made, error in results:
            if error is None:
                try:
                    entries[key] = shelf.put(key, made)
                    states[key] = shelf.state(key)
                except OSError as exc:  # the pictures are published from there: as good as the output
                    raise OutputError(f"cannot write the output ({exc.filename or shelf.folder}: "
                                      f"{exc.strerror or exc}); the previous output in {output} is unchanged") from None
            light.append((key, None, error))
        return light

    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress("pictures", done, len(missing))

    if missing:
        step(0)
    pictures = [job for job in missing if job[0] == "image"]
    cards_todo = [job for job in missing if job[0] != "image"]
    for part, largest in ((pictures, IMAGES_A_SLICE), (cards_todo, None)):
        for key, _, error in parallel.run(make_slice, part, None, jobs, each=keep, progress=step, largest=largest):
            if error is not None:
                errors[key] = error
    return entries, states, errors, len(missing) - len(errors)


def make_slice(_state: None, slice_: Sequence[tuple[Any, ...]]) -> list[tuple[str, Any, Any]]:
    """In a worker: each job's variants as (role, format, extension, width, height, bytes), or an error."""
    out: list[tuple[str, Any, Any]] = []
    for job in slice_:
        if job[0] == "card":
            headline, site_name, style, kicker = job[2]
            data = cards.draw_card(headline, site_name, style, kicker)
            out.append((job[1], [("card", "JPEG", "jpg", cards.WIDTH, cards.HEIGHT, data)], None))
            continue
        _, key, path, settings, lead = job
        try:
            data = Path(path).read_bytes()
            made = [(m.role, m.format, EXTENSIONS[m.format], m.width, m.height, m.data)
                    for m in images.variants(data, settings, lead)]
            out.append((key, made, None))
        except BadImage as exc:
            out.append((key, None, (str(exc), exc.hint)))
        except OSError as exc:
            out.append((key, None, (f"cannot read the image ({exc.strerror or exc})", "check the file's permissions")))
    return out


def _pictures(refs: list[Ref], keys: Mapping[Path, str], entries: Mapping[str, Entry], result: ImageResult,
              shelf: ImageStore, publishing: Publishing) -> dict[str, Picture]:
    """A :class:`Picture` per processed file, by output path; lead images too narrow are errors."""
    pictures: dict[str, Picture] = {}
    min_width = result.config.images.lead_min_width
    for ref in refs:
        key = keys.get(ref.file)
        entry = entries.get(key) if key is not None else None
        if key is None or entry is None:
            continue
        picture = pictures.get(ref.output)
        if picture is None:
            picture = pictures[ref.output] = make_picture(ref, key, entry, shelf, publishing)
        if ref.lead and picture.width < min_width:
            result.problems.append(ref.problem(f"too small for the lead image: {picture.width}x{picture.height} "
                                               f"pixels, at least {min_width} wide wanted",
                                               "use a larger picture, or set `images.lead_min_width`"))
    return pictures


def _with_pictures(article: Article, pictures: Mapping[str, Picture], shares: Mapping[str, Variant], urls: Urls,
                   config: SiteConfig, where: Mapping[tuple[str, str], str],
                   images: list[tuple[str, str | None]] | None = None) -> Article:
    """``where``: the output path of each (article, image as written) found already; ``images``: its
    body images, when found already."""
    def output(target: str) -> str | None:
        found = where.get((article.source, target))
        return found if found is not None else output_path(article, target, urls)

    changes: dict[str, Any] = {}
    if article.image:
        lead = pictures.get(output(article.image) or "")
        if lead is not None:
            changes.update(picture=lead, share=lead.share)
    elif article.source in shares:
        changes["share"] = shares[article.source]
    found = {src: pictures[path] for src, _ in (images if images is not None else body_images(article.body_html))
             if (path := output(src)) is not None and path in pictures}
    if found:
        changes["body_html"] = rewrite_body(article.body_html, found, urls.href, config.images.sizes)
    return replace(article, **changes) if changes else article

