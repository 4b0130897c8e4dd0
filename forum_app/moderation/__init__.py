"""Moderation: personal details redacted, safeguarding concerns surfaced.

``redact.redact(text)`` replaces personal details with tags, ``safeguarding.flag(text)`` says whether
an answer suggests a risk of harm, and ``cli`` holds ``flask moderation redact``.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
