"""Pictures as a reader and an editor meet them: responsive ``<picture>`` markup, clean files, social
cards, feeds and structured data, the build cache, and bad images reported with their place."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from ballerina_site.cli.main import main
from conftest import article, run_cli, write_image, write_site
from terminal import ENV, TerminalBuild

CONFIG = "title: Pic News\ntagline: Pictures first\nbase_url: https://pics.example/\ntimezone: UTC\nauthor: {name: Desk}\n"
LEAD = ("---\ntitle: With a picture\ndate: 2025-06-01\nimage: /images/lead.jpg\nimage_alt: Eve on the stage\n"
        "image_caption: Ana de Armas as Eve.\nimage_credit: Lionsgate\ntags: [Ballerina]\n---\nIntro.\n\n"
        "![A red box](/images/body.png)\n\n![Far away](https://elsewhere.example/far.jpg)\n")
ATOM = "{http://www.w3.org/2005/Atom}"
PLAIN = "---\ntitle: A headline with no picture at all\ndate: 2025-06-02\n---\nWords.\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.err.splitlines(), out.out


def camera_jpeg(path: Path, width: int = 3000, height: int = 2000) -> Path:
    """A camera-like JPEG: turned by its EXIF orientation (6: 90° clockwise), with GPS and a serial."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)}  # GPS
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=85, exif=exif)
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", {"a.md": LEAD, "b.md": PLAIN}, CONFIG)
    camera_jpeg(root / "static/images/lead.jpg", 1600, 1200)
    write_image(root / "static/images/body.png", 900, 600)
    write_image(root / "static/images/unused.png", 900, 600)
    return root


def page(root: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / "public" / path).read_text(encoding="utf-8"), "html.parser")


