"""HTML escaping as autoescape does it, for text built in Python (meta tags) and joined into a page."""

from __future__ import annotations

from typing import Any

from markupsafe import escape


def escape_text(value: Any) -> str:
    """``markupsafe.escape`` as a plain ``str``: the very characters a template's ``{{ value }}`` prints
    (values with ``__html__`` kept as they say)."""
    return str(escape(value))
