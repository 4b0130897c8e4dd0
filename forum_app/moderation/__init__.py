"""Moderation: personal details redacted, safeguarding concerns surfaced.

``redact.redact(text)`` replaces personal details with tags, ``safeguarding.flag(text)`` says whether
an answer suggests a risk of harm, and ``cli`` holds ``flask moderation redact``. ``intake`` redacts
and flags answers as they arrive, ``queue`` holds the moderators' decisions, and ``views`` (with the
page data of ``contexts``) the queue's pages under ``/staff/moderation``; ``settings_views`` is the
lead's page of the forum's moderation ``settings``.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
