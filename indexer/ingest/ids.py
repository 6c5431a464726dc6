"""The one rule for article ids, shared by the builder (which refuses the others) and the web."""

from __future__ import annotations

__all__ = ["MAX_ID_LENGTH", "id_problem", "valid_id"]

# Long enough for ids that are URLs or paths ("vnexpress.net/thoi-su/abc-123.html").
MAX_ID_LENGTH = 512
# The similar-articles endpoint is /api/articles/<id>/similar: an id ending so would be ambiguous.
_RESERVED_TAIL = "/similar"


def id_problem(ident: str) -> str | None:
    """Why ident cannot be an article id, or None when it can.

    An id is any text of printable characters (slashes and spaces included) up to MAX_ID_LENGTH
    long; in URLs it is percent-encoded. Control and invisible characters could not be typed
    or shown, and "." or ".." path segments are removed by browsers from any URL carrying them.
    """
    if not ident:
        return "no id"
    if len(ident) > MAX_ID_LENGTH:
        return f"id is {len(ident):,} characters long; at most {MAX_ID_LENGTH} are allowed"
    bad = next((ch for ch in ident if not ch.isprintable()), None)
    if bad is not None:
        return f"id holds a control or invisible character (U+{ord(bad):04X})"
    if any(part in (".", "..") for part in ident.split("/")):
        return "id has a '.' or '..' path segment, which a URL cannot carry"
    if ident.endswith(_RESERVED_TAIL):
        return f"id ends with {_RESERVED_TAIL!r}, which the API reserves"
    return None


def valid_id(ident: str) -> bool:
    """True for a string the builder accepts as an article id."""
    return id_problem(ident) is None
