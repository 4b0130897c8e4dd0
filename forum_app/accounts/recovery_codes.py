"""Two-factor recovery codes: ten per account, shown once, each usable once.

A code has about 59 bits, short of the 112 that would let a fast hash keep it safe, so each is kept as
an argon2id hash with its own random salt (OWASP ASVS 5.0 6.5.2), with the lighter parameters OWASP
recommends as a minimum for passwords: a code typed at sign-in is checked against the account's
unused codes, ten at most, in about a tenth of a second, and every try is throttled.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.audit import record_account_event
from forum_app.accounts.models import RecoveryCode
from forum_app.db import utcnow

RECOVERY_CODES = 10
# No 0/o, 1/l/i: 31 symbols, 12 of them (about 59 bits), written in three groups of four.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_GROUPS = 3
RECOVERY_GROUP = 4
_RECOVERY = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_GROUPS * RECOVERY_GROUP}}}")
SPACING = re.compile(r"[\s-]+")  # what people type between groups of a code


def new_recovery_code() -> str:
    """A code such as ``k7fq-2mxp-9tcz``."""
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def _matches(code_hash: str, code: str) -> bool:
    try:
        return _hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def replace_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Ten new codes (the old ones no longer work), stored as hashes; not committed."""
    delete_recovery_codes(session, user_id)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=_hasher.hash(code.replace("-", ""))))
    return codes


def delete_recovery_codes(session: Session, user_id: int) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


def use_recovery_code(session: Session, user_id: int, code: str, now: datetime | None = None) -> bool:
    """Whether ``code`` (in capitals or not, groups apart or not) is one of the user's unused codes;
    it is then marked used, and the use logged. Not committed."""
    typed = SPACING.sub("", code).lower()
    if not _RECOVERY.fullmatch(typed):
        return False
    unused = session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    found = next((row.id for row in unused if _matches(row.code_hash, typed)), None)
    if found is None:
        return False
    # Only if no other request used it meanwhile: of two at once, one wins.
    used = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if not used.rowcount:  # type: ignore[attr-defined]
        return False
    record_account_event(session, user_id, "two_factor.recovery_used")
    return True


def unused_recovery_codes(session: Session, user_id: int) -> int:
    count = session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return count or 0
