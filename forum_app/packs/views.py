"""Staff routes of evidence packs: the forum's saved packs, making, sharing, revoking and deleting them.

Who may do what: every member of staff (lead, coder, viewer) may see the forum's packs, open them and
download their files, as the packs hold only disclosure-controlled figures and approved quotes, less
than the response pages they can already read. Only leads make, share, revoke and delete: those
decide what leaves the forum. The pages a share link opens for inspectors are in ``shared_views``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from forum_app.extensions import db
from forum_app.packs import bp
from forum_app.packs.checklist import pre_build_checklist
from forum_app.packs.comparison import compare
from forum_app.packs.forms import EVERYONE, MakePackForm, ShareLinkForm
from forum_app.packs.models import READY, PackFile, PackSnapshot
from forum_app.packs.pack_ids import link_number, named_snapshot
from forum_app.packs.sharing import create_link, list_links, revoke_link
from forum_app.packs.snapshots import (
    PackInProgress,
    SnapshotError,
    delete_snapshot,
    files_of,
    filter_options,
    forum_surveys,
    get_file,
    list_snapshots,
    run_in_background,
    run_snapshot,
    snapshot_row,
    start_snapshot,
)
from forum_app.security import current_membership, role_required
from forum_app.urls import absolute_url
from forum_app.views import Page

STAFF = ("lead", "coder", "viewer")
# While a pack is being made its page reloads itself this often (no JavaScript needed), but only when
# asked for (?follow=1, where "Make the pack" leads): the page links to a version that does not reload.
REFRESH_SECONDS = 2
NEW_LINK_KEY = "new_pack_link"  # the new link's token, shown once on the next page, then dropped
HTML_PACK = "pack.html"
# The stored pack is a standalone document with inline CSS and SVG, and no script: let its styles
# apply, nothing else.
PACK_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; "
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _snapshot(snapshot_id: str) -> PackSnapshot:
    """The current forum's snapshot named by its public id, or 404 (malformed, unknown, a row number,
    or another forum's: those do not exist here)."""
    snapshot = named_snapshot(db.session, current_membership().forum_id, snapshot_id)
    if snapshot is None:
        abort(404)
    return snapshot


def _add_error(form: Any, error: SnapshotError) -> str:
    """Put a service's message on its field; return it when it belongs to no field."""
    field = form._fields.get(error.field or "")
    if field is None:
        return str(error)
    field.errors = [*field.errors, str(error)]
    return ""


# --- staff: the list and making a pack ---------------------------------------------------------


def _make_form() -> MakePackForm:
    form = MakePackForm()
    surveys = forum_surveys(db.session, current_membership().forum_id)
    form.survey.choices = [SelectChoice(str(s.id), s.title) for s in surveys]
    if len(surveys) == 1 and not form.is_submitted():
        form.survey.data = str(surveys[0].id)
    merged: dict[str, dict[str, str]] = {}
    for survey in surveys:
        for option in filter_options(survey):
            merged.setdefault(option.key, {}).update(dict(option.choices))
    for key in ("age_band", "setting", "ehcp"):
        field = form._fields[key]
        field.choices = [(EVERYONE, "Everyone"), *merged.get(key, {}).items()]
    return form


def _index(form: MakePackForm, error: str = "", status: int = 200) -> tuple[str, int]:
    member = current_membership()
    rows = list_snapshots(db.session, member.forum_id)
    lead = member.role == "lead"
    checklist = pre_build_checklist(db.session, member.forum_id) if lead else None
    return render_template(
        "packs/index.html", rows=rows, form=form, error=error, lead=lead, checklist=checklist
    ), status


@bp.get("/staff/packs")
@role_required(*STAFF)
def index() -> Page:
    return _index(_make_form())


@bp.post("/staff/packs/new")
@role_required("lead")
def make() -> Page:
    member = current_membership()
    form = _make_form()
    if not form.validate_on_submit():
        return _index(form, status=400)
    filters = {key: str(form._fields[key].data or "") for key in ("age_band", "setting", "ehcp")}
    try:
        snapshot = start_snapshot(
            db.session,
            member.forum_id,
            int(str(form.survey.data)),
            form.period_from.date,
            form.period_to.date,
            filters,
            current_user.id,
            partnership_seen_on=form.partnership_seen_on.date,
            partnership_response=form.partnership_response.data or "",
        )
    except PackInProgress as refused:
        return _index(form, str(refused), 409)
    except SnapshotError as refused:
        return _index(form, _add_error(form, refused), 400)
    if current_app.config.get("PACKS_IN_BACKGROUND", not current_app.config["TESTING"]):
        run_in_background(db.sessionmaker(), snapshot.id)
    else:
        run_snapshot(db.session, snapshot.id)
    return redirect(url_for("packs.snapshot", snapshot_id=snapshot.public_id, follow=1), 303)


# --- staff: one pack ---------------------------------------------------------------------------


