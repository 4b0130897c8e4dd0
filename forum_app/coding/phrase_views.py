"""Routes of coded phrases: code some words of an answer with a theme, and take a phrase off again.

The rules live in ``phrases``. The form is on the answer's coding page (``templates/coding/phrase.html``);
words that are not in the answer bring the page back with the reason (422), so the audit log records
only phrases that were coded.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for

from forum_app.coding import bp
from forum_app.coding.answer import AnswerNotFound
from forum_app.coding.decisions import DecisionError
from forum_app.coding.phrases import PhraseError, code_phrase, remove_phrase
from forum_app.coding.views import NOTICE, _answer_id, _filters, answer_page
from forum_app.extensions import db
from forum_app.security import current_membership, role_required
from forum_app.views import Page


def _start(value: str) -> int | None:
    """A whole number from the form (a place in the text, a phrase's id), or None."""
    return int(value) if value.isdigit() and len(value) < 9 else None


def _back(answer_id: str) -> Page:
    return redirect(url_for("coding.answer", answer_id=answer_id, **_filters().query()) + "#phrases", 303)


@bp.post("/staff/coding/<answer_id>/phrases")
@role_required("lead", "coder")
def phrase(answer_id: str) -> Page:
    member = current_membership()
    number = _answer_id(answer_id)
    words = request.form.get("words", "")[:5000]
    theme = request.form.get("phrase_theme", "")[:64]
    try:
        coded = code_phrase(
            db.session,
            member.forum_id,
            number,
            theme_id=theme,
            words=words,
            user_id=member.user_id,
            start=_start(request.form.get("start", "")),
        )
    except AnswerNotFound:
        abort(404)
    except (PhraseError, DecisionError) as refused:
        return answer_page(number, phrase_error=str(refused), phrase_words=words, phrase_theme=theme), 422
    quote = " It is this answer’s candidate quote for that theme now." if coded.quote else ""
    flash(f"Coded “{coded.text[:80]}{'…' if len(coded.text) > 80 else ''}” as evidence.{quote}", NOTICE)
    return _back(answer_id)


@bp.post("/staff/coding/<answer_id>/phrases/remove", endpoint="remove_phrase")
@role_required("lead", "coder")
def remove_phrase_view(answer_id: str) -> Page:
    member = current_membership()
    number = _answer_id(answer_id)
    phrase_id = _start(request.form.get("phrase", ""))
    if phrase_id is None:
        abort(404)
    try:
        words = remove_phrase(db.session, member.forum_id, number, phrase_id, member.user_id)
    except AnswerNotFound:
        abort(404)
    shown = f"{words[:80]}{'…' if len(words) > 80 else ''}"
    flash(f"Removed the phrase “{shown}”. The answer keeps its themes.", NOTICE)
    return _back(answer_id)
