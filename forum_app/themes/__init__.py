"""Themes: the codebook, the automatic coder (themes with evidence, sentiment) and its evaluation.

Start at ``coder.code_text`` / ``coder.code_texts``. The pieces, in the order a text meets them:
``jargon`` (UK SEND abbreviations), ``indicators`` (codebook phrases, negation), ``rules`` (the
codebook's cross-theme rules), ``sentiment`` (TextBlob and domain cues), ``model`` (features,
training, the shipped parameters), ``evaluation`` (scores) and ``cli`` (``flask themes ...``).
"""

from flask import Blueprint

bp = Blueprint("themes", __name__)
