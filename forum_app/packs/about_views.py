"""The lead's page of what the pack says about the survey, ``/staff/packs/about``.

The forum's own words for the methodology points only it knows: who ran the survey, its funding and
independence; how the questionnaire was made with families and its other formats; how families were
reached; the lawful basis for the data and the DPIA reference. Only leads may see or change it (coders
and viewers get 403). The rules live in ``about``; a change is a POST that redirects when it is saved
(so the audit log records it), and a refused one shows the form again, as typed, with an error summary.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.extensions import db
from forum_app.packs import bp
from forum_app.packs.about import Errors, about_version, field_names, form_fields, pack_about, save_about
from forum_app.security import current_membership, role_required

Page = str | WerkzeugResponse
NOTICE = "notice"  # flash category
SAVED = "Saved what the pack says about the survey. Packs made from now on use it in their methodology."


@bp.route("/staff/packs/about", methods=["GET", "POST"])
@role_required("lead")
def about() -> Page:
    forum = current_membership().forum
    if request.method == "GET":
        return _page(pack_about(forum), about_version(forum))
    typed = {name: request.form.get(name, "") for name in field_names()}
    version = request.form.get("version", "")
    errors = save_about(db.session, forum, typed, version=version or None)
    if not errors:
        flash(SAVED, NOTICE)
        return redirect(url_for("packs.about"), 303)
    if "form" in errors:  # another lead saved meanwhile: saving this form again replaces theirs
        version = about_version(forum)
    return _page(typed, version, errors)


def _page(values: dict[str, str], version: str, errors: Errors | None = None) -> str:
    return render_template(
        "packs/about.html",
        fields=form_fields(values, errors or {}),
        version=version,
        errors=errors or {},
        targets={"form": field_names()[0]},
    )
