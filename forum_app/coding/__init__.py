"""Coding: the workspace where people code approved answers into themes, and the automatic suggestions.

``automatic`` codes each approved answer with the forum's coder (``forum_coder``); ``queue`` is the
workspace (the queue, one answer, bulk acceptance, undo); ``decisions`` records people's decisions;
``retraining`` retrains the forum's coder on its confirmed codings; ``cli`` is ``flask themes ...``.
"""

from flask import Blueprint

bp = Blueprint("coding", __name__)
