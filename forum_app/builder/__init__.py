"""A forum's own surveys: the builder (drafts, routing, publishing versions), sharing, survey files,
past responses brought in from other tools, and the export of responses."""

from flask import Blueprint

bp = Blueprint("builder", __name__)
