"""The lead's page of the forum's moderation settings, ``/staff/moderation/settings``.

The safeguarding procedure moderators see, who is emailed when an answer is flagged and how soon a
flag must be acted on, the names always redacted, and how long original words are kept. Only leads
may see or change it (coders and viewers get 403). The rules live in ``settings``; the page is a
``settings_page``: a change is a POST that redirects when it is saved (so the audit log records it),
and a refused one shows the form again, as typed, with an error summary.
"""

from __future__ import annotations

from typing import Any

from forum_app.forum_settings import ModerationSettings
from forum_app.moderation import bp
from forum_app.moderation.settings import (
    CHANGED_MEANWHILE,
    FIELDS,
    LIMITS,
    Errors,
    check_settings,
    form_values,
)
from forum_app.security import role_required
from forum_app.settings_page import Page, SettingsPage, settings_page

SAVED = "Saved the moderation settings. Answers sent from now on are checked with them."


def _context(values: dict[str, str], errors: Errors) -> dict[str, Any]:
    return {"values": values, "targets": {"form": FIELDS[0]}, "limits": LIMITS}


PAGE = SettingsPage(
    section=ModerationSettings,
    endpoint="moderation.settings",
    template="moderation/settings.html",
    saved=SAVED,
    changed_meanwhile=CHANGED_MEANWHILE,
    fields=lambda: FIELDS,
    shown=form_values,
    check=check_settings,
    context=_context,
)


@bp.route("/staff/moderation/settings", methods=["GET", "POST"])
@role_required("lead")
def settings() -> Page:
    return settings_page(PAGE)