def _snapshot_page(
    snapshot: PackSnapshot, form: ShareLinkForm | None = None, error: str = "", status: int = 200
) -> tuple[str, int]:
    member = current_membership()
    row = snapshot_row(db.session, snapshot)
    lead = member.role == "lead"
    new_link = session.pop(NEW_LINK_KEY, None) if lead else None
    new_url = (
        absolute_url("packs.shared", token=new_link["token"])
        if isinstance(new_link, dict) and new_link.get("snapshot") == snapshot.public_id
        else ""
    )
    others = [
        other
        for other in list_snapshots(db.session, member.forum_id)
        if other.ready and other.id != snapshot.id
    ]
    follow = request.args.get("follow") == "1"
    return render_template(
        "packs/snapshot.html",
        row=row,
        files=[
            (file, url_for("packs.download", snapshot_id=snapshot.public_id, name=file.name))
            for file in (files_of(db.session, snapshot) if row.ready else [])
        ],
        links=list_links(db.session, snapshot) if lead else [],
        form=form or ShareLinkForm(formdata=None),
        error=error,
        lead=lead,
        new_url=new_url,
        others=others,
        follow=follow,
        refresh=REFRESH_SECONDS if follow and row.building else 0,
    ), status


@bp.get("/staff/packs/<public:snapshot_id>")
@role_required(*STAFF)
def snapshot(snapshot_id: str) -> Page:
    return _snapshot_page(_snapshot(snapshot_id))


def stored_html(data: bytes) -> WerkzeugResponse:
    """The stored HTML pack as a page (here and on the share pages): its own styles, nothing else."""
    response = WerkzeugResponse(data, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PACK_CSP
    response.headers.update(NO_STORE)
    return response


def attachment(snapshot: PackSnapshot, stored: PackFile) -> WerkzeugResponse:
    """A stored file as a download named after the pack's id (here and on the share pages)."""
    response = WerkzeugResponse(stored.data, content_type=stored.media_type)
    response.headers.set("Content-Disposition", "attachment", filename=f"{snapshot.pack_id}-{stored.name}")
    response.headers.update(NO_STORE)
    return response


@bp.get("/staff/packs/<public:snapshot_id>/view")
@role_required(*STAFF)
def view(snapshot_id: str) -> Page:
    """The stored HTML pack, as the inspector sees it."""
    stored = get_file(db.session, current_membership().forum_id, _snapshot(snapshot_id).id, HTML_PACK)
    if stored is None:
        abort(404)
    return stored_html(stored.data)


@bp.get("/staff/packs/<public:snapshot_id>/files/<name>")
@role_required(*STAFF)
def download(snapshot_id: str, name: str) -> Page:
    stored = get_file(db.session, current_membership().forum_id, _snapshot(snapshot_id).id, name)
    if stored is None:
        abort(404)
    return attachment(stored.pack, stored)


@bp.post("/staff/packs/<public:snapshot_id>/links")
@role_required("lead")
def share(snapshot_id: str) -> Page:
    found = _snapshot(snapshot_id)
    form = ShareLinkForm()
    if not form.validate_on_submit():
        return _snapshot_page(found, form, status=400)
    try:
        token = create_link(
            db.session,
            found,
            current_user.id,
            days=int(form.days.data or 0),
            passcode=form.passcode.data or None,
            label=form.label.data or "",
        )
    except SnapshotError as refused:
        return _snapshot_page(found, form, _add_error(form, refused), 400)
    session[NEW_LINK_KEY] = {"snapshot": found.public_id, "token": token}
    return redirect(url_for("packs.snapshot", snapshot_id=found.public_id, _anchor="new-link"), 303)


@bp.post("/staff/packs/<public:snapshot_id>/links/<public:link_id>/revoke")
@role_required("lead")
def revoke(snapshot_id: str, link_id: str) -> Page:
    found = _snapshot(snapshot_id)
    number = link_number(db.session, found, link_id)
    if number is None:
        abort(404)
    try:
        revoke_link(db.session, current_membership().forum_id, number, snapshot_id=found.id)
    except SnapshotError:
        abort(404)
    return redirect(url_for("packs.snapshot", snapshot_id=found.public_id, _anchor="links"), 303)


@bp.route("/staff/packs/<public:snapshot_id>/delete", methods=["GET", "POST"])
@role_required("lead")
def delete(snapshot_id: str) -> Page:
    found = _snapshot(snapshot_id)
    row = snapshot_row(db.session, found)
    if request.method == "POST":
        try:
            delete_snapshot(db.session, current_membership().forum_id, found.id)
        except SnapshotError as refused:
            return render_template("packs/delete.html", row=row, error=str(refused)), 409
        return redirect(url_for("packs.index"), 303)
    return render_template("packs/delete.html", row=row, error="")


@bp.get("/staff/packs/<public:snapshot_id>/compare/<public:other_id>")
@role_required(*STAFF)
def compare_packs(snapshot_id: str, other_id: str) -> Page:
    first, second = _snapshot(snapshot_id), _snapshot(other_id)
    if first.status != READY or second.status != READY or first.id == second.id:
        abort(404)
    return render_template("packs/compare.html", comparison=compare(first, second), back=first.public_id)
