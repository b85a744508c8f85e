"""Public verification codes of signed orders: made at signing, printed on paper, typed back. Pure Python.

20 characters of Crockford's base32 (no I, L, O, U) carry 100 bits from `secrets`: at the public
page's rate limit nobody finds an order by guessing, and the codes, unlike ids, cannot be listed.
Printed in groups of four (K7QD-M2XP-…) to be read aloud; typed back in any case, with or without
spaces and dashes, and with the look-alike letters a Russian keyboard layout puts in their place.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
GROUP = 4
EXAMPLE = "K7QD-M2XP-4NW8-T3HC-9RFA"

_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
# Crockford's own reading of the letters left out, and Cyrillic capitals that look like Latin
# ones: a person copying the code from paper on a Russian layout types «К7QD», not «K7QD».
_TYPED = str.maketrans(
    {
        "O": "0", "I": "1", "L": "1",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
        "О": "0", "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y",
    }
)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(typed: str) -> str | None:
    """The stored form of a typed code (20 capitals, no dashes), or None if it cannot be one."""
    compact = _SEPARATORS.sub("", typed or "").upper().translate(_TYPED)
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def group_code(code: str) -> str:
    """K7QDM2XP… → K7QD-M2XP-…, as printed and as the URL carries it."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
