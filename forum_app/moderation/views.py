"""Routes of the moderation queue: the waiting and held answers, and moderating one answer.

Views stay thin: the rules live in ``queue`` and the page data in ``contexts``. Leads and coders
moderate; viewers may not (403). Every change is a POST that redirects when it is done (so the audit
log records it); a refused one shows the answer's page again with the reason in an error summary.
After a decision the moderator goes on to the next waiting answer, or back to the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app import journeys
from forum_app.extensions import db
from forum_app.moderation import bp, contexts
from forum_app.moderation.intake import app_alerts, check_unchecked
from forum_app.moderation.models import PENDING, ModerationItem
from forum_app.moderation.queue import (
    ModerationError,
    add_redaction,
    hold,
    record_action,
    reject_as_spam,
    set_restored,
)
from forum_app.security import current_membership, role_required
from forum_app.surveys.answer_ids import public_id
from forum_app.views import Page

# Leads moderate: nobody else sees an answer before it is approved.
MODERATORS = ("lead",)
NOTICE = "notice"  # flash category


def _item(answer_id: str) -> ModerationItem:
    """This forum's item for the answer's public id, or 404 (another forum's items do not exist here)."""
    found = contexts.find_item(db.session, current_membership().forum_id, answer_id)
    if found is None:
        abort(404)
    return found


def _item_page(item: ModerationItem, error: str = "", target: str = "decision", **typed: str) -> str:
    screen = contexts.item_screen(db.session, item)
    return render_template("moderation/item.html", screen=screen, error=error, target=target, typed=typed)


def _to_item(item: ModerationItem) -> WerkzeugResponse:
    return redirect(url_for("moderation.item", answer_id=item.answer.public_id), 303)


def _next(after: int | None = None) -> WerkzeugResponse:
    """After a decision: the answer that followed this one (``after``) if it is still in the queue,
    else the first waiting answer, or the queue when none is left."""
    forum_id = current_membership().forum_id
    following = after if contexts.still_waiting(db.session, forum_id, after) else None
    following = following or contexts.next_waiting(db.session, forum_id)
    if following is None:
        flash("There are no more answers waiting.", NOTICE)
        return redirect(url_for("moderation.queue"), 303)
    return redirect(url_for("moderation.item", answer_id=public_id(db.session, following)), 303)


@bp.app_context_processor
def _navigation() -> dict[str, Callable[[], Any]]:
    """``moderation_waiting()`` for the staff menu and ``safeguarding_concerns()`` for the staff home
    page (flagged answers nobody has recorded an action for): counted only when a page asks."""

    def waiting() -> int:
        member = getattr(g, "membership", None)
        return contexts.waiting_count(db.session, member.forum_id) if member is not None else 0

    def concerns() -> contexts.ConcernSummary | None:
        member = getattr(g, "membership", None)
        if member is None or member.role not in MODERATORS:
            return None
        return contexts.concern_summary(db.session, member.forum_id)

    return {"moderation_waiting": waiting, "safeguarding_concerns": concerns}


@bp.get("/staff/moderation")
@role_required(*MODERATORS)
def queue() -> Page:
    check_unchecked(db.session, current_membership().forum_id, alerts=app_alerts())  # after a failed check
    screen = contexts.queue_screen(
        db.session,
        current_membership().forum_id,
        request.args.get("status", PENDING),
        request.args.get("page", 1, type=int),
    )
    return render_template("moderation/queue.html", screen=screen)


@bp.route("/staff/moderation/bulk", methods=["GET", "POST"])
@role_required(*MODERATORS)
def bulk_approve() -> Page:
    """Approve the waiting answers with no flag and no redaction: the list first, then exactly those."""
    forum_id = current_membership().forum_id
    if request.method == "GET":
        return render_template("moderation/bulk.html", screen=contexts.bulk_screen(db.session, forum_id))
    named, shown = contexts.parse_ids(db.session, forum_id, request.form.getlist("answer_id"))
    approved = journeys.approve_answers(
        db.session, forum_id, shown, current_membership().user_id, clean_only=True
    )
    skipped = named - len(approved)
    count = len(approved)
    flash(
        f"Approved {count} {'answer' if count == 1 else 'answers'}: "
        f"{'its original words are' if count == 1 else 'their original words are'} deleted and "
        f"{'it has' if count == 1 else 'they have'} gone to coding."
        + (
            f" {skipped} {'answer' if skipped == 1 else 'answers'} changed after the list was shown "
            "(held, redacted, flagged or decided by someone else) and "
            f"{'was' if skipped == 1 else 'were'} left as {'it is' if skipped == 1 else 'they are'}."
            if skipped
            else ""
        ),
        NOTICE,
    )
    return redirect(url_for("moderation.queue"), 303)


@bp.get("/staff/moderation/<answer_id>")
@role_required(*MODERATORS)
def item(answer_id: str) -> Page:
    return _item_page(_item(answer_id))


def _change(answer_id: str, change: Callable[[ModerationItem], Page], target: str = "decision") -> Page:
    """Make a change to one item still in the queue: where ``change`` goes next, or the item's page
    with the reason it was refused (``target`` is the field the error summary links to)."""
    found = _item(answer_id)
    try:
        contexts.check_in_queue(found)
        return change(found)
    except ModerationError as refused:
        return _item_page(found, str(refused), target)


def _restore(answer_id: str, restored: bool, done: str) -> Page:
    """Show the words of the redaction the form names as written (``restored``), or hide them again."""

    def change(found: ModerationItem) -> Page:
        set_restored(db.session, found, contexts.parse_index(request.form.get("index")), restored)
        flash(done, NOTICE)
        return _to_item(found)

    return _change(answer_id, change, "redactions")


@bp.post("/staff/moderation/<answer_id>/restore")
@role_required(*MODERATORS)
def restore(answer_id: str) -> Page:
    """The redaction was not personal: show those words as written."""
    return _restore(answer_id, True, "Those words are now shown as written, to coders too.")


@bp.post("/staff/moderation/<answer_id>/redact-again")
@role_required(*MODERATORS)
def redact_again(answer_id: str) -> Page:
    return _restore(answer_id, False, "Those words are redacted again.")


@bp.post("/staff/moderation/<answer_id>/redact")
@role_required(*MODERATORS)
def add(answer_id: str) -> Page:
    """Redact something the automatic check missed, wherever it appears in the answer."""
    found = _item(answer_id)
    phrase, kind = request.form.get("phrase", ""), request.form.get("kind", "")
    try:
        contexts.check_in_queue(found)
    except ModerationError as refused:
        return _item_page(found, str(refused))
    try:
        count = add_redaction(db.session, found, phrase, kind)
        if not count:
            raise ModerationError(contexts.NOT_FOUND)
    except ModerationError as refused:
        target = contexts.redaction_error_field(phrase, kind)
        return _item_page(found, str(refused), target, phrase=phrase, kind=kind)
    flash(f"Redacted {count} {'place' if count == 1 else 'places'}.", NOTICE)
    return _to_item(found)


@bp.post("/staff/moderation/<answer_id>/approve")
@role_required(*MODERATORS)
def approve_answer(answer_id: str) -> Page:
    def change(found: ModerationItem) -> Page:
        after = contexts.following(db.session, found)
        journeys.approve(db.session, found, current_membership().user_id)
        flash(
            f"Approved answer {found.answer.public_id}: its original words are deleted and it has gone to "
            "coding.",
            NOTICE,
        )
        return _next(after)

    return _change(answer_id, change)


@bp.post("/staff/moderation/<answer_id>/hold")
@role_required(*MODERATORS)
def hold_answer(answer_id: str) -> Page:
    def change(found: ModerationItem) -> Page:
        after = contexts.following(db.session, found)
        hold(db.session, found, current_membership().user_id, held=True)
        flash(f"Held answer {found.answer.public_id}: it waits in “Held” until someone approves it.", NOTICE)
        return _next(after)

    return _change(answer_id, change)


@bp.post("/staff/moderation/<answer_id>/release")
@role_required(*MODERATORS)
def release(answer_id: str) -> Page:
    """Put a held answer back in the queue (and stay on it)."""

    def change(found: ModerationItem) -> Page:
        hold(db.session, found, current_membership().user_id, held=False)
        flash(f"Answer {found.answer.public_id} is back in the queue of waiting answers.", NOTICE)
        return _to_item(found)

    return _change(answer_id, change)


@bp.route("/staff/moderation/<answer_id>/spam", methods=["GET", "POST"])
@role_required(*MODERATORS)
def spam(answer_id: str) -> Page:
    """Are you sure? Then move the whole response to the spam folder."""
    found = _item(answer_id)
    if request.method == "GET":
        return render_template("moderation/spam.html", screen=contexts.item_screen(db.session, found))
    try:
        contexts.check_in_queue(found)
        reject_as_spam(db.session, found)
    except ModerationError as refused:
        return _item_page(found, str(refused))
    flash(
        f"Moved response {found.response_id[:8]} to the spam folder: its answers are out of the queue "
        "and counted nowhere.",
        NOTICE,
    )
    return _next()


@bp.post("/staff/moderation/<answer_id>/safeguarding")
@role_required(*MODERATORS)
def record_safeguarding(answer_id: str) -> Page:
    """Record what was done about a safeguarding concern, from the fixed list (no free text)."""
    found = _item(answer_id)
    try:
        record_action(db.session, found, request.form.get("action", ""), current_membership().user_id)
    except ModerationError as refused:
        return _item_page(found, str(refused), "safeguarding-action")
    flash("Recorded what was done about this concern, with your name and the time.", NOTICE)
    return redirect(url_for("moderation.item", answer_id=found.answer.public_id, _anchor="safeguarding"), 303)
