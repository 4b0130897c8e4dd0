"""Evidence packs: disclosure-controlled statistics, charts, quotes and method, in every format."""

from flask import Blueprint

bp = Blueprint("packs", __name__)
