"""Staff pages of a forum's codebook: see it, change a theme (lead), history, old versions, export, import.

Every member of the forum may look and export; only the lead may change or import. Reading a page never
writes: a forum that has not saved its codebook sees the shipped 16 themes as version 1, and that version
is written with the first change (see ``codebook_io``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum_app.codebook import bp, editing, files
from forum_app.codebook.editing import (
    MAX_DEFINITION,
    MAX_LABEL,
    MAX_PHRASE,
    MAX_PHRASES,
    CodebookSnapshot,
    SaveResult,
    load_snapshot,
    phrases_from_text,
    update_theme,
)
from forum_app.codebook.files import (
    MAX_FILE_BYTES,
    Kind,
    export_filename,
    import_codebook,
)
from forum_app.codebook.shipped import default_codebook
from forum_app.codebook.versions import ThemeFields
from forum_app.extensions import csrf, db
from forum_app.inputs import UPLOADS, parse_id, refuse_files, whole_number
from forum_app.security import current_membership, role_required
from forum_app.views import Page

# A whole upload: the file (at most 1 MB) and the form around it. Larger requests are refused unread.
IMPORT_REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024
LIMITS = {
    "label": MAX_LABEL,
    "definition": MAX_DEFINITION,
    "phrases": MAX_PHRASES,
    "phrase": MAX_PHRASE,
    "file_mb": MAX_FILE_BYTES // (1024 * 1024),
}
TOO_LARGE = "The file is larger than 1 MB. Choose a smaller file."


class ThemeForm(FlaskForm):
    """Changing one theme. The rules (lengths, framework areas, phrases) are checked by the service."""

    label = StringField("Label")
    definition = TextAreaField("Definition")
    framework_areas = SelectMultipleField("Framework areas", validate_choice=False)
    indicators = TextAreaField("Indicator phrases")
    note = StringField("What did you change, and why? (optional)")
    base_version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.framework_areas.choices = [
            SelectChoice(area_id, label) for area_id, label in default_codebook().framework_areas
        ]


class ImportForm(FlaskForm):
    codebook_file = FileField("Codebook file")
    note = StringField("Where is this codebook from? (optional)")


def _areas() -> dict[str, str]:
    return dict(default_codebook().framework_areas)


def _lead() -> bool:
    return current_membership().role == "lead"


@bp.get("/staff/codebook")
def index() -> Page:
    snapshot = load_snapshot(db.session, current_membership().forum_id)
    return _show(snapshot, current_number=snapshot.number if snapshot else 0)


@bp.get("/staff/codebook/versions/<id:number>")
def version(number: int) -> Page:
    forum_id = current_membership().forum_id
    snapshot = load_snapshot(db.session, forum_id, number)
    current = load_snapshot(db.session, forum_id)
    return _show(snapshot, current_number=current.number if current else 0)


def _show(snapshot: CodebookSnapshot | None, current_number: int) -> Page:
    if snapshot is None:
        abort(404)
    return render_template(
        "codebook/index.html",
        codebook=snapshot,
        current_number=current_number,
        areas=_areas(),
        lead=_lead(),
    )


@bp.get("/staff/codebook/history")
def history() -> Page:
    rows = editing.history(db.session, current_membership().forum_id)
    return render_template("codebook/history.html", rows=rows)


@bp.route("/staff/codebook/<theme_id>/edit", methods=["GET", "POST"])
@role_required("lead")
def edit(theme_id: str) -> Page:
    membership = current_membership()
    snapshot = load_snapshot(db.session, membership.forum_id)
    theme = snapshot.theme(theme_id) if snapshot else None
    if snapshot is None or theme is None:
        abort(404)
    form = ThemeForm(
        data={
            "label": theme.label,
            "definition": theme.definition,
            "framework_areas": list(theme.framework_areas),
            "indicators": "\n".join(theme.indicators),
            "base_version": str(snapshot.number),
        }
    )
    result = SaveResult("unchanged")
    if form.validate_on_submit():
        fields = ThemeFields(
            theme_id,
            form.label.data or "",
            form.definition.data or "",
            tuple(form.framework_areas.data or ()),
            phrases_from_text(form.indicators.data or ""),
        )
        base = form.base_version.data or ""
        result = update_theme(
            db.session,
            membership.forum_id,
            membership.user_id,
            theme_id,
            fields,
            form.note.data or "",
            base_version=parse_id(base),
        )
        if result.status != "invalid":
            flash(
                f"Saved the change to “{fields.label.strip()}” as version {result.version} of the codebook."
                if result.saved
                else "You did not change anything, so no new version was made."
            )
            return redirect(url_for("codebook.index"))  # the notice at the top says what happened
        for name, messages in result.field_errors.items():
            getattr(form, name).errors = messages
        if result.version is not None:  # someone else saved meanwhile: saving again overwrites theirs
            form.base_version.data = str(result.version)
    errors: dict[str, list[str]] = {"form": result.errors} if result.errors else {}
    for name in ("label", "definition", "framework_areas", "indicators", "note"):
        if getattr(form, name).errors:
            errors[name] = list(getattr(form, name).errors)
    return render_template(
        "codebook/edit.html",
        form=form,
        theme=theme,
        number=snapshot.themes.index(theme) + 1,
        errors=errors,
        targets={"form": "label", "framework_areas": "framework_areas-0"},
        limits=LIMITS,
    )


def _export(kind: Kind) -> WerkzeugResponse:
    membership = current_membership()
    number = whole_number(request.args.get("version"))  # 404 unless 1 to 2**31 - 1
    snapshot = load_snapshot(db.session, membership.forum_id, number)
    if snapshot is None:
        abort(404)
    slug = membership.forum.slug
    body = files.export_json(snapshot, slug) if kind == "json" else files.export_csv(snapshot)
    response = Response(body.encode("utf-8"), mimetype="application/json" if kind == "json" else "text/csv")
    if kind == "csv":
        response.content_type = "text/csv; charset=utf-8"
    filename = export_filename(slug, snapshot.number, kind)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/staff/codebook/export.json")
def export_json() -> WerkzeugResponse:
    return _export("json")


@bp.get("/staff/codebook/export.csv")
def export_csv() -> WerkzeugResponse:
    return _export("csv")


@bp.route("/staff/codebook/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger size limit for uploads is set
@role_required("lead")
def import_file() -> Page:
    request.max_content_length = IMPORT_REQUEST_LIMIT
    try:
        csrf.protect()  # only for POST; a missing or stale token is the usual "page has expired"
        refuse_files(UPLOADS["codebook.import_file"])  # a file in the note field is not a codebook
        form = ImportForm()
    except RequestEntityTooLarge:
        return _import_page(ImportForm(formdata=None), [TOO_LARGE], status=413)
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.codebook_file.data
        if upload is None or not getattr(upload, "filename", ""):
            errors = ["Choose a codebook file to import"]
        else:
            membership = current_membership()
            result = import_codebook(
                db.session,
                membership.forum_id,
                membership.user_id,
                upload.read(MAX_FILE_BYTES + 1),
                upload.filename,
                form.note.data or "",
            )
            if result.status != "invalid":
                flash(
                    f"Imported {upload.filename} as version {result.version} of the codebook."
                    if result.saved
                    else f"{upload.filename} is the same as the current codebook (version "
                    f"{result.version}), so no new version was made."
                )
                return redirect(url_for("codebook.index"))
            errors = result.errors
    return _import_page(form, errors)


def _import_page(form: ImportForm, errors: list[str], status: int = 200) -> tuple[str, int]:
    return render_template(
        "codebook/import.html",
        form=form,
        errors={"codebook_file": errors} if errors else {},
        limits=LIMITS,
    ), status
