"""``answers_approved`` is sent after a moderator's approval has been committed, with the session as
sender and the ``response_ids`` whose answers were approved. Coding listens to it; a receiver must
not raise (the approval already stands)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

answers_approved = _signals.signal("answers-approved")
