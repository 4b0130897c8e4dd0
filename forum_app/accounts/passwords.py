"""Password hashing with argon2id, the rules a new password must meet, and one-time passwords."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MIN_STRENGTH = 3  # zxcvbn's score, 0-4: 3 is "safely unguessable: moderate protection from offline attacks"
_CHECKED_LENGTH = 100  # zxcvbn's time grows fast with length; the first 100 characters are plenty
PRODUCT_NAME = "Forum evidence"
ONE_TIME_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
ONE_TIME_LENGTH = 16
ONE_TIME_DAYS = 3  # a one-time password stops working this long after it was set
_WORD_SPLIT = re.compile(r"[\W_]+")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches. Always does the work of one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def one_time_password() -> str:
    """A random password to pass on once, e.g. ``k7mq-x2fa-9tnb-h4wc``: 16 characters, each one of the
    32 in ``ONE_TIME_ALPHABET`` (no 0, 1, l or o to misread), so 16 x 5 = 80 bits."""
    characters = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
    return "-".join(characters[start : start + 4] for start in range(0, ONE_TIME_LENGTH, 4))


def one_time_expiry(now: datetime | None = None) -> datetime:
    """When a one-time password set ``now`` stops working."""
    return (now or datetime.now(UTC)) + timedelta(days=ONE_TIME_DAYS)


def one_time_expired(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether a one-time password with this expiry has stopped working (None: not a one-time one)."""
    if expires_at is None:
        return False
    aware = expires_at if expires_at.tzinfo is not None else expires_at.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) >= aware


def context_words(*texts: str) -> list[str]:
    """The words someone might build a password from: each text whole (an email, a forum's name) and
    its parts (``jo.bloggs@forum.example`` gives ``jo``, ``bloggs``, ``forum``, ``example``)."""
    words = [text.strip().lower() for text in (*texts, PRODUCT_NAME) if text.strip()]
    for text in list(words):
        words.extend(part for part in _WORD_SPLIT.split(text) if len(part) >= 3)
    return list(dict.fromkeys(words))


def _built_from(password: str, context: Sequence[str]) -> bool:
    """Whether taking the context words out of ``password`` leaves fewer than 4 letters."""
    rest = password.lower()
    for word in sorted((w.lower() for w in context if len(w) >= 3), key=len, reverse=True):
        rest = rest.replace(word, " ")
    return sum(character.isalpha() for character in rest) < 4


def password_problem(password: str, context: Sequence[str] = ()) -> str | None:
    """What is wrong with ``password`` as a new password, as a message saying what to do, or None.

    NIST SP 800-63B style: long enough, not too long to hash, not a common password or pattern
    (zxcvbn's lists, with ``context`` as words it also tries), not built from ``context`` (the
    person's email and its parts, the forum's name and slug). No rules about character classes.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Your new password needs at least {MIN_PASSWORD_LENGTH} characters. "
            "Three or four random words work well."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Your new password must be {MAX_PASSWORD_LENGTH} characters or fewer."
    words = list(context)
    if _built_from(password, words):
        return (
            "Your new password must not be made from your email address or the forum's name. "
            "Choose words nobody would link to you."
        )
    result = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=words, max_length=_CHECKED_LENGTH)
    if result["score"] < MIN_STRENGTH:
        warning = result["feedback"].get("warning") or ""
        return " ".join(
            part
            for part in (
                "Your new password is too easy to guess.",
                warning,
                "Add another word or two, or choose words that are not usually found together.",
            )
            if part
        )
    return None
