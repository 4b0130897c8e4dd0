"""Staff pages that make a survey (from a starter, or from a survey file) and download a survey file.

Making one is for leads; every member may download a survey's file to share it with another forum.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import StringField

from forum_app.builder import bp, files, starters
from forum_app.builder.drafts import SlugTaken
from forum_app.builder.files import MAX_FILE_BYTES, SurveyFileError
from forum_app.builder.starters import STARTERS, slug_problem, suggest_slug, title_problem
from forum_app.extensions import csrf, db
from forum_app.inputs import UPLOADS, refuse_files
from forum_app.security import current_membership, role_required
from forum_app.surveys.definitions import DEFAULT_SURVEY_SLUG
from forum_app.surveys.fields import clean_text
from forum_app.views import Page

# A whole upload: the file (at most 1 MB) and the form around it. Larger requests are refused unread.
IMPORT_REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024
Errors = dict[str, list[str]]


class NewSurveyForm(FlaskForm):
    starter = StringField("Start from")  # one of STARTERS, drawn as radios and checked by the view
    title = StringField("Title")
    slug = StringField("Address")


class ImportDefinitionForm(FlaskForm):
    survey_file = FileField("Survey file")
    slug = StringField("A new address (optional)")


def _edit_url(slug: str) -> str:
    """The builder's edit page of the survey at ``slug``."""
    return f"{url_for('builder.surveys')}/{slug}/edit"


def _taken(slug: str) -> str:
    return f"The forum already has a survey at the address ‘{slug}’: choose another address"


@bp.route("/staff/surveys/new", methods=["GET", "POST"])
@role_required("lead")
def new() -> Page:
    form = NewSurveyForm()
    if not form.is_submitted():
        form.starter.data = DEFAULT_SURVEY_SLUG
        return _new_page(form, {})
    title = clean_text(form.title.data)
    form.slug.data = (form.slug.data or "").strip() or suggest_slug(title)
    errors: Errors = {}
    if starters.starter(form.starter.data or "") is None:
        errors["starter"] = ["Select what to start from"]
    for name, problem in (("title", title_problem(title)), ("slug", slug_problem(form.slug.data))):
        if problem:
            errors[name] = [problem]
    if not errors:
        try:
            survey = starters.new_survey(
                db.session, current_membership().forum_id, form.starter.data or "", title, form.slug.data
            )
        except SlugTaken:
            errors["slug"] = [_taken(form.slug.data)]
        else:
            flash(f"‘{survey.title}’ is made. It is a draft: nobody can answer it until it is published.")
            return redirect(_edit_url(survey.slug))
    return _new_page(form, errors, 422)


def _new_page(form: NewSurveyForm, errors: Errors, status: int = 200) -> tuple[str, int]:
    form.starter.errors = errors.get("starter", [])  # the radios macro shows a field's own errors
    options = [
        (found.id, found.name, f"{found.about} {_size(found.questions, found.minutes)}") for found in STARTERS
    ]
    return render_template(
        "builder/new.html",
        form=form,
        errors=errors,
        options=options,
        targets={"starter": "starter-0"},
    ), status


def _size(questions: int, minutes: int) -> str:
    noun = "question" if questions == 1 else "questions"
    return f"{questions} {noun}, about {minutes} minutes."


@bp.route("/staff/surveys/import-survey", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger size limit for uploads is set
@role_required("lead")
def import_definition() -> Page:
    request.max_content_length = IMPORT_REQUEST_LIMIT
    try:
        csrf.protect()  # only for POST; a missing or stale token is the usual "page has expired"
        refuse_files(UPLOADS["builder.import_definition"])
        form = ImportDefinitionForm()
    except RequestEntityTooLarge:
        too_large = "The file is larger than 1 MB. Choose a smaller file."
        return _import_page(ImportDefinitionForm(formdata=None), {"survey_file": [too_large]}, 413)
    if not form.is_submitted():
        return _import_page(form, {})
    errors: Errors = {}
    slug = (form.slug.data or "").strip()
    problem = slug_problem(slug) if slug else None
    upload = form.survey_file.data
    if problem:
        errors["slug"] = [problem]
    elif upload is None or not getattr(upload, "filename", ""):
        errors["survey_file"] = ["Choose a survey file to import"]
    else:
        try:
            survey = files.import_survey(
                db.session, current_membership().forum_id, upload.read(MAX_FILE_BYTES + 1), slug
            )
        except SurveyFileError as refused:
            errors["survey_file"] = [str(refused)]
        except SlugTaken as taken:
            errors["slug"] = [f"{_taken(str(taken))}, and choose the file again"]
        else:
            flash(
                f"‘{survey.title}’ is imported from {upload.filename}. It is a draft until it is published."
            )
            return redirect(_edit_url(survey.slug))
    return _import_page(form, errors, 422)


def _import_page(form: ImportDefinitionForm, errors: Errors, status: int = 200) -> tuple[str, int]:
    limits = {
        "questions": files.MAX_QUESTIONS,
        "options": files.MAX_OPTIONS,
        "text": files.MAX_TEXT,
    }
    return render_template("builder/import_definition.html", form=form, errors=errors, limits=limits), status


@bp.get("/staff/surveys/<slug>/survey.json")
def export_definition(slug: str) -> WerkzeugResponse:
    document = files.definition_for_export(db.session, current_membership().forum_id, slug)
    if document is None:
        abort(404)
    response = Response(files.export_definition(document), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{files.export_filename(slug)}"'
    return response
