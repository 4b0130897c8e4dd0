"""Signals other features listen to, so that surveys never import them.

``responses_received`` is sent inside the transaction that submits responses (or seeds demo ones),
just before it commits, with the session as sender and ``response_ids``. Receivers add their rows to
the same session (moderation redacts the free text here, so no original is ever committed into
``Answer.value``) and must not commit. ``seeded`` is True for demo data.

``responses_submitted`` is sent after responses have been committed as submitted, with the session
as sender and ``response_ids``. A receiver must not raise: the parent's submission already stands.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

responses_received = _signals.signal("responses-received")
responses_submitted = _signals.signal("responses-submitted")
