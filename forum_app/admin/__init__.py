"""The platform administrator's area: forums made, listed and suspended, never a forum's data."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
