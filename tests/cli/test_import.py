"""``ballerina-site import jekyll|hugo``: small archives in every form real ones take, converted,
built, and their old URLs still answering."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import run_cli, write_site


def picture(fmt: str) -> bytes:
    """A real picture (the build processes every local image of an article)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 360), "#9b1226").save(out, fmt)
    return out.getvalue()


PNG, JPEG = picture("PNG"), picture("JPEG")

CONFIG = ("title: T\nbase_url: https://t.example/\nsearch: false\nauthor: {name: Desk}\n"
          "image: https://t.example/share.png\n")


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


JEKYLL = {
    "_config.yml": "title: Old\npermalink: /:categories/:year/:month/:day/:title:output_ext\n",
    "en/news/_posts/2013-11-22-ruby-2-1-0-rc1.md": """
        ---
        layout: news_post
        title: "Ruby 2.1.0-rc1 Released"
        author: "naruse"
        date: 2013-11-22 5:00:00 +0000
        lang: en
        ---
        We are pleased to announce the release of Ruby 2.1.0-rc1.

        {% highlight ruby %}
        puts "{{ not liquid }}"
        {% endhighlight %}

        See [the preview]({{ site.baseurl }}{% post_url 2013-09-23-ruby-2-1-0-preview1 %}).
        ![logo](/images/logo.png)
        {% include note.html %}
        See [the history](/docs/history/) and [the preview's old address](/en/news/release/ruby/2013/09/23/ruby-2-1-0-preview1.html).
        """,
    "en/news/_posts/2013-09-23-ruby-2-1-0-preview1.md": """
        ---
        title: Ruby 2.1.0-preview1
        categories: [Release, Ruby]
        tags: preview ruby21
        authors: [Jane, Raj]
        excerpt: The first preview.
        ---
        Preview text with {% raw %}{{ raw }}{% endraw %} kept.

        Link back: [rc1]({% link en/news/_posts/2013-11-22-ruby-2-1-0-rc1.md %})
        """,
    "_posts/2014-01-01-plain.markdown": "---\ntitle: Plain\npermalink: /custom/plain/\n---\nText.\n",
    "_posts/2014-02-02-broken.md": "---\ntitle: [unclosed\n---\nText.\n",
    "_drafts/idea.md": "---\ntitle: An idea\n---\nDraft text.\n",
    "images/logo.png": PNG,
}


