"""Codes given to respondents (receipt codes), and how they are stored: hashed only."""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import cache
from importlib import resources

# No 0/O, 1/I/L: easy to read aloud and to type from a screenshot.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_NOT_CODE = re.compile(r"[^A-Z0-9]")
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")
PUBLIC_ID_PATTERN = re.compile(r"[0-9a-f]{16}")


def new_receipt_code() -> str:
    """A 12-character code in three groups, e.g. ``K7QF-2MXD-9RTA`` (about 59 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def normalise_code(code: str) -> str:
    return _NOT_CODE.sub("", code.upper())


def hash_code(code: str) -> str:
    """SHA-256 of the normalised code; the code itself is never stored."""
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def new_token() -> str:
    """A random URL-safe identifier (response ids, idempotency keys)."""
    return secrets.token_hex(16)


def new_public_id() -> str:
    """An answer's name in staff addresses: 16 random hex characters, so an address tells nothing
    about how many answers there are and cannot be guessed from another."""
    return secrets.token_hex(8)


RESUME_WORDS = 4
_NOT_WORD = re.compile(r"[^a-z]+")


@cache
def word_list() -> tuple[str, ...]:
    """Friendly, easy-to-spell words (``words.txt``); never reorder it, or saved codes break."""
    text = resources.files("forum_app.surveys").joinpath("words.txt").read_text(encoding="utf-8")
    return tuple(text.split())


def new_resume_code() -> str:
    """Four words, e.g. ``otter maple lantern comet`` (about 34 bits; guessing is rate-limited)."""
    words = word_list()
    return " ".join(secrets.choice(words) for _ in range(RESUME_WORDS))


def normalise_resume_code(code: str) -> str:
    """Any case, any separators: ``Otter-Maple, lantern  COMET`` reads as ``otter maple lantern comet``."""
    return " ".join(part for part in _NOT_WORD.split(code.lower()) if part)


def hash_resume_code(code: str) -> str:
    return hashlib.sha256(("resume|" + normalise_resume_code(code)).encode()).hexdigest()
