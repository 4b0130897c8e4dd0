"""Routes of candidate quotes: a lead's quote choices for an answer, and the overview of them all.

The rules live in ``quotes``. The choices are made in the "Quote for the evidence pack" section of an
answer's coding page (``workspace_views.coding_answer`` shows it to leads and coders; only leads may
change it). Choices that cannot be saved bring the coding page back with the reason, not a redirect,
so the audit log records only choices that were saved.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from forum_app.coding.answer import AnswerNotFound
from forum_app.coding.filters import filter_options, parse_filters
from forum_app.coding.views import answer_page
from forum_app.extensions import db
from forum_app.quotes import bp, candidates
from forum_app.security import current_membership, role_required
from forum_app.surveys.answer_ids import answer_number
from forum_app.views import Page

FIELD = "quote_theme"


def _saved_message(answer_id: str, marked: candidates.Marked, labels: dict[str, str]) -> str:
    if not marked.changed:
        return f"Nothing changed: answer {answer_id}’s quote choices were already as you left them."
    if not marked.themes:
        return f"Saved: answer {answer_id} is no longer a candidate quote."
    chosen = "; ".join(labels.get(theme, theme) for theme in marked.themes)
    return f"Saved: answer {answer_id} is a candidate quote for {chosen}."


@bp.post("/staff/coding/<answer_id>/quotes")
@role_required("lead")
def choices(answer_id: str) -> Page:
    member = current_membership()
    number = answer_number(db.session, member.forum_id, answer_id)
    if number is None:
        abort(404)
    options = filter_options(db.session, member.forum_id)
    parsed = parse_filters(request.args.to_dict(), options, member.user_id)
    ticked = [value[:64] for value in request.form.getlist(FIELD)[:100]]
    try:
        marked = candidates.mark(db.session, member.forum_id, number, ticked, member.user_id)
    except AnswerNotFound:
        abort(404)
    except candidates.QuoteError as refused:
        return answer_page(number, quote_error=str(refused), quote_ticked=ticked)
    flash(_saved_message(answer_id, marked, options.theme_labels), "notice")
    return redirect(url_for("coding.answer", answer_id=answer_id, **parsed.filters.query()), 303)


@bp.get("/staff/quotes")
@role_required("lead")
def overview() -> Page:
    member = current_membership()
    found = candidates.overview(db.session, member.forum_id, member.user_id)
    return render_template("quotes/overview.html", overview=found)
