"""The lead's page of what the pack says about the survey, ``/staff/packs/about``.

The forum's own words for the methodology points only it knows: who ran the survey, its funding and
independence; how the questionnaire was made with families and its other formats; how families were
reached; the lawful basis for the data and the DPIA reference. Only leads may see or change it (coders
and viewers get 403). The rules live in ``about``; the page is a ``settings_page``: a change is a POST
that redirects when it is saved (so the audit log records it), and a refused one shows the form again,
as typed, with an error summary.
"""

from __future__ import annotations

from typing import Any

from forum_app.forum_settings import PackAbout
from forum_app.packs import bp
from forum_app.packs.about import (
    CHANGED_MEANWHILE,
    Errors,
    about_texts,
    check_section,
    field_names,
    form_fields,
)
from forum_app.security import role_required
from forum_app.settings_page import Page, SettingsPage, settings_page

SAVED = "Saved what the pack says about the survey. Packs made from now on use it in their methodology."


def _context(values: dict[str, str], errors: Errors) -> dict[str, Any]:
    return {"fields": form_fields(values, errors), "targets": {"form": field_names()[0]}}


PAGE = SettingsPage(
    section=PackAbout,
    endpoint="packs.about",
    template="packs/about.html",
    saved=SAVED,
    changed_meanwhile=CHANGED_MEANWHILE,
    fields=field_names,
    shown=about_texts,
    check=check_section,
    context=_context,
)


@bp.route("/staff/packs/about", methods=["GET", "POST"])
@role_required("lead")
def about() -> Page:
    return settings_page(PAGE)
