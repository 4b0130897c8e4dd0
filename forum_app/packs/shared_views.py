"""Public routes of evidence packs: the pages a share link opens for inspectors (``/p/<token>...``).

They need no account. A link with a passcode asks for it first; the tries are rate-limited per source
(``CODE_ATTEMPTS_PER_HOUR``), and a passcode accepted is remembered in the signed session for that
link only. Those pages are never cached and send no referrer, so the token stays in the address bar it
was typed into. The pages are registered on the ``packs`` blueprint, beside the staff ones in ``views``.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.errors import render_error
from forum_app.extensions import db
from forum_app.packs import bp
from forum_app.packs.comparison import shared_summary
from forum_app.packs.forms import PasscodeForm
from forum_app.packs.models import PackSnapshot
from forum_app.packs.sharing import LinkError, find_link, open_link
from forum_app.packs.snapshots import file_names, file_of, files_of
from forum_app.packs.views import HTML_PACK, NO_STORE, attachment, stored_html
from forum_app.ratelimit import Limit, allow, source_key
from forum_app.views import Page

UNLOCKED_KEY = "pack_links"  # ids of the share links whose passcode this browser gave
MAX_UNLOCKED = 20
TOO_MANY_TRIES = "You have tried too many times. Wait an hour, then try again."


def _public(body: str, status: int = 200) -> WerkzeugResponse:
    response = current_app.make_response((body, status))
    response.headers.update(NO_STORE)
    return response


def _link_problem(problem: LinkError) -> WerkzeugResponse:
    return _public(*render_error(problem.status, problem.title, problem.body))


def _unlocked(link_id: int) -> bool:
    return link_id in session.get(UNLOCKED_KEY, [])


def _shared_page(token: str, snapshot: PackSnapshot, expires: date) -> WerkzeugResponse:
    downloads = [
        (row, url_for("packs.shared_file", token=token, name=row.name))
        for row in files_of(db.session, snapshot)
    ]
    return _public(
        render_template(
            "packs/shared.html",
            token=token,
            pack=shared_summary(db.session, snapshot),
            downloads=downloads,
            expires=expires,
        )
    )


def _passcode_page(token: str, form: PasscodeForm, error: str = "", status: int = 200) -> WerkzeugResponse:
    errors = {"passcode": [*form.passcode.errors, *([error] if error else [])]}
    return _public(
        render_template("packs/passcode.html", token=token, errors=errors if errors["passcode"] else {}),
        status,
    )


@bp.get("/p/<token>")
def shared(token: str) -> Page:
    try:
        link = find_link(db.session, token)
        if link.passcode_hash is not None and not _unlocked(link.id):
            return _passcode_page(token, PasscodeForm(formdata=None))
        snapshot = open_link(db.session, token, unlocked=True)
    except LinkError as problem:
        return _link_problem(problem)
    return _shared_page(token, snapshot, link.expires_on)


@bp.post("/p/<token>/passcode")
def shared_passcode(token: str) -> Page:
    form = PasscodeForm()
    try:
        link = find_link(db.session, token)
    except LinkError as problem:
        return _link_problem(problem)
    if link.passcode_hash is None or _unlocked(link.id):
        return redirect(url_for("packs.shared", token=token), 303)
    if not form.validate_on_submit():
        return _passcode_page(token, form, status=400)
    limit = Limit("pack-passcode", current_app.config["CODE_ATTEMPTS_PER_HOUR"], 3600)
    if not allow(db.session, limit, source_key(db.session, request.remote_addr)):
        return _passcode_page(token, form, TOO_MANY_TRIES, 429)
    try:
        open_link(db.session, token, form.passcode.data or "", count=False)
    except LinkError as problem:
        if problem.status == 401:
            return _passcode_page(token, form, "That passcode is not right. Check it and try again.", 400)
        return _link_problem(problem)
    session[UNLOCKED_KEY] = [*session.get(UNLOCKED_KEY, []), link.id][-MAX_UNLOCKED:]
    return redirect(url_for("packs.shared", token=token), 303)


def _shared_snapshot(token: str) -> PackSnapshot | WerkzeugResponse:
    """The shared snapshot, counting the open; or the page saying why not (the passcode page)."""
    try:
        link = find_link(db.session, token)
        if link.passcode_hash is not None and not _unlocked(link.id):
            return redirect(url_for("packs.shared", token=token), 303)
        return open_link(db.session, token, unlocked=True)
    except LinkError as problem:
        return _link_problem(problem)


@bp.get("/p/<token>/view")
def shared_view(token: str) -> Page:
    found = _shared_snapshot(token)
    if not isinstance(found, PackSnapshot):
        return found
    stored = file_of(db.session, found, HTML_PACK)
    if stored is None:
        abort(404)
    return stored_html(stored.data)


@bp.get("/p/<token>/files/<name>")
def shared_file(token: str, name: str) -> Page:
    if name not in file_names():  # before the open is counted
        return _public(*render_error(404))
    found = _shared_snapshot(token)
    if not isinstance(found, PackSnapshot):
        return found
    stored = file_of(db.session, found, name)
    if stored is None:
        return _public(*render_error(404))
    return attachment(found, stored)
