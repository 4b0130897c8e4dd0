"""The lead's page of the local population figures, ``/staff/packs/population``.

The area's own percentages for each pre-set group, and its totals of children and young people with an
EHC plan and with SEN support, that table T7 and the pack's summary compare the families who answered
with; and the official waiting-time figures that table T3 and chart C2 set beside families' waits.
Only leads may see or change it (coders and viewers get 403). The rules live in ``population`` and
``population_form``; the page is a ``settings_page``: a change is a POST that redirects when it is saved
(so the audit log records it), and a refused one shows the form again, as typed, with an error summary.
"""

from __future__ import annotations

from typing import Any

from forum_app.forum_settings import PackPopulation
from forum_app.packs import bp
from forum_app.packs.population import MAX_DATE_CHARS, MAX_SOURCE_CHARS
from forum_app.packs.population_form import (
    CHANGED_MEANWHILE,
    Errors,
    check_section,
    field_names,
    form_sections,
    population_values,
    targets,
)
from forum_app.security import role_required
from forum_app.settings_page import Page, SettingsPage, settings_page

SAVED = "Saved the local population figures. Packs made from now on compare with them (tables T3 and T7)."


def _context(values: dict[str, str], errors: Errors) -> dict[str, Any]:
    sections = form_sections(values, errors)
    return {
        "characteristics": sections.characteristics,
        "totals": sections.totals,
        "official": sections.official,
        "targets": targets(),
        "limits": {"source": MAX_SOURCE_CHARS, "date": MAX_DATE_CHARS},
    }


PAGE = SettingsPage(
    section=PackPopulation,
    endpoint="packs.population",
    template="packs/population.html",
    saved=SAVED,
    changed_meanwhile=CHANGED_MEANWHILE,
    fields=field_names,
    shown=population_values,
    check=check_section,
    context=_context,
)


@bp.route("/staff/packs/population", methods=["GET", "POST"])
@role_required("lead")
def population() -> Page:
    return settings_page(PAGE)
