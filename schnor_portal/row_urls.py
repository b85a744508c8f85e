"""The URL of a list row's object: `reverse()` once per view name, then the row's id put in.

A list page links each of its rows — a point, an activity, a file — to its page and its actions.
`reverse()` resolves the name afresh each time (≈60 µs here): a hundred cards with two links each
were 12 ms of a 60 ms «Моя школа». The URLs of one name with one integer argument differ only in
that number, so the name is reversed once with a marker in its place and the marker replaced.

Kept per URL configuration and script prefix (both may differ per request or test); a name whose
URL does not carry the number as written (a converter that encodes it) is reversed every time.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Ten digits: no id of these tables reaches it, and it cannot be mistaken for another part of a path.
_MARKER = "9876543210"
_patterns: dict[tuple, tuple[str, str] | None] = {}


def row_url(name: str, pk=None) -> str:
    """`reverse(name, args=[pk])` for an integer `pk`; `reverse(name)` without one."""
    key = (name, pk is None, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    try:
        pattern = _patterns[key]
    except KeyError:
        if pk is None:
            pattern = _patterns[key] = (reverse(name), "")
            return pattern[0]
        url = reverse(name, args=[int(_MARKER)])
        head, marker, tail = url.partition(_MARKER)
        pattern = _patterns[key] = (head, tail) if marker and _MARKER not in tail else None
    if pattern is None:
        return reverse(name, args=[pk])
    if pk is None:
        return pattern[0]
    return f"{pattern[0]}{int(pk)}{pattern[1]}"
