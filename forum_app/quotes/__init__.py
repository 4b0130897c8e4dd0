"""Quotes: the families' own words a lead chooses to quote in evidence packs, and the final check on each.

``candidates`` holds the quote rules and the lead's choices; ``check`` refuses a quote that gives a
date, an exact age or a name; ``views`` are the staff pages.
"""

from flask import Blueprint

bp = Blueprint("quotes", __name__)
from forum_app.quotes import views as views  # noqa: E402
