"""Routes of the coding workspace: the queue, coding one answer, undo and bulk acceptance.

Views stay thin: the rules live in ``queue``, ``answer``, ``undo``, ``bulk`` and ``filters``. Leads
and coders code; viewers may not (403). The filters travel in the query string, so "Save and next",
"Skip", undo and bulk acceptance all keep the queue the coder chose. Everything works without
JavaScript; ``static/coding.js`` adds shortcuts.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.coding import bp
from forum_app.coding.answer import AnswerNotFound, coding_screen, save_coding
from forum_app.coding.bulk import ThresholdError, bulk_accept, bulk_screen, bulk_threshold, set_bulk_threshold
from forum_app.coding.decisions import DecisionError
from forum_app.coding.filters import Filters, filter_options, parse_filters
from forum_app.coding.labels import percent
from forum_app.coding.phrases import phrases_of
from forum_app.coding.queue import next_in_queue, queue_screen
from forum_app.coding.undo import undo_last
from forum_app.extensions import db
from forum_app.quotes import candidates
from forum_app.security import current_membership, role_required
from forum_app.surveys.answer_ids import answer_number, public_id
from forum_app.views import Page

NOTICE, PROBLEM = "notice", "problem"  # flash categories


def _answer_id(value: str) -> int:
    """This forum's answer named by its public id in the address, or 404."""
    found = answer_number(db.session, current_membership().forum_id, value)
    if found is None:
        abort(404)
    return found


def _filters() -> Filters:
    """The queue's filters from the query string (invalid ones are left out; the queue page says why)."""
    member = current_membership()
    options = filter_options(db.session, member.forum_id)
    return parse_filters(request.args.to_dict(), options, member.user_id).filters


def _queue(filters: Filters) -> WerkzeugResponse:
    return redirect(url_for("coding.queue", **filters.query()), 303)


def _answer(answer_id: int, filters: Filters) -> WerkzeugResponse:
    named = public_id(db.session, answer_id)
    return redirect(url_for("coding.answer", answer_id=named, **filters.query()), 303)


@bp.get("/staff/coding")
@role_required("lead", "coder")
def queue() -> Page:
    member = current_membership()
    screen = queue_screen(
        db.session,
        member.forum_id,
        member.user_id,
        request.args.to_dict(),
        request.args.get("page", 1, type=int),
    )
    status = 422 if screen.parsed.errors else 200  # the queue is still shown, without the bad filters
    return render_template("coding/queue.html", screen=screen, lead=member.role == "lead"), status


@bp.get("/staff/coding/next")
@role_required("lead", "coder")
def next_answer() -> Page:
    """The first answer of the queue, or the queue itself when it is empty."""
    filters = _filters()
    found = next_in_queue(db.session, current_membership().forum_id, filters)
    if found is None:
        flash("There are no answers to code here.", NOTICE)
        return _queue(filters)
    return _answer(found, filters)


@bp.route("/staff/coding/<answer_id>", methods=["GET", "POST"])
@role_required("lead", "coder")
def answer(answer_id: str) -> Page:
    member = current_membership()
    number = _answer_id(answer_id)
    error = ""
    if request.method == "POST":
        filters = _filters()
        try:
            following = save_coding(
                db.session,
                member.forum_id,
                member.user_id,
                number,
                themes=request.form.getlist("theme"),
                sentiment=request.form.get("sentiment", ""),
                filters=filters,
                seen=request.form.get("seen") or None,
            )
        except AnswerNotFound:
            abort(404)
        except DecisionError as refused:
            error = str(refused)
        else:
            flash(f"Saved your coding of answer {answer_id}.", NOTICE)
            if following is None:
                flash("That was the last answer here: nothing is left to code with these filters.", NOTICE)
                return _queue(filters)
            return _answer(following, filters)
    return answer_page(number, error=error)


def answer_page(number: int, error: str = "", **quote: Any) -> str:
    """The page of one answer to code, with the quote choices (``quote_error``, ``quote_ticked``) and
    the coded phrases' form (``phrase_error``, ``phrase_words``, ``phrase_theme``)."""
    member = current_membership()
    screen = coding_screen(db.session, member.forum_id, member.user_id, number, request.args.to_dict())
    if screen is None:
        abort(404)
    labels = {theme.theme_id: theme.label for theme in screen.answer.themes}
    return render_template(
        "coding/answer.html",
        screen=screen,
        error=error,
        phrases=phrases_of(db.session, number, member.user_id, labels),
        quote=candidates.quote_panel(db.session, member.forum_id, number),
        lead=member.role == "lead",
        **quote,
    )


@bp.route("/staff/coding/undo", methods=["GET", "POST"])
@role_required("lead", "coder")
def undo() -> Page:
    """Undo the user's last decision (a whole bulk run at once) and go back to that answer.

    Only a POST undoes. A GET (the address reloaded or bookmarked; without it, ``/staff/coding/undo``
    would be read as an answer's address) leads to the queue and changes nothing."""
    member = current_membership()
    filters = _filters()
    if request.method == "GET":
        return _queue(filters)
    try:
        undone = undo_last(db.session, member.forum_id, member.user_id)
    except DecisionError as refused:
        flash(str(refused), PROBLEM)
        came_from = request.form.get("from", "")
        number = answer_number(db.session, member.forum_id, came_from)
        return _answer(number, filters) if number is not None else _queue(filters)
    if undone.answer_id is None:
        skipped = (
            f" {undone.skipped:,} others were changed since, so they were left as they are."
            if undone.skipped
            else ""
        )
        flash(f"Undone: {undone.count:,} answers accepted in bulk are back in the queue.{skipped}", NOTICE)
        return _queue(filters)
    named = public_id(db.session, undone.answer_id)
    flash(f"Undone: answer {named} is back as it was before your last decision.", NOTICE)
    return _answer(undone.answer_id, filters)


@bp.route("/staff/coding/bulk", methods=["GET", "POST"])
@role_required("lead", "coder")
def bulk() -> Page:
    """How many answers the lead's threshold would accept; the form to accept them."""
    member = current_membership()
    if request.method == "POST":
        filters = _filters()
        threshold = bulk_threshold(db.session, member.forum_id)  # never the form's
        count = bulk_accept(db.session, member.forum_id, member.user_id, threshold, filters)
        flash(
            f"Accepted the suggestions of {count:,} {'answer' if count == 1 else 'answers'}. "
            "“Undo my last decision” takes them all back.",
            NOTICE,
        )
        return _queue(filters)
    return _bulk_page()


@bp.post("/staff/coding/bulk/threshold")
@role_required("lead")
def threshold() -> Page:
    member = current_membership()
    try:
        threshold = set_bulk_threshold(db.session, member.forum_id, request.form.get("threshold", ""))
    except ThresholdError as refused:
        return _bulk_page(str(refused), request.form.get("threshold", ""))
    flash(f"The threshold for bulk acceptance is now {percent(threshold)}%.", NOTICE)
    return redirect(url_for("coding.bulk", **_filters().query()), 303)


def _bulk_page(error: str = "", typed: str | None = None) -> str:
    member = current_membership()
    screen = bulk_screen(db.session, member.forum_id, member.user_id, request.args.to_dict())
    return render_template(
        "coding/bulk.html", screen=screen, lead=member.role == "lead", error=error, typed=typed
    )
