"""The lead's page of the forum's local services and localities, ``/staff/surveys/local-lists``: the
option lists any question of the forum's surveys can offer. A ``settings_page``."""

from __future__ import annotations

from typing import Any

from forum_app.builder import bp
from forum_app.builder.local_lists import CHANGED_MEANWHILE, FIELDS, LIMITS, check_lists, form_values
from forum_app.forum_settings import Errors, LocalLists
from forum_app.security import role_required
from forum_app.settings_page import Page, SettingsPage, settings_page

SAVED = "Saved the local lists. A question takes a list’s names when you choose it in the builder."


def _context(values: dict[str, str], errors: Errors) -> dict[str, Any]:
    return {"values": values, "targets": {"form": FIELDS[0]}, "limits": LIMITS}


PAGE = SettingsPage(
    section=LocalLists,
    endpoint="builder.local_lists",
    template="builder/local_lists.html",
    saved=SAVED,
    changed_meanwhile=CHANGED_MEANWHILE,
    fields=lambda: FIELDS,
    shown=form_values,
    check=check_lists,
    context=_context,
)


@bp.route("/staff/surveys/local-lists", methods=["GET", "POST"])
@role_required("lead")
def local_lists() -> Page:
    return settings_page(PAGE)
