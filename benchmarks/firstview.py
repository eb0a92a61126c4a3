"""Bytes a reader's first article view costs: the article's HTML and every stylesheet and script it
loads, as sent uncompressed and as sent from the precompressed ``.br``/``.gz`` copies (what nginx's
``brotli_static``/``gzip_static`` or Caddy's ``precompressed`` serve). Images are left out: they are
the same bytes either way.

    python benchmarks/firstview.py OUTPUT_FOLDER      # e.g. benchmarks/.work/ours-default-10000/public
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.urls.append(str(found["href"]))
        elif tag == "script" and found.get("src"):
            self.urls.append(str(found["src"]))


@dataclass(frozen=True)
class FirstView:
    page: str  # the article page, relative to the output
    files: int  # the page and what it loads
    plain: int  # bytes uncompressed
    brotli: int  # bytes from the .br copies (the file itself where it has none)
    gzip: int  # bytes from the .gz copies

    def line(self) -> str:
        return (f"first article view ({self.page}, {self.files} files: HTML, CSS, JS): "
                f"{self.plain / 1024:.1f} KB plain, {self.brotli / 1024:.1f} KB Brotli "
                f"({self.plain / self.brotli:.1f}x smaller), {self.gzip / 1024:.1f} KB gzip "
                f"({self.plain / self.gzip:.1f}x)")


def article_page(output: Path) -> Path:
    """The middle article page by path: a page whose structured data says NewsArticle."""
    pages = [path for path in sorted(output.rglob("index.html"))
             if '"NewsArticle"' in path.read_text(encoding="utf-8", errors="replace")]
    if not pages:
        raise SystemExit(f"{output}: no article page found")
    return pages[len(pages) // 2]


def _sized(path: Path, suffix: str) -> int:
    copy = path.with_name(path.name + suffix)
    return copy.stat().st_size if copy.is_file() else path.stat().st_size


def first_view(output: Path) -> FirstView:
    page = article_page(output)
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    files = [page]
    for url in parser.urls:
        path = url.split("?", 1)[0].split("#", 1)[0]
        if path.startswith("/") and (output / path.lstrip("/")).is_file():
            files.append(output / path.lstrip("/"))
    return FirstView(str(page.relative_to(output)), len(files), sum(path.stat().st_size for path in files),
                     sum(_sized(path, ".br") for path in files), sum(_sized(path, ".gz") for path in files))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(first_view(Path(sys.argv[1])).line())
