"""Forums (tenants), staff users, memberships and sign-in."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
