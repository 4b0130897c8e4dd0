"""Quotes: the families' own words a lead chooses to quote in evidence packs, and the final check on each.

``models`` keeps the lead's choices; ``candidates`` holds the quote rules and those choices; ``check``
refuses a quote that gives a date, an exact age or a name; ``reads`` tells evidence packs which
candidates may be quoted; ``views`` are the staff pages.
"""

from flask import Blueprint

bp = Blueprint("quotes", __name__)