def test_jekyll_import_converts_and_old_urls_redirect(tmp_path: Path) -> None:
    old = write(tmp_path / "old", JEKYLL)
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "jekyll", str(old), "--source", str(site))
    assert result.returncode == 1, result.stderr  # one post could not be converted
    out = result.stdout
    assert f"converted: {old}/en/news/_posts/2013-11-22-ruby-2-1-0-rc1.md -> " \
           "content/en/news/2013-11-22-ruby-2-1-0-rc1.md" in out
    assert f"adjusted: {old}/en/news/_posts/2013-11-22-ruby-2-1-0-rc1.md:10: `{{% highlight ruby %}}` made a " \
           "fenced code block" in out
    assert f"adjusted: {old}/_drafts/idea.md:1: a draft" in out
    assert f"needs a human: {old}/en/news/_posts/2013-11-22-ruby-2-1-0-rc1.md:16: Liquid " \
           "`{% include note.html %}` has no equivalent; left as written" in result.stderr
    assert f"left out: {old}/_posts/2014-02-02-broken.md:3: invalid YAML" in result.stderr
    assert f"needs a human: {old}/en/news/_posts/2013-11-22-ruby-2-1-0-rc1.md:17: link to /docs/history/: a page of " \
           "the old site that was not imported; it will not exist on this site" in result.stderr
    assert "ruby-2-1-0-preview1.html: a page" not in result.stderr  # an imported post's old URL redirects
    assert "imported 4 of 5 posts into content/ (1 file copied into static/)" in out
    rc1 = (site / "content/en/news/2013-11-22-ruby-2-1-0-rc1.md").read_text(encoding="utf-8")
    assert "```ruby\nputs \"{{ not liquid }}\"\n```" in rc1
    assert "[the preview](/en/news/2013-09-23-ruby-2-1-0-preview1.md)" in rc1
    assert (site / "static/images/logo.png").read_bytes() == PNG
    preview = (site / "content/en/news/2013-09-23-ruby-2-1-0-preview1.md").read_text(encoding="utf-8")
    assert "&#123;&#123; raw &#125;&#125; kept" in preview and "(/en/news/2013-11-22-ruby-2-1-0-rc1.md)" in preview
    assert "category: Release" in preview and "tags: [preview, ruby21, Ruby]" in preview
    assert "authors: [Jane, Raj]" in preview and "summary: The first preview." in preview

    built = run_cli("build", "--source", str(site))
    assert built.returncode == 0, built.stderr
    assert "content/en/news/2013-11-22-ruby-2-1-0-rc1.md:16: warning: Liquid tag `{% include note.html %}` is not " \
           "run here" in built.stderr  # what needs a human is still pointed out by every build
    public = site / "public"
    page = BeautifulSoup((public / "2013/11/22/ruby-2-1-0-rc1/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert page.find("a", string="the preview")["href"] == "/2013/09/23/ruby-2-1-0-preview1/"
    assert page.select_one(".story__author").get_text() == "naruse"
    # the old URLs answer with a redirect to the new ones
    redirects = (public / "_redirects").read_text(encoding="utf-8")
    assert "/en/news/2013/11/22/ruby-2-1-0-rc1.html /2013/11/22/ruby-2-1-0-rc1/ 301" in redirects
    assert "/en/news/release/ruby/2013/09/23/ruby-2-1-0-preview1.html /2013/09/23/ruby-2-1-0-preview1/ 301" \
        in redirects
    assert "/custom/plain/ /2014/01/01/plain/ 301" in redirects
    assert (public / "en/news/2013/11/22/ruby-2-1-0-rc1.html").is_file()


def test_import_never_overwrites(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {"_posts/2014-01-01-plain.md": "---\ntitle: Plain\n---\nNew text.\n",
                                   "_posts/2014-01-02-other.md": "---\ntitle: Other\n---\nOther.\n"})
    site = write_site(tmp_path / "site", {"2014-01-01-plain.md": "---\ntitle: Mine\ndate: 2014-01-01\n---\nMine.\n"},
                      CONFIG)
    result = run_cli("import", "jekyll", str(old), "--source", str(site))
    assert result.returncode == 1
    assert f"left out: {old}/_posts/2014-01-01-plain.md: content/2014-01-01-plain.md already exists; not " \
           "overwritten" in result.stderr
    assert "Mine." in (site / "content/2014-01-01-plain.md").read_text(encoding="utf-8")
    assert (site / "content/2014-01-02-other.md").is_file()
    assert not [p for p in (site / "content").iterdir() if p.name.startswith(".")]  # no temp files left
    again = run_cli("import", "jekyll", str(old), "--source", str(site))
    assert again.returncode == 1 and "imported 0 of 2 posts" in again.stdout


def test_import_needs_a_site_and_posts(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {"_config.yml": "title: x\n"})
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "jekyll", str(old), "--source", str(site))
    assert result.returncode == 1 and "no posts found" in result.stderr and "Traceback" not in result.stderr
    nowhere = run_cli("import", "jekyll", str(old), "--source", str(tmp_path / "nosite"))
    assert nowhere.returncode == 1 and "not a site folder (no site.yaml)" in nowhere.stderr


HUGO = {
    "hugo.toml": 'baseURL = "https://old.example/"\n[permalinks]\nposts = "/:year/:month/:title/"\n',
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/posts/first-trip/index.md": """
        +++
        title = "First Trip"
        date = 2021-03-04T10:00:00+01:00
        tags = ["travel", "Prague"]
        categories = ["Trips"]
        authors = ["Ana", "Ben"]
        aliases = ["/old/first/"]
        expiryDate = 2030-01-01
        +++
        Intro.

        <!--more-->

        {{< figure src="cover.jpg" alt="The cover" caption="On the *road*" >}}

        {{< youtube 0FSwsrFpkbw >}}

        {{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}

        See [the next one]({{< ref "posts/second.md" >}}) and {{< gist spf13 7896402 >}}.

        ```go
        {{< not a shortcode in code >}}
        ```
        """,
    "content/posts/first-trip/cover.jpg": JPEG,
    "content/posts/second.md": """
        {
          "title": "Second",
          "date": "2021-04-05",
          "draft": true,
          "lastmod": "2021-04-06"
        }
        Back to [first]({{< relref "first-trip" >}}).
        ![x](/img/x.png)
        """,
    "static/img/x.png": PNG,
    "content/about.md": "---\ntitle: About\n---\nA page.\n",
    "content/notes/third.md": "---\ntitle: Third\ndate: 2021-05-06\nslug: the-third\nurl: /legacy/third.html\n---\nT.\n",
}


def test_hugo_import_bundles_toml_json_shortcodes_and_old_urls(tmp_path: Path) -> None:
    old = write(tmp_path / "old", HUGO)
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(site))
    assert result.returncode == 1, result.stderr  # about.md has no date: a page, not a post
    assert f"left out: {old}/content/about.md:1: no `date` (a page rather than a post?); left out" in result.stderr
    assert f"needs a human: {old}/content/posts/first-trip/index.md:20: Hugo shortcode " \
           "`{{< gist spf13 7896402 >}}` has no equivalent; left as written" in result.stderr
    assert "imported 3 of 4 posts into content/ (2 files copied into static/)" in result.stdout
    first = (site / "content/posts/first-trip.md").read_text(encoding="utf-8")
    assert '![The cover](/posts/first-trip/cover.jpg "On the *road*")' in first
    assert "!youtube[YouTube video](0FSwsrFpkbw)" in first
    assert "[Post by @SanDiegoZoo](https://x.com/SanDiegoZoo/status/1453110110599868418)" in first
    assert "[the next one](/posts/second.md)" in first and "{{< not a shortcode in code >}}" in first
    assert "<!--more-->" not in first and "authors: [Ana, Ben]" in first and "expiry_date: 2030-01-01" in first
    assert (site / "static/posts/first-trip/cover.jpg").read_bytes() == JPEG
    assert (site / "static/img/x.png").read_bytes() == PNG
    second = (site / "content/posts/second.md").read_text(encoding="utf-8")
    assert "draft: true" in second and "updated: '2021-04-06'" in second
    assert "[first](/posts/first-trip.md)" in second

    built = run_cli("build", "--source", str(site), "--drafts")
    assert built.returncode == 0, built.stderr
    public = site / "public"
    assert (public / "2021/03/04/first-trip/index.html").is_file()
    redirects = (public / "_redirects").read_text(encoding="utf-8")
    assert "/2021/03/first-trip/ /2021/03/04/first-trip/ 301" in redirects
    assert "/old/first/ /2021/03/04/first-trip/ 301" in redirects
    assert "/legacy/third.html /2021/05/06/the-third/ 301" in redirects
    page = BeautifulSoup((public / "2021/03/04/first-trip/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("img", alt="The cover")["src"].startswith("/posts/first-trip/cover.")  # a processed picture
    assert page.find("a", string="the next one")["href"] == "/2021/04/05/second/"


def test_jekyll_data_liquid_is_worked_out(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {
        "_config.yml": "repository: https://github.com/x/y\ntimezone: UTC\n"
                       "collections:\n  posts:\n    permalink: /news/:year/:month/:day/:title/\n",
        "_data/releases.yml": "- version: 2.7.2\n  url: {gz: https://cache.example/ruby-2.7.2.tar.gz}\n"
                              "- version: 2.7.1\n  url: {gz: https://cache.example/ruby-2.7.1.tar.gz}\n",
        "_posts/2020-10-02-ruby-2-7-2-released.md": """
            ---
            title: Ruby 2.7.2 Released
            date: 2023-01-29 18:30:22 2023 -0800
            ---
            {% assign release = site.data.releases | where: "version", "2.7.2" | first %}
            * <{{ release.url.gz }}>

            Issues: [#1]({{ site.repository
            }}/issues/1) and [old]({% link
            _posts/2020-10-01-old.md %}).
            """,
        "_posts/2020-10-01-old.md": "---\ntitle: Old\n---\nOld.\n",
    })
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "jekyll", str(old), "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert "needs a human" not in result.stderr
    text = (site / "content/2020-10-02-ruby-2-7-2-released.md").read_text(encoding="utf-8")
    assert "* <https://cache.example/ruby-2.7.2.tar.gz>" in text and "{%" not in text
    assert "[#1](https://github.com/x/y/issues/1)" in text and "[old](/2020-10-01-old.md)" in text
    assert "aliases: [/news/2023/01/30/ruby-2-7-2-released/]" in text  # the date in the config's zone
    built = run_cli("build", "--source", str(site))
    assert built.returncode == 0 and "warning" not in built.stderr, built.stderr


def test_import_reads_nothing_outside_the_old_site(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("---\ntitle: Secret\n---\nTOP SECRET\n", encoding="utf-8")
    (tmp_path / "secret.png").write_bytes(b"SECRET")
    old = write(tmp_path / "old", {"_posts/2014-01-01-plain.md": "---\ntitle: Plain\n---\n![x](/img/s.png)\n"})
    (old / "_posts/2014-01-02-link.md").symlink_to(tmp_path / "secret.md")
    (old / "img").mkdir()
    (old / "img/s.png").symlink_to(tmp_path / "secret.png")
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "jekyll", str(old), "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site / "content").iterdir()) == ["2014-01-01-plain.md"]
    assert not (site / "static/img/s.png").exists()


def test_hugo_settings_in_the_config_folder_give_the_old_urls(tmp_path: Path) -> None:
    """Hugo sites often keep their settings in config/_default/, one file per key; a file for one
    language (menu.en.toml) is not the site's."""
    old = write(tmp_path / "old", {
        "config/_default/hugo.toml": 'baseURL = "https://old.example/"\n',
        "config/_default/permalinks.toml": 'post = "/:year/:month/:day/:slug/"\n',
        "config/_default/menu.en.toml": '[[main]]\nname = "x"\n',
        "content/post/2016-4-1-report.md": '---\ntitle: Transparency Report\nslug: report\n'
                                           'date: 2016-04-01\n---\nFirst half.\n',
        "content/post/2016-10-1-report.md": '---\ntitle: Transparency Report\nslug: report\n'
                                            'date: 2016-10-01\n---\nSecond half.\n',
    })
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(site))
    assert result.returncode == 0, result.stderr
    built = run_cli("build", "--source", str(site))  # read from hugo.toml alone, both old URLs were /post/report/
    assert built.returncode == 0, built.stderr
    assert (site / "public/2016/04/01/report/index.html").is_file()  # the old URLs answer: ours are the same
    assert (site / "public/2016/10/01/report/index.html").is_file()

