"""Public side: survey definitions, the question-per-page runner and submission."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)
