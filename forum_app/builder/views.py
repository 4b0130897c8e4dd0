"""Staff pages of the forum's surveys: the list and one survey's page (every member), then the builder's
pages (leads): the draft's questions, one question, the preview, publishing, and open and close dates.

Every change to the draft is sent with the revision the page was drawn from: if another lead saved in
between, nothing is saved and the page says so (409). A change that cannot be made is shown on its page
with the reason (422). A change made redirects (303).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from forum_app.accounts.roles import current_membership, role_required
from forum_app.builder import bp, editing, local_lists, overview, publishing
from forum_app.builder.drafts import Draft, DraftChanged, save_draft
from forum_app.builder.editing import EditRefused, QuestionChanges
from forum_app.builder.forms import (
    ActionForm,
    AddQuestionForm,
    DatesForm,
    DetailsForm,
    MoveForm,
    QuestionForm,
    RevisionForm,
)
from forum_app.builder.lookups import draft_or_404, survey_or_404
from forum_app.builder.paper import print_languages
from forum_app.builder.routing import routing_problems
from forum_app.db import today
from forum_app.extensions import db
from forum_app.i18n import LANGUAGES
from forum_app.inputs import whole_number
from forum_app.surveys.definitions import DefinitionError, parse_definition
from forum_app.surveys.fields import question_form_class
from forum_app.surveys.models import Survey
from forum_app.surveys.services import takes_responses
from forum_app.views import Page

STALE = (
    "Another lead changed this survey after you opened this page, so your change was not saved. "
    "This is the survey as it is now: make your change again if it is still needed."
)


@bp.get("/staff/surveys")
def surveys() -> Page:
    membership = current_membership()
    rows = overview.forum_surveys(db.session, membership.forum_id)
    return render_template("builder/surveys.html", rows=rows, lead=membership.role == "lead")


@bp.get("/staff/surveys/<slug>")
def survey(slug: str) -> Page:
    return _survey_page(survey_or_404(slug))


def _survey_page(found: Survey, errors: list[str] | None = None, status: int = 200) -> Page:
    return render_template(
        "builder/survey.html",
        survey=found,
        versions=publishing.survey_versions(db.session, found.id),
        taking=takes_responses(found, today()),
        lead=current_membership().role == "lead",
        form=ActionForm(),
        errors={"form": errors} if errors else {},
        paper_languages=print_languages(db.session, found, frozenset(LANGUAGES)),
    ), status


# --- the draft's questions ----------------------------------------------------------------------


def _edit_page(
    found: Survey,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    add_form: AddQuestionForm | None = None,
) -> Page:
    draft = draft_or_404(found)
    problems = routing_problems(draft.document)
    versions = publishing.survey_versions(db.session, found.id)
    shown = dict(errors or {})
    add_form = add_form or AddQuestionForm(formdata=None)
    for name in ("title", "kind"):
        if name in shown:
            getattr(add_form, name).errors = shown[name]
    if problems:
        shown["questions"] = problems
    return render_template(
        "builder/edit.html",
        survey=found,
        draft=draft,
        rows=editing.question_rows(draft.document),
        problems=problems,
        next_number=(versions[0].number + 1) if versions else 1,
        add_form=add_form,
        errors=shown,
    ), status


@bp.get("/staff/surveys/<slug>/edit")
@role_required("lead")
def edit(slug: str) -> Page:
    return _edit_page(survey_or_404(slug))


def _change(
    found: Survey,
    form: RevisionForm,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    add_form: AddQuestionForm | None = None,
) -> Page | None:
    """Apply ``change`` to the draft and save it at the form's revision; the page to show when that
    failed (stale, refused), None when saved."""
    revision = form.revision_number()
    draft = draft_or_404(found)
    if revision is None or revision != draft.revision:
        return _edit_page(found, {"form": [STALE]}, 409)
    try:
        save_draft(db.session, found.id, change(draft.document), revision)
    except EditRefused as refused:
        return _edit_page(found, {name: [message] for name, message in refused.errors.items()}, 422, add_form)
    except DefinitionError as error:
        return _edit_page(found, {"form": [str(error)]}, 422)
    except DraftChanged:
        return _edit_page(found, {"form": [STALE]}, 409)
    return None


@bp.post("/staff/surveys/<slug>/questions")
@role_required("lead")
def add_question(slug: str) -> Page:
    found = survey_or_404(slug)
    form = AddQuestionForm()
    if not form.validate():
        abort(400)
    taken = publishing.published_keys(db.session, found.id)
    added: list[str] = []

    def change(document: dict[str, Any]) -> dict[str, Any]:
        changed, key = editing.add_question(document, form.kind.data or "", form.title.data or "", taken)
        added.append(key)
        return changed

    failed = _change(found, form, change, form)
    if failed is not None:
        return failed
    flash("Added the question. Now write its hint, options and who sees it.")
    return redirect(url_for("builder.question", slug=slug, question_key=added[0]), 303)


@bp.post("/staff/surveys/<slug>/questions/<question_key>/move")
@role_required("lead")
def move(slug: str, question_key: str) -> Page:
    found = survey_or_404(slug)
    form = MoveForm()
    if not form.validate():
        abort(400)
    direction = form.direction.data or ""
    if direction not in ("up", "down"):
        return _edit_page(found, {"form": ["Choose to move the question up or down"]}, 422)
    try:
        failed = _change(found, form, lambda d: editing.move_question(d, question_key, direction))
    except LookupError:
        abort(404)
    if failed is not None:
        return failed
    return redirect(url_for("builder.edit", slug=slug, _anchor=f"q-{question_key}"), 303)


@bp.post("/staff/surveys/<slug>/questions/<question_key>/remove")
@role_required("lead")
def remove(slug: str, question_key: str) -> Page:
    found = survey_or_404(slug)
    form = RevisionForm()
    if not form.validate():
        abort(400)
    title = editing.title_of(draft_or_404(found).document, question_key)
    try:
        failed = _change(found, form, lambda d: editing.remove_question(d, question_key))
    except LookupError:
        abort(404)
    if failed is not None:
        return failed
    flash(f"Removed “{title}” from the draft. Answers already given to it are kept with their version.")
    return redirect(url_for("builder.edit", slug=slug), 303)


# --- one question --------------------------------------------------------------------------------


def _question_form(question: dict[str, Any], revision: int) -> QuestionForm:
    bounds = {
        name: "" if question.get(key) is None else str(question.get(key))
        for name, key in (("minimum", "min"), ("maximum", "max"))
    }
    return QuestionForm(
        formdata=None,
        data={
            "title": question.get("title", ""),
            "hint": question.get("hint", ""),
            "error": question.get("error", ""),
            "label": question.get("label", ""),
            "required": "yes" if question.get("required", True) else "no",
            "options": editing.options_text(question),
            **bounds,
            "revision": str(revision),
        },
    )


def _changes(form: QuestionForm) -> QuestionChanges:
    return QuestionChanges(
        title=form.title.data or "",
        hint=form.hint.data or "",
        error=form.error.data or "",
        label=form.label.data or "",
        required=form.required.data != "no",
        options=form.options.data or "",
        minimum=form.minimum.data or "",
        maximum=form.maximum.data or "",
        show_if=editing.read_show_if([str(v) for v in form.show_if.data or []]),
    )


def _question_page(
    found: Survey, draft: Draft, key: str, form: QuestionForm, errors: dict[str, list[str]], status: int
) -> Page:
    question = editing.find_question(draft.document, key)
    keys = [row.key for row in editing.question_rows(draft.document)]
    return render_template(
        "builder/question.html",
        survey=found,
        question=question,
        number=keys.index(key) + 1,
        kind=editing.KIND_NAMES.get(str(question.get("type")), ""),
        form=form,
        choices=editing.condition_choices(draft.document, key),
        ticked=set(form.show_if.data or []) if status != 200 else None,
        errors=errors,
        on_its_own=editing.ON_ITS_OWN,
        lists=local_lists.offered(found.forum, question),
    ), status


@bp.route("/staff/surveys/<slug>/questions/<question_key>", methods=["GET", "POST"])
@role_required("lead")
def question(slug: str, question_key: str) -> Page:
    found = survey_or_404(slug)
    draft = draft_or_404(found)
    try:
        current = editing.find_question(draft.document, question_key)
    except LookupError:
        abort(404)
    form = QuestionForm()
    if not form.is_submitted():
        shown = _question_form(current, draft.revision)
        filled = local_lists.fill_options(found.forum, current, request.args.get("fill", ""))
        if filled is not None:
            shown.options.data = filled
        return _question_page(found, draft, question_key, shown, {}, 200)
    if not form.validate():
        abort(400)
    revision = form.revision_number()
    try:
        if revision != draft.revision:
            raise DraftChanged(found.id)
        changed = editing.edit_question(draft.document, question_key, _changes(form))
        save_draft(db.session, found.id, changed, draft.revision)
    except EditRefused as refused:
        errors = {name: [message] for name, message in refused.errors.items()}
        return _question_page(found, draft, question_key, form, errors, 422)
    except DefinitionError as error:
        return _question_page(found, draft, question_key, form, {"form": [str(error)]}, 422)
    except DraftChanged:
        draft = draft_or_404(found)
        try:
            current = editing.find_question(draft.document, question_key)
        except LookupError:
            return _edit_page(found, {"form": [STALE]}, 409)
        fresh = _question_form(current, draft.revision)
        return _question_page(found, draft, question_key, fresh, {"form": [STALE]}, 409)
    flash(f"Saved “{editing.title_of(changed, question_key)}”.")
    return redirect(url_for("builder.edit", slug=slug, _anchor=f"q-{question_key}"), 303)


def _details_page(found: Survey, form: DetailsForm, errors: dict[str, list[str]], status: int = 200) -> Page:
    return render_template("builder/survey_details.html", survey=found, form=form, errors=errors), status


@bp.route("/staff/surveys/<slug>/details", methods=["GET", "POST"])
@role_required("lead")
def details(slug: str) -> Page:
    found = survey_or_404(slug)
    draft = draft_or_404(found)
    document = draft.document
    shown = {
        "title": document.get("title", ""),
        "summary": document.get("summary", ""),
        "minutes": str(document.get("minutes", 10)),
        "revision": str(draft.revision),
    }
    if not DetailsForm().is_submitted():
        return _details_page(found, DetailsForm(formdata=None, data=shown), {})
    form = DetailsForm()
    if not form.validate():
        abort(400)
    try:
        if form.revision_number() != draft.revision:
            raise DraftChanged(found.id)
        changed = editing.edit_details(
            document, form.title.data or "", form.summary.data or "", form.minutes.data or ""
        )
        save_draft(db.session, found.id, changed, draft.revision)
    except EditRefused as refused:
        return _details_page(found, form, {name: [message] for name, message in refused.errors.items()}, 422)
    except DraftChanged:
        fresh = draft_or_404(found)
        shown.update(
            title=fresh.document.get("title", ""),
            summary=fresh.document.get("summary", ""),
            minutes=str(fresh.document.get("minutes", 10)),
            revision=str(fresh.revision),
        )
        return _details_page(found, DetailsForm(formdata=None, data=shown), {"form": [STALE]}, 409)
    flash("Saved the survey's title and introduction in the draft.")
    return redirect(url_for("builder.edit", slug=slug), 303)


# --- preview and publishing ---------------------------------------------------------------------


@bp.get("/staff/surveys/<slug>/preview")
@role_required("lead")
def preview(slug: str) -> Page:
    """One question of the draft a page, as a family sees it (``?question=N``, from 1), forms inert."""
    found = survey_or_404(slug)
    draft = draft_or_404(found)
    definition = parse_definition(draft.document)
    number = whole_number(request.args.get("question"), 1) or 1
    if number > len(definition.questions):
        abort(404)
    question = definition.questions[number - 1]
    max_text = current_app.config["MAX_TEXT_LENGTH"]
    form = question_form_class(question, max_text)(formdata=None, meta={"csrf": False})
    condition = editing.condition_words(draft.document, editing.find_question(draft.document, question.key))
    return render_template(
        "builder/preview.html",
        survey=found,
        definition=definition,
        question=question,
        form=form,
        number=number,
        condition=condition,
        max_text=max_text,
    )


@bp.post("/staff/surveys/<slug>/publish")
@role_required("lead")
def publish(slug: str) -> Page:
    found = survey_or_404(slug)
    form = RevisionForm()
    if not form.validate():
        abort(400)
    revision = form.revision_number()
    if revision is None:
        return _edit_page(found, {"form": [STALE]}, 409)
    try:
        result = publishing.publish(db.session, found.id, revision)
    except DraftChanged:
        return _edit_page(found, {"form": [STALE]}, 409)
    except publishing.PublishRefused as refused:
        return _edit_page(found, {"form": ["Fix these problems, then publish:", *refused.problems]}, 422)
    if result.changed:
        flash(
            f"Published version {result.number}. New responses answer it; families part-way through "
            "finish the version they started."
        )
    else:
        flash(f"Nothing has changed since version {result.number}, so nothing was published.")
    return redirect(url_for("builder.survey", slug=slug), 303)


# --- open and close ------------------------------------------------------------------------------


def _dates_page(found: Survey, form: DatesForm, errors: dict[str, list[str]], status: int = 200) -> Page:
    return render_template("builder/survey_dates.html", survey=found, form=form, errors=errors), status


@bp.route("/staff/surveys/<slug>/dates", methods=["GET", "POST"])
@role_required("lead")
def dates(slug: str) -> Page:
    found = survey_or_404(slug)
    if not DatesForm().is_submitted():
        form = DatesForm(formdata=None, data={"opens_on": found.opens_on, "closes_on": found.closes_on})
        return _dates_page(found, form, {})
    form = DatesForm()
    if not form.validate():
        errors = {
            name: list(getattr(form, name).errors)
            for name in ("opens_on", "closes_on")
            if getattr(form, name).errors
        }
        if not errors:
            abort(400)
        return _dates_page(found, form, errors, 422)
    try:
        publishing.set_dates(db.session, found.id, form.opens_on.data, form.closes_on.data)
    except publishing.DatesRefused as refused:
        return _dates_page(found, form, {"closes_on": [str(refused)]}, 422)
    flash("Saved the opening and closing dates.")
    return redirect(url_for("builder.survey", slug=slug), 303)


def _act(slug: str, action: Callable[[Any, int], None], done: str) -> Page:
    found = survey_or_404(slug)
    if not ActionForm().validate():
        abort(400)
    try:
        action(db.session, found.id)
    except publishing.DatesRefused as refused:
        return _survey_page(found, [str(refused)], 422)
    flash(done)
    return redirect(url_for("builder.survey", slug=slug), 303)


@bp.post("/staff/surveys/<slug>/close")
@role_required("lead")
def close(slug: str) -> Page:
    return _act(
        slug, publishing.close_now, "Closed the survey. It takes no new responses until you reopen it."
    )


@bp.post("/staff/surveys/<slug>/reopen")
@role_required("lead")
def reopen(slug: str) -> Page:
    return _act(slug, publishing.reopen, "Reopened the survey. It takes responses again from today.")
