"""The upload page (leads): an export of past responses uploaded, its columns mapped to questions,
checked without writing (the dry run), then imported through ``journeys.import_responses`` (in a thread
of its own, as a large file takes minutes) while the progress page follows it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from forum_app import journeys
from forum_app.accounts.models import Forum
from forum_app.accounts.roles import current_membership, role_required
from forum_app.builder import bp, uploads
from forum_app.builder.models import UPLOAD_STAGED
from forum_app.builder.uploads import Destination, DryRun, Staged, UploadProblem
from forum_app.extensions import csrf, db
from forum_app.inputs import UPLOADS, refuse_files
from forum_app.surveys.imports.export import ImportedExport
from forum_app.surveys.imports.files import MAX_FILE_BYTES, ImportFileError
from forum_app.surveys.imports.saving import ImportReport
from forum_app.surveys.imports.tools import TOOL_NAMES
from forum_app.surveys.models import Survey
from forum_app.views import Page

# A whole upload: the file and the form around it. Larger requests are refused unread.
REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024
FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
TOO_LARGE = f"The file is larger than {FILE_MB} MB. Choose a smaller file, or split it into several"
REFRESH_SECONDS = 5  # the progress page, while following an import
KIND_NAMES = {
    "radio": "One answer",
    "checkboxes": "Several answers",
    "rating": "Rating",
    "number": "Whole number",
    "text": "Text",
    "month": "Month and year",
}


@bp.route("/staff/surveys/import", methods=["GET", "POST"], defaults={"slug": None})
@bp.route("/staff/surveys/<slug>/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger size limit for uploads is set
@role_required("lead")
def upload(slug: str | None) -> Page:
    request.max_content_length = REQUEST_LIMIT
    forum_id = current_membership().forum_id
    survey = uploads.published_survey(db.session, forum_id, slug) if slug is not None else None
    try:
        csrf.protect()  # only for POST; a missing or stale token is the usual "page has expired"
        refuse_files(UPLOADS["builder.upload"])
        values = {"title": request.form.get("title", ""), "slug": request.form.get("slug", "")}
        given = request.files.get("export_file")
    except RequestEntityTooLarge:
        if slug is not None and survey is None:
            abort(404)
        return _upload_page(survey, {}, {"export_file": [TOO_LARGE]}, 413)
    if slug is not None and survey is None:
        abort(404)
    if request.method == "GET":
        return _upload_page(survey, {}, {})
    try:
        destination = (
            Destination(survey.slug, survey.title, False)
            if survey is not None
            else uploads.new_destination(db.session, forum_id, values["slug"], values["title"])
        )
        if given is None or not given.filename:
            raise UploadProblem("Choose a CSV or Excel file to import")
        data = given.read(MAX_FILE_BYTES + 1)
        staged = uploads.stage_upload(db.session, forum_id, data, given.filename, destination)
    except UploadProblem as problem:
        db.session.rollback()
        return _upload_page(survey, values, {problem.field: [str(problem)]}, 422)
    return redirect(url_for("builder.upload_mapping", upload_id=staged.id))


def _upload_page(
    survey: Survey | None, values: dict[str, str], errors: dict[str, list[str]], status: int = 200
) -> tuple[str, int]:
    return render_template(
        "builder/upload.html", survey=survey, values=values, errors=errors, file_mb=FILE_MB
    ), status


@bp.route("/staff/surveys/import/<upload_id>", methods=["GET", "POST"])
@role_required("lead")
def upload_mapping(upload_id: str) -> Page:
    membership = current_membership()
    upload = uploads.find_upload(db.session, membership.forum_id, upload_id)
    if upload is None:
        abort(404)
    if not uploads.may_import(upload):  # imported, or being imported: its progress instead
        return redirect(_progress_url(upload_id), 303 if request.method == "POST" else 302)
    try:
        staged = uploads.read_upload(db.session, upload)
    except UploadProblem as problem:
        flash(str(problem) + ".")
        return redirect(url_for("builder.upload"))
    if staged is None:
        abort(404)
    if request.method == "GET":
        return _mapping_page(staged, uploads.suggested_choices(staged))
    chosen = uploads.form_choices(staged, request.form)
    try:
        mapping = uploads.mapping_of(staged, chosen)
        check = uploads.dry_run(db.session, membership.forum_id, staged, mapping)
        if request.form.get("action") != "import":
            return _mapping_page(staged, chosen, check=check)
        if not check.ok:
            refused = "Nothing was imported: some rows have errors, listed below"
            return _mapping_page(staged, chosen, {"mapping": [refused]}, check, 422)
        export = uploads.import_ready(db.session, membership.forum_id, staged, mapping)
    except UploadProblem as problem:
        db.session.rollback()
        return _mapping_page(staged, chosen, {problem.field: [str(problem)]}, status=422)
    except ImportFileError as problem:
        db.session.rollback()
        return _mapping_page(staged, chosen, {"mapping": [str(problem).rstrip(".")]}, status=422)
    if uploads.claim_upload(db.session, upload_id, staged.destination, check.rows):
        if current_app.config["IMPORTS_IN_BACKGROUND"]:
            app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
            start_import(app, upload_id, membership.forum_id, export)
        else:
            uploads.run_import(
                db.session, db.sessionmaker(), upload_id, membership.forum_id, export, _importer
            )
    return redirect(_progress_url(upload_id, follow=True), 303)


def _importer(
    session: Session, forum: Forum, export: ImportedExport, progress: Callable[[int], None]
) -> ImportReport:
    return journeys.import_responses(session, forum, export, progress=progress)


def start_import(app: Flask, upload_id: str, forum_id: int, export: ImportedExport) -> threading.Thread:
    """Import a claimed upload in a thread of its own, with the app's context and a database session
    of its own; returns the thread (tests wait for it)."""
    sessions = db.sessionmaker(app)

    def work() -> None:
        with app.app_context(), sessions() as session:
            uploads.run_import(session, sessions, upload_id, forum_id, export, _importer)

    thread = threading.Thread(target=work, name=f"survey-import-{upload_id[:8]}", daemon=True)
    thread.start()
    return thread


def _progress_url(upload_id: str, follow: bool = False) -> str:
    if follow:
        return url_for("builder.upload_progress", upload_id=upload_id, follow=1)
    return url_for("builder.upload_progress", upload_id=upload_id)


def _mapping_page(
    staged: Staged,
    chosen: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    check: DryRun | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "builder/mapping.html",
        staged=staged,
        tool=TOOL_NAMES[staged.export.tool],
        chosen=chosen,
        errors=errors or {},
        check=check,
        kinds=KIND_NAMES,
        skip=uploads.SKIP,
        keep=uploads.KEEP,
        prefix=uploads.FIELD_PREFIX,
    ), status


@bp.get("/staff/surveys/import/<upload_id>/progress")
@role_required("lead")
def upload_progress(upload_id: str) -> Page:
    upload = uploads.find_upload(db.session, current_membership().forum_id, upload_id)
    if upload is None:
        abort(404)
    if upload.status == UPLOAD_STAGED:  # not started: the mapping page
        return redirect(url_for("builder.upload_mapping", upload_id=upload_id))
    shown = uploads.import_progress(upload)
    follow = request.args.get("follow") == "1"
    return render_template(
        "builder/upload_progress.html",
        progress=shown,
        upload_id=upload_id,
        tool=TOOL_NAMES.get(shown.figures.get("tool", ""), ""),
        follow=follow,
        refresh=REFRESH_SECONDS if follow and shown.state == "importing" else 0,
    )
