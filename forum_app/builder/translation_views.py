"""A survey's Languages page: each language the runner ships with how much of the survey is translated,
the strings downloaded as a spreadsheet for a translator (every member), and (leads) a translated
spreadsheet uploaded into the draft, a translation marked as checked, or removed.

Translations are kept in the survey's draft: families see them once the draft is published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts.roles import current_membership, role_required
from forum_app.builder import bp, translations
from forum_app.builder.drafts import DraftChanged, save_draft
from forum_app.builder.forms import RevisionForm
from forum_app.builder.lookups import draft_or_404, survey_or_404
from forum_app.builder.translations import MAX_FILE_BYTES, TranslationFileError, UploadResult
from forum_app.extensions import csrf, db
from forum_app.i18n import LANGUAGES, Language
from forum_app.inputs import UPLOADS, refuse_files
from forum_app.surveys.definitions import DefinitionError
from forum_app.surveys.models import Survey
from forum_app.views import Page

REQUEST_LIMIT = MAX_FILE_BYTES + 64 * 1024  # the file and the form around it; larger is refused unread
TOO_LARGE = "The file is larger than 1 MB. Choose a smaller file"
RESULT_KEY = "translation_upload"  # what the last upload left out, for its results page
STALE = (
    "Another lead changed this survey after you opened this page, so nothing was changed. "
    "This is the survey as it is now: try again if it is still needed."
)
Change = Callable[[dict[str, Any]], dict[str, Any]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language(code: str) -> Language:
    language = LANGUAGES.get(code)
    if language is None or language.code == "en":
        abort(404)
    return language


def _languages_page(survey: Survey, errors: list[str] | None = None, status: int = 200) -> Page:
    draft = draft_or_404(survey)
    return render_template(
        "builder/translations.html",
        survey=survey,
        rows=translations.language_rows(draft.document, list(LANGUAGES.values())),
        revision=draft.revision,
        lead=current_membership().role == "lead",
        errors={"form": errors} if errors else {},
    ), status


@bp.get("/staff/surveys/<slug>/languages", endpoint="translations")
def languages(slug: str) -> Page:
    return _languages_page(survey_or_404(slug))


@bp.get("/staff/surveys/<slug>/languages/<code>.<kind>")
def translation_download(slug: str, code: str, kind: str) -> WerkzeugResponse:
    survey = survey_or_404(slug)
    language = _language(code)
    if kind not in ("xlsx", "csv"):
        abort(404)
    rows = translations.string_rows(draft_or_404(survey).document, code)
    if kind == "xlsx":
        response = Response(translations.strings_xlsx(rows, language), mimetype=XLSX)
    else:
        response = Response(translations.strings_csv(rows, language), mimetype="text/csv")
    name = translations.download_name(survey.slug, code, kind)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/staff/surveys/<slug>/languages/<code>/upload", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger size limit for uploads is set
@role_required("lead")
def translation_upload(slug: str, code: str) -> Page:
    request.max_content_length = REQUEST_LIMIT
    try:
        csrf.protect()  # only for POST; a missing or stale token is the usual "page has expired"
        refuse_files(UPLOADS["builder.translation_upload"])
        given = request.files.get("translation_file")
    except RequestEntityTooLarge:
        return _upload_page(survey_or_404(slug), _language(code), TOO_LARGE, 413)
    survey, language = survey_or_404(slug), _language(code)
    if request.method == "GET":
        return _upload_page(survey, language)
    if given is None or not given.filename:
        return _upload_page(survey, language, "Choose the spreadsheet with the translation", 422)
    try:
        strings = translations.read_translation(given.read(MAX_FILE_BYTES + 1), language)
        result = translations.save_upload(db.session, survey.id, code, strings)
    except TranslationFileError as refused:
        return _upload_page(survey, language, str(refused).rstrip("."), 422)
    except DefinitionError as refused:
        return _upload_page(survey, language, str(refused).rstrip("."), 422)
    except DraftChanged:
        return _upload_page(survey, language, "Another lead changed the survey meanwhile: upload again", 409)
    session[RESULT_KEY] = _kept(slug, code, result)
    return redirect(url_for("builder.translation_result", slug=slug, code=code), 303)


def _kept(slug: str, code: str, result: UploadResult) -> dict[str, object]:
    return {
        "slug": slug,
        "code": code,
        "saved": result.saved,
        "extra": list(result.extra),
        "extra_count": result.extra_count,
    }


def _upload_page(survey: Survey, language: Language, error: str = "", status: int = 200) -> Page:
    return render_template(
        "builder/translation_upload.html",
        survey=survey,
        language=language,
        column=translations.translation_heading(language),
        errors={"translation_file": [error]} if error else {},
    ), status


@bp.get("/staff/surveys/<slug>/languages/<code>/uploaded")
@role_required("lead")
def translation_result(slug: str, code: str) -> Page:
    survey, language = survey_or_404(slug), _language(code)
    document = draft_or_404(survey).document
    if translations.translation_of(document, code) is None:
        return redirect(url_for("builder.translations", slug=slug))
    kept = session.get(RESULT_KEY)
    last = kept if isinstance(kept, dict) and (kept.get("slug"), kept.get("code")) == (slug, code) else {}
    return render_template(
        "builder/translation_result.html",
        survey=survey,
        language=language,
        row=next(row for row in translations.language_rows(document, [language])),
        missing=translations.missing_strings(document, code),
        extra=[str(name) for name in last.get("extra", [])],
        extra_count=int(last.get("extra_count", 0)),
        uploaded=bool(last),
    )


@bp.post("/staff/surveys/<slug>/languages/<code>/check")
@role_required("lead")
def translation_check(slug: str, code: str) -> Page:
    survey, language = survey_or_404(slug), _language(code)
    return _change(
        survey,
        lambda document: translations.with_status(document, code, "checked"),
        f"Marked the {language.english_name} translation as checked. Publish the draft for families to "
        "see it marked so.",
    )


@bp.route("/staff/surveys/<slug>/languages/<code>/remove", methods=["GET", "POST"])
@role_required("lead")
def translation_remove(slug: str, code: str) -> Page:
    survey, language = survey_or_404(slug), _language(code)
    if request.method == "GET":
        if (
            translations.translation_of(draft_or_404(survey).document, code) is None
        ):  # nothing (left) to remove
            return redirect(url_for("builder.translations", slug=slug))
        return render_template(
            "builder/translation_remove.html",
            survey=survey,
            language=language,
            revision=draft_or_404(survey).revision,
        )
    return _change(
        survey,
        lambda document: translations.without_translation(document, code),
        f"Removed the {language.english_name} translation from the draft. Families still see it in the "
        "published survey until the draft is published.",
    )


def _change(survey: Survey, change: Change, done: str) -> Page:
    """Apply ``change`` to the draft at the form's revision, then back to the Languages page."""
    form = RevisionForm()
    if not form.validate():
        abort(400)
    draft = draft_or_404(survey)
    try:
        changed = change(draft.document)
    except LookupError:
        abort(404)
    if form.revision_number() != draft.revision:
        return _languages_page(survey, [STALE], 409)
    try:
        save_draft(db.session, survey.id, changed, draft.revision)
    except DraftChanged:
        return _languages_page(survey, [STALE], 409)
    flash(done)
    return redirect(url_for("builder.translations", slug=survey.slug), 303)
