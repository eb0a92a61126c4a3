"""HTML escaping as autoescape does it, for text built in Python (meta tags) and joined into a page."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import escape


@lru_cache(maxsize=16384)
def _escaped_str(text: str) -> str:
    return str(escape(text))


def escape_text(value: Any) -> str:
    """``markupsafe.escape`` as a plain ``str``: the very characters a template's ``{{ value }}`` prints
    (values with ``__html__`` kept as they say). A plain str's result is cached: the meta tags of a
    1,000-article site escape some 75,000 values, nine in ten of them seen before (the site's name,
    the feeds' titles and types), and ``escape`` makes a ``Markup`` object each time."""
    if type(value) is str:
        return _escaped_str(value)
    return str(escape(value))
