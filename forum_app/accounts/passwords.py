"""Password hashing with argon2id, and one-time passwords for new staff."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 12
_WORDS = (
    "amber",
    "birch",
    "cedar",
    "delta",
    "ember",
    "fjord",
    "grove",
    "harbour",
    "island",
    "juniper",
    "kestrel",
    "lantern",
    "meadow",
    "nectar",
    "orchard",
    "pebble",
    "quartz",
    "river",
    "saffron",
    "thistle",
    "umber",
    "violet",
    "willow",
    "yarrow",
    "zephyr",
    "beacon",
    "copper",
    "dune",
)


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
    """A readable random password, e.g. ``cedar-4821-willow-quartz`` (about 57 bits)."""
    words = [secrets.choice(_WORDS) for _ in range(3)]
    return f"{words[0]}-{secrets.randbelow(10_000):04d}-{words[1]}-{words[2]}-{secrets.randbelow(100):02d}"
