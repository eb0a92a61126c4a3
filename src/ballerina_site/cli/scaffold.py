"""``init`` and ``new``: start a site, start an article."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime
from pathlib import Path

from ..core.config import SiteConfig
from ..core.slugs import slugify

SITE_YAML = """\
# Site configuration: see the config reference in ballerina-site's README.
title: "{title}"
tagline: "News"
description: "A news site built with ballerina-site."
base_url: "https://example.org/"
language: en
timezone: UTC
page_size: 10
keep_reading: 3
author:
  name: "Newsroom"
# The share image of pages and articles without their own (1200x630): replace static/share.png.
image: /share.png
image_alt: "{title}"
"""

GITIGNORE = "public/\n.ballerina-cache/\n"


def article_text(title: str, when: datetime, *, tags: list[str] | None = None, category: str = "",
                 body: str = "Write the article here.\n") -> str:
    lines = ["---", f"title: {_yaml_string(title)}", f"date: {when.isoformat(timespec='minutes')}",
             'summary: ""']
    lines.append(f"category: {_yaml_string(category)}" if category else "category: ")
    lines.append("tags: [" + ", ".join(_yaml_string(t) for t in (tags or [])) + "]")
    lines += ["draft: true", "---", "", body]
    return "\n".join(lines)


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def share_image(width: int = 1200, height: int = 630, colour: tuple[int, int, int] = (0x1f, 0x29, 0x37)) -> bytes:
    """A plain PNG of one colour: the default share image a new site starts with (search engines and
    social sites want one; the site then passes ``build --strict``)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(colour) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height, 9))
            + chunk(b"IEND", b""))


def init_site(target: Path, now: datetime) -> list[Path]:
    """Create a minimal site; refuse to overwrite anything that exists."""
    if (target / "site.yaml").exists() or (target / "content").exists():
        raise FileExistsError(f"{target} already holds a site (site.yaml or content/ exists)")
    created = []
    for folder in ("content", "templates", "static"):
        (target / folder).mkdir(parents=True, exist_ok=True)
        created.append(target / folder)
    title = target.resolve().name.replace("-", " ").replace("_", " ").title() or "News"
    files = {
        target / "site.yaml": SITE_YAML.format(title=title.replace('"', "")),
        target / ".gitignore": GITIGNORE,
        target / "content" / f"{now:%Y-%m-%d}-welcome.md": article_text(
            "Welcome to your news site", now, tags=["News"], category="Announcements",
            body="This is your first article. Edit it, or add more with `ballerina-site new \"Title\"`.\n",
        ).replace("draft: true\n", ""),
    }
    for path, text in files.items():
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            created.append(path)
    image = target / "static" / "share.png"
    if not image.exists():
        image.write_bytes(share_image())
        created.append(image)
    return created


def new_article(root: Path, title: str, config: SiteConfig, now: datetime, *, tags: list[str] | None = None,
                category: str = "") -> Path:
    slug = slugify(title)
    if not slug:
        raise ValueError("the title has no letters or digits to make a file name from")
    local = now.astimezone(config.zone).replace(second=0, microsecond=0)
    path = root / "content" / f"{local:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_text(title, local, tags=tags, category=category), encoding="utf-8")
    return path
