"""Markdown syntax for video embeds and figures (a Python-Markdown extension).

Videos, one per line, alone in their paragraph::

    !youtube[Ballerina – Official Trailer](https://www.youtube.com/watch?v=0FSwsrFpkbw)
    !vimeo[Behind the scenes](https://vimeo.com/76979871 /images/bts-poster.jpg "Caption, *Markdown* allowed")
    !video[Any of the two](https://youtu.be/0FSwsrFpkbw?t=42)

render a privacy-first facade: a local poster (the optional image, or a plain CSS frame) and a link
to the video on its host. Nothing is requested from the video host until the reader clicks: then
``/assets/embeds.js`` swaps in the player (``youtube-nocookie.com`` or ``player.vimeo.com``). With
JavaScript off the link simply opens the video's page.

Figures: an image alone in its paragraph with a quoted title becomes a ``<figure>`` whose caption is
the title (inline Markdown allowed); the bracket text stays the image's alt text::

    ![Ana de Armas as Eve](/images/eve.jpg "Ana de Armas in *Ballerina*. Photo: Lionsgate")
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.util import AtomicString

EMBED_LINE = re.compile(r"^!(?P<kind>youtube|vimeo|video)\[(?P<title>[^\]]*)\]\((?P<args>[^)]*)\)\s*$")
EMBED_START = re.compile(r"^!(youtube|vimeo|video)\[", re.M)
EMBED_ARGS = re.compile(r'^\s*(?P<video>[^\s"]+)(?:\s+(?P<poster>[^\s"]+))?(?:\s+"(?P<caption>[^"]*)")?\s*$')
FIGURE = re.compile(r'^!\[(?P<alt>[^\]]*)\]\(\s*(?P<src>[^\s")]+)\s+"(?P<caption>[^"]*)"\s*\)\s*$')
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be",
                 "www.youtube-nocookie.com", "youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
HOST_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo"}


@dataclass(frozen=True, slots=True)
class Video:
    """A video an embed line (`!youtube`, `!vimeo`, `!video`) asks for, as the embed markup needs it."""

    host: str  # youtube | vimeo
    id: str
    start: int = 0  # seconds
    hash: str = ""  # Vimeo's privacy hash of unlisted videos

    @property
    def player_url(self) -> str:
        if self.host == "youtube":
            query = {"autoplay": "1", **({"start": str(self.start)} if self.start else {})}
            return f"https://www.youtube-nocookie.com/embed/{self.id}?{urlencode(query)}"
        query = {"autoplay": "1", "dnt": "1", **({"h": self.hash} if self.hash else {})}
        url = f"https://player.vimeo.com/video/{self.id}?{urlencode(query)}"
        return url + (f"#t={self.start}s" if self.start else "")

    @property
    def page_url(self) -> str:
        if self.host == "youtube":
            return f"https://www.youtube.com/watch?v={self.id}" + (f"&t={self.start}s" if self.start else "")
        return f"https://vimeo.com/{self.id}" + (f"/{self.hash}" if self.hash else "") + \
            (f"#t={self.start}s" if self.start else "")


@dataclass(frozen=True, slots=True)
class EmbedProblem:
    """An embed line that cannot be shown, found by its text (the converter knows no line numbers)."""

    line_text: str  # the offending source line, to find its line number
    message: str
    hint: str | None = None


def _seconds(value: str) -> int:
    """``90``, ``90s``, ``1m30s``, ``1h2m3s`` -> seconds; anything else -> 0."""
    if value.isdigit():
        return int(value)
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", value)
    if not match or not any(match.groups()):
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_video(kind: str, text: str) -> Video | str:
    """A video from an ID or a URL; a text result is what is wrong with it."""
    if "://" not in text and not text.startswith(("www.", "youtu", "vimeo")):
        if kind in ("youtube", "video") and YOUTUBE_ID.match(text):
            return Video("youtube", text)
        if kind in ("vimeo", "video") and text.isdigit():
            return Video("vimeo", text)
        return f"`{text}` is not a {HOST_NAMES.get(kind, 'YouTube or Vimeo')} video ID or URL"
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    fragment = parse_qs(parts.fragment)
    start = _seconds((query.get("t") or query.get("start") or fragment.get("t") or [""])[0])
    segments = [s for s in parts.path.split("/") if s]
    if host in YOUTUBE_HOSTS and kind in ("youtube", "video"):
        if host == "youtu.be":
            video_id = segments[0] if segments else ""
        elif segments[:1] in (["embed"], ["shorts"], ["live"], ["v"]):
            video_id = segments[1] if len(segments) > 1 else ""
        else:
            video_id = (query.get("v") or [""])[0]
        if YOUTUBE_ID.match(video_id):
            return Video("youtube", video_id, start)
        return f"no YouTube video ID in `{text}`"
    if host in VIMEO_HOSTS and kind in ("vimeo", "video"):
        numbers = [i for i, s in enumerate(segments) if s.isdigit()]
        if numbers:
            index = numbers[-1]
            after = segments[index + 1] if len(segments) > index + 1 else ""
            secret = (query.get("h") or [""])[0] or (after if re.fullmatch(r"[0-9a-f]{6,}", after) else "")
            return Video("vimeo", segments[index], start, secret)
        return f"no Vimeo video number in `{text}`"
    return f"`{text}` is not a {HOST_NAMES.get(kind, 'YouTube or Vimeo')} address"


def _span(parent: etree.Element, cls: str, text: str | None = None, atomic: bool = True) -> etree.Element:
    node = etree.SubElement(parent, "span", {"class": cls})
    if text is not None:
        node.text = AtomicString(text) if atomic else text
    return node


def facade(parent: etree.Element, video: Video, title: str, poster: str, caption: str) -> None:
    """The click-to-load placeholder: every URL of the host is in ``href`` or ``data-*``, never in a ``src``."""
    host = HOST_NAMES[video.host]
    figure = etree.SubElement(parent, "figure", {"class": f"embed embed--{video.host}"})
    frame = etree.SubElement(figure, "div", {"class": "embed__frame", "data-embed-src": video.player_url,
                                             "data-embed-title": f"{host} video: {title}"})
    link = etree.SubElement(frame, "a", {"class": "embed__link", "href": video.page_url})
    if poster:
        etree.SubElement(link, "img", {"class": "embed__poster", "src": poster, "alt": "", "loading": "lazy"})
    _span(link, "embed__play").set("aria-hidden", "true")
    _span(link, "embed__title", title)
    _span(link, "embed__action", f"Watch on {host}").set("data-embed-action", f"Play video (loads {host})")
    if caption:
        figcaption = etree.SubElement(figure, "figcaption")
        figcaption.text = caption


class VideoProcessor(BlockProcessor):
    def __init__(self, parser: BlockParser, problems: list[EmbedProblem]) -> None:
        super().__init__(parser)
        self.problems = problems

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(EMBED_LINE.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        lines = blocks.pop(0).split("\n")
        taken = 0
        for line in lines:
            match = EMBED_LINE.match(line)
            if not match:
                break
            taken += 1
            self._embed(parent, line, match)
        if taken < len(lines):
            blocks.insert(0, "\n".join(lines[taken:]))
        return True

    def _embed(self, parent: etree.Element, line: str, match: re.Match[str]) -> None:
        title = " ".join(match["title"].split())
        args = EMBED_ARGS.match(match["args"])
        if not title:
            self.problems.append(EmbedProblem(line, "a video embed needs a title for screen readers",
                                              f"write it in the brackets: !{match['kind']}[Official trailer](...)"))
            return
        if args is None:
            self.problems.append(EmbedProblem(line, "cannot read the video embed",
                                              f'use !{match["kind"]}[Title](VIDEO_ID_OR_URL /poster.jpg "Caption")'))
            return
        video = parse_video(match["kind"], args["video"])
        if isinstance(video, str):
            self.problems.append(EmbedProblem(line, video, "paste the video's address from the browser bar"))
            return
        poster = args["poster"] or ""
        if poster and (re.match(r"^[a-z][a-z0-9+.-]*:", poster, re.I) or poster.startswith("//")):
            self.problems.append(EmbedProblem(line, f"the poster `{poster}` must be a file of this site",
                                              "a poster from elsewhere would be loaded before the click"))
            return
        facade(parent, video, title, poster, args["caption"] or "")


class FigureProcessor(BlockProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        return "\n" not in block.strip() and bool(FIGURE.match(block.strip()))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        match = FIGURE.match(blocks.pop(0).strip())
        assert match is not None
        figure = etree.SubElement(parent, "figure", {"class": "figure"})
        etree.SubElement(figure, "img", {"src": match["src"], "alt": match["alt"]})
        caption = match["caption"].strip()
        if caption:
            etree.SubElement(figure, "figcaption").text = caption
        return True


class EmbedExtension(Extension):
    """Registers both processors ahead of definition lists (whose ``: `` lines they must not meet)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.problems: list[EmbedProblem] = []

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)
        md.parser.blockprocessors.register(VideoProcessor(md.parser, self.problems), "video_embed", 27)
        md.parser.blockprocessors.register(FigureProcessor(md.parser), "figure", 26)

    def reset(self) -> None:
        self.problems.clear()
