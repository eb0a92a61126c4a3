"""HTML escaping as autoescape does it, without making a ``Markup`` object for every value.

``markupsafe.escape`` wraps its result in ``Markup``, which costs several times the escaping itself.
Where the result is only joined into a page (a template's output, a tag built in Python), the plain
text is all that is needed: :func:`escape_text` gives exactly the characters ``escape`` would.
"""

from __future__ import annotations

from typing import Any, Callable

from markupsafe import escape

try:  # MarkupSafe 3: the C function behind escape(), for a plain str
    from markupsafe._speedups import _escape_inner as _escape_str
except ImportError:  # pragma: no cover - MarkupSafe 2, or no C speedups
    try:
        from markupsafe._native import _escape_inner as _escape_str  # type: ignore[no-redef]
    except ImportError:
        _escape_str = None  # type: ignore[assignment]


def _escape_text(value: Any, _str: type = str, _escape: Callable[[str], str] = _escape_str) -> str:
    """``str(escape(value))``: a plain str is escaped directly (by far the commonest case); anything
    else (``Markup``, numbers, objects with ``__html__``) goes through ``escape`` itself."""
    if type(value) is _str:
        return _escape(value)
    return escape(value)


FAST = _escape_str is not None
escape_text: Callable[[Any], str] = _escape_text if FAST else escape
