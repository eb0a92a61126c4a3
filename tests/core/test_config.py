"""The config schema is written once: its keys, docs, defaults and checks all come from one place."""

from __future__ import annotations

from dataclasses import fields

import pytest

from ballerina_site.core.config import SCHEMA, SiteConfig, config_keys
from ballerina_site.core.configload import parse_config
from ballerina_site.core.errors import SiteError


def problems(data: dict[str, object]) -> list[str]:
    with pytest.raises(SiteError) as caught:
        parse_config(data, "site.yaml", {key: number for number, key in enumerate(data, 2)})
    return [str(problem) for problem in caught.value.problems]


def test_every_key_has_a_doc_and_a_default() -> None:
    keys = dict(config_keys())
    assert list(keys) == [spec.name for spec in fields(SiteConfig)] == list(SCHEMA)
    assert all(doc.strip() for doc in keys.values())
    assert parse_config({}) == SiteConfig()


def test_nested_keys_are_listed_after_their_section() -> None:
    keys = [key for key, _ in config_keys(nested=True)]
    assert keys.index("feeds") < keys.index("feeds.entries") < keys.index("sitemap")
    assert {"author.name", "promo.link_url", "menu.url", "authors.image", "redirects.lock_file"} <= set(keys)
    assert "authors.key" not in keys and "authors.line" not in keys  # not written by an editor


def test_section_keys_come_from_the_schema() -> None:
    assert problems({"sitemap": {"max_url": 10}}) == [
        "site.yaml:2: unknown key `sitemap.max_url` (did you mean `max_urls`?)"]
    assert problems({"redirects": {"other": 1}}) == [
        "site.yaml:2: unknown key `redirects.other` (known keys: strict, lock_file)"]


def test_true_false_is_not_a_number_anywhere() -> None:
    assert problems({"page_size": True, "feeds": {"entries": False}}) == [
        "site.yaml:2: `page_size` must be a whole number, not bool",
        "site.yaml:3: `feeds.entries` must be a whole number"]


def test_values_are_parsed_into_the_schema_types() -> None:
    config = parse_config({"title": "  Ballerina  ", "footer": "  kept  ", "feeds": {"entries": 5},
                           "menu": [{"title": "About", "url": "/about/"}], "promo": False,
                           "authors": {"jane": "A critic."}})
    assert config.title == "Ballerina" and config.footer == "  kept  "
    assert config.feeds.entries == 5 and config.feeds.full_content is True
    assert [(item.title, item.url) for item in config.menu] == [("About", "/about/")]
    assert config.promo is None and config.authors[0].bio == "A critic."
