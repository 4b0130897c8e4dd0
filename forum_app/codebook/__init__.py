"""Codebook: the 16 inspection themes a forum codes into, its saved versions, editing, import and export.

Start at ``shipped`` (the themes as shipped, ``codebook.json``) and ``versions`` (a forum's saved
versions); ``editing`` reads the versions and changes a theme; ``files`` exports and imports codebook
files; ``views`` are the staff pages. The coder applies the codebook's indicator phrases and
cross-theme rules (``coder.indicators``, ``coder.rules``).
"""

from flask import Blueprint

bp = Blueprint("codebook", __name__)
