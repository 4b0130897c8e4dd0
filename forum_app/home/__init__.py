"""The staff home page: what has come in, what waits for moderation and coding, responses per week."""

from flask import Blueprint

bp = Blueprint("home", __name__)
