"""Signals other features listen to, so that surveys never import them.

``responses_received`` is sent inside the transaction that submits responses (or seeds demo ones),
just before it commits, with the session as sender and ``response_ids``. Receivers add their rows to
the same session and must not commit; they must be quick, as the family's report waits on them
(moderation moves the free text out of ``Answer.value`` here, so no original is ever committed
there). ``seeded`` is True for demo data.

``responses_stored`` is sent right after that transaction has committed, with the same arguments, for
the slow work on what was received (moderation's automatic check). Receivers commit their own short
transactions and must not raise: the report already stands.

``responses_submitted`` is sent after responses have been committed as submitted, with the session
as sender and ``response_ids``. A receiver must not raise: the parent's submission already stands.

``approved_answers`` asks which of ``answer_ids`` (free-text answers) a moderator has approved: each
receiver returns a set of ids. Staff who do not moderate see a free-text answer only if a receiver
returned its id, so without a receiver they see none.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

responses_received = _signals.signal("responses-received")
responses_stored = _signals.signal("responses-stored")
responses_submitted = _signals.signal("responses-submitted")
approved_answers = _signals.signal("approved-answers")
