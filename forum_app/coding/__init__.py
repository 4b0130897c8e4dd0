"""Coding: the workspace where people code approved answers into themes, and the automatic suggestions.

``automatic`` codes each approved answer with the forum's coder (``forum_coder``). The workspace:
``queue`` (the answers to code, with their ``filters``), ``answer`` (coding one answer), ``bulk``
(bulk acceptance and its threshold), ``undo``; ``decisions`` records people's decisions;
``retraining`` retrains the forum's coder on its confirmed codings; ``cli`` is ``flask themes ...``.
"""

from flask import Blueprint

bp = Blueprint("coding", __name__)
