"""Signals other features listen to, so that surveys never import them.

``responses_submitted`` is sent after responses have been committed as submitted, with the session
as sender and ``response_ids``. A receiver must not raise: the parent's submission already stands.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

responses_submitted = _signals.signal("responses-submitted")
