"""The lead's page of the local population figures, ``/staff/packs/population``.

The area's own percentages for each pre-set group, and its totals of children and young people with an
EHC plan and with SEN support, that table T7 and the pack's summary compare the families who answered
with; and the official waiting-time figures that table T3 and chart C2 set beside families' waits.
Only leads may see or change it (coders and viewers get 403). The rules live in ``population`` and
``population_form``; a change is a POST that redirects when it is saved (so the audit log records it),
and a refused one shows the form again, as typed, with an error summary.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.extensions import db
from forum_app.packs import bp
from forum_app.packs.population import (
    MAX_DATE_CHARS,
    MAX_SOURCE_CHARS,
)
from forum_app.packs.population_form import (
    Errors,
    field_names,
    form_sections,
    population_text,
    population_version,
    save_population,
    targets,
)
from forum_app.security import current_membership, role_required

Page = str | WerkzeugResponse
NOTICE = "notice"  # flash category
SAVED = "Saved the local population figures. Packs made from now on compare with them (tables T3 and T7)."


@bp.route("/staff/packs/population", methods=["GET", "POST"])
@role_required("lead")
def population() -> Page:
    forum = current_membership().forum
    if request.method == "GET":
        return _page(population_text(forum), population_version(forum))
    typed = {name: request.form.get(name, "") for name in field_names()}
    version = request.form.get("version", "")
    errors = save_population(db.session, forum, typed, version=version or None)
    if not errors:
        flash(SAVED, NOTICE)
        return redirect(url_for("packs.population"), 303)
    if "form" in errors:  # another lead saved meanwhile: saving this form again replaces theirs
        version = population_version(forum)
    return _page(typed, version, errors)


def _page(values: dict[str, str], version: str, errors: Errors | None = None) -> str:
    sections = form_sections(values, errors or {})
    return render_template(
        "packs/population.html",
        characteristics=sections.characteristics,
        totals=sections.totals,
        official=sections.official,
        version=version,
        errors=errors or {},
        targets=targets(),
        limits={"source": MAX_SOURCE_CHARS, "date": MAX_DATE_CHARS},
    )
