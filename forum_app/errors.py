"""Friendly pages for HTTP errors. No input may produce a bare 500.

A feature's own exceptions get their pages from the feature, with ``render_error`` (the survey
runner's in ``surveys/error_pages.py``, registered with its blueprint), so this module depends on none.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from forum_app.extensions import db
from forum_app.inputs import UnexpectedFile, refuse_unexpected_files

log = logging.getLogger(__name__)

# Families see these too, in their language (``forum_app.i18n``); staff pages are in English.
MESSAGES = {
    400: (
        _l("Sorry, we could not accept that"),
        _l("Something in the form was not as we expected. Go back, check your answer and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l("Ask your forum lead if you think you should."),
    ),
    404: (
        _l("Page not found"),
        _l(
            "If you typed the web address, check it is correct. "
            "If you pasted it, check you copied the whole address."
        ),
    ),
    405: (
        _l("Sorry, that did not work"),
        _l("Go back and use the buttons on the page."),
    ),
    410: (
        _l("This survey has closed"),
        _l("The forum is no longer collecting answers to this survey."),
    ),
    413: (
        _l("That was too long to send"),
        _l("Shorten your answer and try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Wait a few minutes, then try again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. What you have already saved has not been lost."),
    ),
}


def render_error(status: int, title: str | None = None, body: str | None = None) -> tuple[str, int]:
    default_title, default_body = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=title or default_title, body=body or default_body
    ), status


UNTRUSTED_HOST = (
    "This web address is not served here",
    "The address you used does not belong to this service. Check the web address: use the one your "
    "forum gave you, or the one on its posters and leaflets.",
)


def refuse_untrusted_host() -> None:
    """Before anything else (even the CSRF check): a request to a host name not in ``TRUSTED_HOSTS``
    gets the host page, never an answer."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def register_error_handlers(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
    app.before_request(refuse_unexpected_files)

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError) -> tuple[str, int]:
        title, body = UNTRUSTED_HOST
        return render_template("errors/host.html", title=title, body=body), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(UnexpectedFile)
    def unexpected_file(_error: UnexpectedFile) -> tuple[str, int]:
        return render_error(
            400,
            "This page does not take files",
            "Go back and type your answer in the box, or choose from the options. Nothing was sent.",
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            "This page has expired",
            "For your security, forms stop working after a while. Go back, refresh the page and try again.",
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        # Log the type and the stack only: the message could contain a respondent's words
        # (database errors quote the values they were given).
        stack = "".join(traceback.format_tb(error.__traceback__))
        log.error("Unhandled %s\n%s", type(error).__name__, stack)
        db.session.rollback()
        return render_error(500)
