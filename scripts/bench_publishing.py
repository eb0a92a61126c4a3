"""Benchmark feeds, sitemaps and page meta on generated sites; prints a table (never run by the tests).

    PYTHONPATH=src python scripts/bench_publishing.py [ARTICLES ...]   # default: 500 2000
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.pipeline.load import load_site
from ballerina_site.render.feeds import render_feeds
from ballerina_site.site.pages import plan_pages
from ballerina_site.render.seo import page_meta
from ballerina_site.render.sitemaps import render_sitemaps

TAGS = [f"Tag {i}" for i in range(60)]
AUTHORS = [f"Writer {i}" for i in range(12)]


def make_site(root: Path, count: int) -> None:
    rng = random.Random(count)
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Bench\nbase_url: https://bench.example/\nimage: /share.png\n"
                                    "sitemap:\n  news: true\n", encoding="utf-8")
    body = "\n\n".join(f"Paragraph {i} with [a link](../other-{i}/) and ![img](/img/{i}.jpg)." for i in range(8))
    for n in range(count):
        day = 1 + n % 28
        tags = ", ".join(rng.sample(TAGS, 3))
        (root / "content" / f"2025-{1 + n % 12:02d}-{day:02d}-story-{n}.md").write_text(
            f"---\ntitle: Story {n}\ndate: 2025-{1 + n % 12:02d}-{day:02d}T10:{n % 60:02d}:00+02:00\n"
            f"tags: [{tags}]\ncategory: Cat {n % 5}\nauthor: {rng.choice(AUTHORS)}\n---\n\n{body}\n",
            encoding="utf-8")


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main(counts: list[int]) -> None:
    print(f"{'articles':>8} {'pages':>6} {'feeds':>6} {'feeds s':>8} {'sitemaps s':>10} {'meta s':>7} "
          f"{'build s':>8} {'feeds+sitemaps peak MB':>22}")
    for count in counts:
        with tempfile.TemporaryDirectory() as temp:
            root = Path(temp)
            make_site(root, count)
            loaded = load_site(BuildOptions(root=root))
            site, urls = loaded.site, loaded.urls
            pages = plan_pages(site, urls)
            now = site.articles[0].date
            feeds, feed_s = timed(lambda: render_feeds(site, urls, now))
            _, sitemap_s = timed(lambda: render_sitemaps(pages, site, urls, now))
            _, meta_s = timed(lambda: [page_meta(p, site, urls) for p in pages])
            _, build_s = timed(lambda: build(BuildOptions(root=root)))
            tracemalloc.start()  # peak of feeds + sitemaps held in memory together
            kept = (render_feeds(site, urls, now), render_sitemaps(pages, site, urls, now))
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            del kept
            print(f"{count:>8} {len(pages):>6} {len(feeds):>6} {feed_s:>8.2f} {sitemap_s:>10.2f} {meta_s:>7.2f} "
                  f"{build_s:>8.2f} {peak:>22.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000])
