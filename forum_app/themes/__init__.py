"""Themes: the codebook, the automatic coder (themes with evidence, sentiment) and its evaluation.

Start at ``coder.code_text`` / ``coder.code_texts``. The pieces, in the order a text meets them:
``jargon`` (UK SEND abbreviations), ``indicators`` (codebook phrases, negation), ``rules`` (the
codebook's cross-theme rules), ``sentiment`` (TextBlob and domain cues), ``model`` (features,
training, the shipped parameters), ``evaluation`` (scores) and ``cli`` (``flask themes ...``).
"""

from flask import Blueprint

bp = Blueprint("themes", __name__)
from forum_app.themes import agreement_views as agreement_views  # noqa: E402
from forum_app.themes import codebook_views as codebook_views  # noqa: E402
from forum_app.themes import coder_views as coder_views  # noqa: E402
from forum_app.themes import quote_views as quote_views  # noqa: E402
from forum_app.themes import workspace_views as workspace_views  # noqa: E402
