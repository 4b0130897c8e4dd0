"""How many codes a parent may try (resume codes and receipt codes alike).

Two allowances, each over a sliding hour: a generous one per source (at a forum's drop-in, many
families share one wifi and so one source), and a small one per code typed, counted only when the code
is wrong. A family who keeps mistyping their code uses up that code's tries, not everyone else's, and
is told how many tries are left. A typed code is only ever stored as a pseudonym made with the rate
limits' daily key (``ratelimit.value_key``), never as it was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forum_app.ratelimit import (
    Limit,
    attempts_made,
    count_attempt,
    seconds_until_allowed,
    value_key,
)

SOURCE = "source"  # refused: too many codes tried from this source
CODE = "code"  # refused: this code was wrong too many times


@dataclass(frozen=True)
class Allowance:
    """Tries allowed per source, and wrong tries per code, in each ``window_seconds``."""

    per_source: int
    per_code: int
    window_seconds: int = 3600

    def source_limit(self, scope: str) -> Limit:
        return Limit(scope, self.per_source, self.window_seconds)

    def code_limit(self, scope: str) -> Limit:
        return Limit(f"{scope}-code", self.per_code, self.window_seconds)


@dataclass(frozen=True)
class CodeTry:
    """One try at a code: refused (and for how long), or allowed to be looked up."""

    scope: str
    source: str
    code_key: str
    allowance: Allowance
    source_used: int
    refused: str = ""  # "", SOURCE or CODE
    wait_seconds: int = 0

    @property
    def allowed(self) -> bool:
        return not self.refused


def try_code(
    session: Session,
    scope: str,
    source: str,
    normalised_code: str,
    allowance: Allowance,
    now: datetime | None = None,
) -> CodeTry:
    """Count a try against the source's allowance, and check the code's own (a try counts against the
    code only once it turns out wrong: see ``wrong_code``). Commits."""
    source_limit = allowance.source_limit(scope)
    code_key = value_key(session, f"{scope}|{normalised_code}", now)
    used = count_attempt(session, source_limit, source, now)
    attempt = CodeTry(scope, source, code_key, allowance, used)
    if used > allowance.per_source:
        wait = seconds_until_allowed(session, source_limit, source, now)
        return CodeTry(scope, source, code_key, allowance, used, SOURCE, wait)
    code_limit = allowance.code_limit(scope)
    if attempts_made(session, code_limit, code_key, now) >= allowance.per_code:
        wait = seconds_until_allowed(session, code_limit, code_key, now)
        return CodeTry(scope, source, code_key, allowance, used, CODE, wait)
    return attempt


def wrong_code(session: Session, attempt: CodeTry, now: datetime | None = None) -> int:
    """Count a wrong code against itself and return the tries left in the hour: the fewer of the code's
    and the source's. Commits."""
    code_used = count_attempt(session, attempt.allowance.code_limit(attempt.scope), attempt.code_key, now)
    left = min(attempt.allowance.per_code - code_used, attempt.allowance.per_source - attempt.source_used)
    return max(0, left)


def minutes(seconds: int) -> int:
    """A wait in whole minutes, at least one."""
    return max(1, -(-seconds // 60))
