"""The lead's page of the forum's moderation settings, ``/staff/moderation/settings``.

The safeguarding procedure moderators see, who is emailed when an answer is flagged and how soon a
flag must be acted on, the names always redacted, and how long original words are kept. Only leads
may see or change it (coders and viewers get 403). The rules live in ``settings``; a change is a
POST that redirects when it is saved (so the audit log records it), and a refused one shows the form
again, as typed, with an error summary.
"""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for

from forum_app.extensions import db
from forum_app.moderation import bp
from forum_app.moderation.settings import (
    MAX_CONTACTS,
    MAX_DENY_TERMS,
    MAX_FLAG_TARGET_DAYS,
    MAX_ORIGINAL_DAYS,
    MAX_PROCEDURE_CHARS,
    MAX_TERM_CHARS,
    Errors,
    SettingsText,
    save_settings,
    settings_text,
    settings_version,
)
from forum_app.moderation.views import NOTICE
from forum_app.security import current_membership, role_required
from forum_app.surveys.respondent import Page

LIMITS = {
    "procedure": MAX_PROCEDURE_CHARS,
    "terms": MAX_DENY_TERMS,
    "term": MAX_TERM_CHARS,
    "days": MAX_ORIGINAL_DAYS,
    "contacts": MAX_CONTACTS,
    "target_days": MAX_FLAG_TARGET_DAYS,
}
SAVED = "Saved the moderation settings. Answers sent from now on are checked with them."


@bp.route("/staff/moderation/settings", methods=["GET", "POST"])
@role_required("lead")
def settings() -> Page:
    forum = current_membership().forum
    if request.method == "GET":
        return _page(settings_text(forum))
    # A form opened before these two fields existed leaves them out: they keep their stored values.
    contacts, target_days = request.form.get("safeguarding_contacts"), request.form.get("flag_target_days")
    stored = settings_text(forum)
    typed = SettingsText(
        procedure=request.form.get("procedure", ""),
        deny_list=request.form.get("deny_list", ""),
        deny_names=request.form.get("deny_names", ""),
        original_days=request.form.get("original_days", ""),
        version=request.form.get("version", ""),
        safeguarding_contacts=stored.safeguarding_contacts if contacts is None else contacts,
        flag_target_days=stored.flag_target_days if target_days is None else target_days,
    )
    errors = save_settings(
        db.session,
        forum,
        typed.procedure,
        typed.deny_list,
        typed.deny_names,
        typed.original_days,
        version=typed.version or None,
        contacts_text=contacts,
        flag_target_days_text=target_days,
    )
    if not errors:
        flash(SAVED, NOTICE)
        return redirect(url_for("moderation.settings"), 303)
    if "form" in errors:  # another lead saved meanwhile: saving this form again replaces theirs
        typed = replace(typed, version=settings_version(forum))
    return _page(typed, errors)


def _page(values: SettingsText, errors: Errors | None = None) -> str:
    return render_template(
        "moderation/settings.html",
        values=values,
        errors=errors or {},
        targets={"form": "procedure"},
        limits=LIMITS,
    )