def test_pictures_are_responsive_and_only_the_lead_loads_at_once(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, out = run(capsys, "build", "--source", str(site))
    assert code == 0, lines
    story = page(site, "2025/06/01/a/index.html")
    hero = story.select_one(".story__hero")
    types = [source["type"] for source in hero.select("picture source")]
    assert types == ["image/avif", "image/webp"]
    img = hero.select_one("picture img")
    # portrait: the camera's orientation is applied, so 1200 wide (its own width) by 1600
    assert (img["width"], img["height"]) == ("1200", "1600")
    assert img["fetchpriority"] == "high" and not img.has_attr("loading") and img["alt"] == "Eve on the stage"
    widths = [entry.split()[1] for entry in img["srcset"].split(", ")]
    assert widths == ["480w", "800w", "1200w"]  # never wider than the image
    assert img["sizes"] and img["src"].endswith("-800.jpg")
    assert hero.select_one("figcaption").get_text(" ", strip=True) == "Ana de Armas as Eve. Lionsgate"
    body_img = story.select_one(".story__body picture img")
    assert body_img["loading"] == "lazy" and body_img["decoding"] == "async" and body_img["alt"] == "A red box"
    assert (body_img["width"], body_img["height"]) == ("900", "600")
    remote = story.find("img", src="https://elsewhere.example/far.jpg")
    assert remote is not None and remote.find_parent("picture") is None  # a remote picture stays a link
    for each in story.select("img"):
        assert each.has_attr("alt")
        if each.find_parent("picture") is not None:
            assert each.has_attr("width") and each.has_attr("height")
            for url in [each["src"]] + [s.split()[0] for s in each["srcset"].split(", ")]:
                assert (site / "public" / url.lstrip("/")).is_file(), url
    published = sorted(p.name for p in (site / "public/images").iterdir() if p.is_file())
    assert "unused.png" in published and not any(name.startswith("unused.") and name != "unused.png"
                                                  for name in published)  # unused: copied, not processed
    home = page(site, "index.html")
    card_img = home.select_one(".card picture img")
    assert card_img is not None and card_img["sizes"] != img["sizes"] and card_img["alt"] == ""


def test_every_published_picture_is_stripped_of_its_metadata(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "build", "--source", str(site))[0] == 0
    made = [p for p in (site / "public/images").rglob("*") if p.is_file() and not p.name.startswith("unused")]
    assert len(made) > 20
    for path in made:
        data = path.read_bytes()
        assert b"SERIAL-12345" not in data and b"Exif" not in data, path.name
        with Image.open(io.BytesIO(data)) as image:
            assert not dict(image.getexif()), path.name
            assert "icc_profile" not in image.info and "exif" not in image.info, path.name
    with Image.open(site / "public/images/lead.jpg") as original:  # the original's URL: upright and clean
        assert original.size == (1200, 1600)


def test_structured_data_feeds_and_link_previews_carry_the_lead_image(site: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    camera_jpeg(site / "static/images/lead.jpg", 3000, 2000)
    assert run(capsys, "build", "--source", str(site))[0] == 0
    story = page(site, "2025/06/01/a/index.html")
    data = next(d for d in (json.loads(s.string) for s in story.select('script[type="application/ld+json"]'))
                if d["@type"] == "NewsArticle")
    shapes = [(item["width"], item["height"]) for item in data["image"]]
    assert shapes == [(1200, 675), (1200, 900), (1200, 1200)]  # 16:9, 4:3, 1:1 as Google asks
    assert {item["caption"] for item in data["image"]} == {"Ana de Armas as Eve."}
    assert {item["creditText"] for item in data["image"]} == {"Lionsgate"}
    og = story.find("meta", property="og:image")["content"]
    assert og == story.find("meta", attrs={"name": "twitter:image"})["content"]
    with Image.open(site / "public" / og.removeprefix("https://pics.example/")) as share:
        assert share.size == (1200, 630)
    rss = ElementTree.parse(site / "public/rss.xml").getroot()
    item = next(i for i in rss.iter("item") if i.findtext("title") == "With a picture")
    enclosure = item.find("enclosure")
    assert enclosure is not None and enclosure.get("type") == "image/jpeg" and int(enclosure.get("length", "0")) > 0
    media = item.find("{http://search.yahoo.com/mrss/}content")
    assert media is not None and media.get("url") == enclosure.get("url") and media.get("medium") == "image"
    atom = ElementTree.parse(site / "public/feed.xml").getroot()
    entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "With a picture")
    link = next(k for k in entry.iter(f"{ATOM}link") if k.get("rel") == "enclosure")
    assert link.get("href") == enclosure.get("url") and link.get("length") == enclosure.get("length")


def test_an_article_without_a_picture_gets_a_card_and_so_does_the_site(site: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "build", "--source", str(site))[0] == 0
    story = page(site, "2025/06/02/b/index.html")
    card = story.find("meta", property="og:image")["content"]
    assert card == story.find("meta", attrs={"name": "twitter:image"})["content"]
    assert story.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    with Image.open(site / "public" / card.removeprefix("https://pics.example/")) as image:
        assert image.size == (1200, 630) and image.format == "JPEG"
    home = page(site, "index.html").find("meta", property="og:image")["content"]
    assert home != card and home.endswith(".jpg")
    with Image.open(site / "public" / home.removeprefix("https://pics.example/")) as image:
        assert image.size == (1200, 630)


def test_a_text_edit_processes_no_image_and_a_new_picture_only_its_own(site: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _, out = run(capsys, "build", "--source", str(site))
    assert code == 0 and "4 images processed, 0 kept from earlier builds" in out  # lead, body, 1 card, site card
    (site / "content/a.md").write_text(LEAD + "\nOne more line.\n", encoding="utf-8")
    code, _, out = run(capsys, "build", "--source", str(site))
    assert code == 0 and "0 images processed, 4 kept from earlier builds" in out
    write_image(site / "static/images/body.png", 900, 600, colour="#123456")
    code, _, out = run(capsys, "build", "--source", str(site))
    assert code == 0 and "1 image processed, 3 kept from earlier builds" in out
    code, _, out = run(capsys, "build", "--no-cache", "--source", str(site))
    assert code == 0 and "4 images processed, 0 kept" in out


def _as_previous_format(path: Path) -> None:
    """A store file as the release before this one wrote it: format 2, a BLAKE2b checksum."""
    data = path.read_bytes()
    magic, head, rest = data.split(b"\n", 2)
    name, _form, key = head.split(b" ")
    payload = rest[4:]  # after this release's CRC-32
    path.write_bytes(b"%s\n%s 2 %s\n" % (magic, name, key) + hashlib.blake2b(payload, digest_size=32).digest()
                     + payload)


def test_pictures_made_under_the_previous_store_format_are_not_made_again(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Processed pictures outlive an upgrade (a picture costs a second to make): the manifests of the
    release before, whose store checked files with BLAKE2b, still count; a damaged one does not."""
    assert run(capsys, "build", "--source", str(site))[0] == 0
    manifests = sorted((site / ".ballerina-cache/images").rglob("manifest"))
    assert len(manifests) == 4
    for manifest in manifests:
        _as_previous_format(manifest)

    def build_again() -> str:
        """With only the manifests to tell what was made (no output, no record of the manifests)."""
        shutil.rmtree(site / "public")
        (site / ".ballerina-cache/images-entries").unlink(missing_ok=True)
        code, _, out = run(capsys, "build", "--source", str(site))
        assert code == 0
        return out

    assert "0 images processed, 4 kept from earlier builds" in build_again()
    data = bytearray(manifests[0].read_bytes())
    data[-1] ^= 1
    manifests[0].write_bytes(bytes(data))
    assert "1 image processed, 3 kept from earlier builds" in build_again()


def _published(site: Path) -> dict[str, os.stat_result]:
    return {path.name: path.stat() for path in (site / "public/images").rglob("*") if path.is_file()}


def test_published_pictures_stay_the_same_files_across_a_text_edit_and_change_with_their_image(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What a deploy tool (rsync) sees: a text edit leaves every picture file as it was (same inode and
    mtime, not rewritten), a changed picture publishes its new bytes under the old URL, and a
    picture published from the build store is never a file of the site's own static/ folder."""
    assert run(capsys, "build", "--source", str(site))[0] == 0
    before = _published(site)
    (site / "content/a.md").write_text(LEAD + "\nOne more line.\n", encoding="utf-8")
    code, _, out = run(capsys, "build", "--source", str(site))
    assert code == 0 and "0 images processed" in out
    after = _published(site)
    assert after.keys() == before.keys()
    assert all((after[n].st_ino, after[n].st_mtime_ns) == (before[n].st_ino, before[n].st_mtime_ns) for n in after)
    assert (site / "static/images/body.png").stat().st_ino not in {info.st_ino for info in after.values()}
    old_body = (site / "public/images/body.png").read_bytes()
    write_image(site / "static/images/body.png", 900, 600, colour="#123456")
    assert run(capsys, "build", "--source", str(site))[0] == 0
    changed = _published(site)
    assert (site / "public/images/body.png").read_bytes() != old_body
    assert Image.open(site / "public/images/body.png").getpixel((450, 300)) == (0x12, 0x34, 0x56)
    gone = {n for n in before if n.startswith("body.") and n != "body.png"}
    assert gone and not gone & changed.keys()  # the old variants are not published any more
    assert all(changed[n].st_ino == before[n].st_ino for n in changed if n.startswith("lead."))


def test_alt_text_missing_is_a_warning_and_decorative_is_fine(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {
        "a.md": "---\ntitle: A\ndate: 2025-06-01\nimage: /lead.png\n---\nx\n\n<img src=\"/lead.png\">\n",
        "b.md": "---\ntitle: B\ndate: 2025-06-02\nimage: /lead.png\nimage_alt: ''\n---\nx\n\n"
                "<img src=\"/lead.png\" alt=\"\">\n"}, CONFIG)
    write_image(site / "static/lead.png", 800, 450)
    code, lines, _ = run(capsys, "build", "--source", str(site))
    assert code == 0
    assert lines == [
        "content/a.md:4: warning: lead image `/lead.png`: no alt text (add `image_alt: ...` (or "
        "`image_alt: \"\"` if it is decorative))",
        "content/a.md:8: warning: image `/lead.png`: no alt text (write what it shows in the brackets: "
        "![what it shows](...), or alt=\"\" if it is decorative)"]
    code, lines, _ = run(capsys, "build", "--strict", "--source", str(site))
    assert code == 1 and lines[-1] == "build failed: 2 errors; nothing was written"


def _truncated(path: Path) -> None:
    data = camera_jpeg(path).read_bytes()
    path.write_bytes(data[:len(data) // 3])


BAD = {  # image file -> (how it is made, the message after "lead image `/images/<file>`: ")
    "missing.jpg": (None, "no such file in static/ (files in static/ are published at the site root: "
                          "static/images/x.jpg is /images/x.jpg)"),
    "text.jpg": (lambda p: p.write_bytes(b"hello, not a picture"),
                 "not an image Pillow can read (save it again from an image editor as JPEG or PNG)"),
    "truncated.jpg": (_truncated, "damaged or truncated image (image file is truncated"),
    "bomb.png": (lambda p: Image.new("1", (12_000, 12_000)).save(p), "too many pixels (over 89,478,485): refused as "
                 "a possible decompression bomb (scale it down to a few thousand pixels across)"),
    "small.png": (lambda p: write_image(p, 300, 200), "too small for the lead image: 300x200 pixels, at least 600 "
                  "wide wanted (use a larger picture, or set `images.lead_min_width`)"),
}


def test_bad_pictures_are_named_all_at_once_and_the_output_is_kept(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    articles = {f"{index}.md": f"---\ntitle: Bad {index}\ndate: 2025-06-0{index + 1}\nimage: /images/{name}\n"
                               f"image_alt: x\n---\nWords.\n" for index, name in enumerate(BAD)}
    site = write_site(tmp_path / "site", {"ok.md": PLAIN}, CONFIG)
    assert run(capsys, "build", "--source", str(site))[0] == 0
    before = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    for name, text in articles.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    (site / "static/images").mkdir(parents=True)
    for name, (make, _) in BAD.items():
        if make is not None:
            make(site / "static/images" / name)
    code, lines, _ = run(capsys, "build", "--source", str(site))
    assert code == 1 and "Traceback" not in "\n".join(lines)
    for index, (name, (_, message)) in enumerate(BAD.items()):
        expected = f"content/{index}.md:4: lead image `/images/{name}`: {message}"
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert lines[-1] == f"build failed: {len(BAD)} errors; nothing was written"
    assert {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()} == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_picture_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": "---\ntitle: A\ndate: 2025-06-01\nimage: /x.png\nimage_alt: x\n"
                                                  "---\nWords.\n"}, CONFIG)
    write_image(site / "static/x.png").chmod(0)
    code, lines, _ = run(capsys, "build", "--source", str(site))
    assert code == 1 and lines[0].startswith("content/a.md:4: lead image `/x.png`: cannot read the image")


def _photo(path: Path, seed: int) -> None:
    """A noisy 1200x800 JPEG: as slow to encode as a photograph (some tenths of a second for its variants)."""
    noise = Image.effect_noise((1200, 800), 30 + seed)
    Image.merge("RGB", (noise, Image.linear_gradient("L").resize((1200, 800)), noise)).save(path, "JPEG")


def test_an_interrupt_stops_the_pictures_soon_and_keeps_those_made(tmp_path: Path) -> None:
    """Ctrl-C while pictures are made: the build stops after the pictures the workers are on (each
    worker takes one at a time), says so, leaves no output, and the pictures finished before it are
    in the store: the next build makes only the rest."""
    count = 20  # in slices of 8 (as for pages), the first progress would come with 8 made
    articles = {f"a{i}.md": article(f"Story {i}", image=f"/images/p{i}.jpg", image_alt="A still") for i in range(count)}
    site = write_site(tmp_path / "site", articles, "title: T\nbase_url: https://x.example/\nsearch: false\n")
    (site / "static/images").mkdir(parents=True)
    for i in range(count):
        _photo(site / f"static/images/p{i}.jpg", i)
    build = TerminalBuild(site, "--jobs", "2")
    assert build.reach("pictures", 1)  # the first picture is done and kept
    build.process.send_signal(signal.SIGINT)
    code, err = build.finish()
    assert code == 130, err
    assert err.strip().splitlines()[-1].endswith("interrupted; the previous output is unchanged")
    assert "Traceback" not in err and not (site / "public").exists()
    result = run_cli("build", "--source", str(site), env=ENV)
    assert result.returncode == 0, result.stderr
    processed = int(re.search(r"(\d+) images? processed", result.stdout)[1])  # type: ignore[index]
    made_before = count + 1 - processed  # the pictures and the site's card
    assert 1 <= made_before <= 4, result.stdout  # the one seen, and those the two workers were finishing


@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders of pictures are sealed however lately they changed (a build seals only those that have
    not changed for a second: see output/listing.py), so that these tests need not wait."""
    from ballerina_site.output import seals
    monkeypatch.setattr(seals, "RACY_NS", 0)


def _variant_named(site: Path, suffix: str) -> Path:
    return next(path for path in (site / "public/images").iterdir() if path.name.startswith("lead.")
                and path.name.endswith(suffix))


def _edit(site: Path, n: int) -> None:
    (site / "content/a.md").write_text(LEAD + f"\nEdit {n}.\n", encoding="utf-8")


def _same_pictures_as_the_store(site: Path, copied: frozenset[str] = frozenset({"unused.png"})) -> None:
    """Every published picture is the store's file (a hard link) with the store's bytes (but those
    ``copied``, which no article shows: copied as they are)."""
    store = {path.stat().st_ino: path for path in (site / ".ballerina-cache/images").rglob("*.*") if path.is_file()}
    for path in (site / "public/images").rglob("*"):
        if path.is_file() and path.name not in copied:
            assert path.stat().st_ino in store and path.read_bytes() == store[path.stat().st_ino].read_bytes(), path


@pytest.mark.parametrize("change", ["replaced", "deleted", "added"])
@pytest.mark.parametrize("tree", ["public", "spare"])
def test_an_outside_change_to_the_published_pictures_is_never_published(
        change: str, tree: str, site: Path, sealed: None, capsys: pytest.CaptureFixture[str]) -> None:
    """A rebuild does not read the folders of pictures it sealed (one stat each): a file replaced,
    deleted or added there, in the output or in the spare tree the next output is made from, changes
    the folder, so the rebuild reads it and publishes the store's pictures, and nothing else."""
    for n in range(3):  # both trees sealed
        _edit(site, n)
        assert run(capsys, "build", "--source", str(site))[0] == 0
    _same_pictures_as_the_store(site)
    spare = next((site / ".ballerina-cache").glob("spare-*"))
    folder = (site / "public/images") if tree == "public" else spare / "images"
    victim = folder / _variant_named(site, "-800.jpg").name
    good = victim.read_bytes()
    if change == "replaced":  # as an editor saves: a new file renamed over the old one
        (folder / "new.tmp").write_bytes(b"not the picture")
        os.replace(folder / "new.tmp", victim)
    elif change == "deleted":
        victim.unlink()
    else:
        (folder / "stray.jpg").write_bytes(b"not ours")
    for n in range(3, 6):  # whichever tree the change is in becomes the output within two builds
        _edit(site, n)
        code, lines, _ = run(capsys, "build", "--source", str(site))
        assert code == 0, lines
        assert (site / "public/images" / victim.name).read_bytes() == good
        assert not (site / "public/images/stray.jpg").exists()
        _same_pictures_as_the_store(site)


def test_nothing_changed_is_told_with_sealed_pictures_and_a_lost_one_is_noticed(
        site: Path, sealed: None, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        _edit(site, n)
        assert run(capsys, "build", "--source", str(site))[0] == 0
    code, _, out = run(capsys, "build", "--source", str(site))
    assert code == 0 and "nothing changed since the last build" in out
    victim = _variant_named(site, "-480.webp")
    victim.unlink()
    code, _, out = run(capsys, "build", "--source", str(site))
    assert code == 0 and "nothing changed" not in out and victim.is_file()
    _same_pictures_as_the_store(site)


def test_deleting_the_store_with_sealed_pictures_is_safe(site: Path, sealed: None,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        _edit(site, n)
        assert run(capsys, "build", "--source", str(site))[0] == 0
    before = _published(site)
    import shutil
    shutil.rmtree(site / ".ballerina-cache")
    for n in range(3, 6):
        _edit(site, n)
        code, _, out = run(capsys, "build", "--source", str(site))
        assert code == 0
        after = _published(site)
        assert after.keys() == before.keys()
        _same_pictures_as_the_store(site)


def test_with_sealed_folders_a_changed_or_dropped_picture_is_published_as_it_now_is(
        site: Path, sealed: None, capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        _edit(site, n)
        assert run(capsys, "build", "--source", str(site))[0] == 0
    before = _published(site)
    write_image(site / "static/images/body.png", 900, 600, colour="#123456")
    for _ in range(2):  # the output, then the spare tree made the output
        assert run(capsys, "build", "--source", str(site))[0] == 0
        assert Image.open(site / "public/images/body.png").getpixel((450, 300)) == (0x12, 0x34, 0x56)
        gone = {n for n in before if n.startswith("body.") and n != "body.png"}
        assert gone and not gone & _published(site).keys()
        _same_pictures_as_the_store(site)
    (site / "content/a.md").write_text(LEAD.replace("image: /images/lead.jpg\n", ""), encoding="utf-8")
    for _ in range(2):
        code, lines, _ = run(capsys, "build", "--source", str(site))
        assert code == 0, lines
        assert not any(name.startswith("lead.") and name != "lead.jpg" for name in _published(site))
        _same_pictures_as_the_store(site, frozenset({"unused.png", "lead.jpg"}))  # now a plain static file
        assert (site / "public/images/lead.jpg").read_bytes() == (site / "static/images/lead.jpg").read_bytes()
