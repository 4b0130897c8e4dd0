"""Routes of the export of responses for the forum's own analysis (leads only; ``coding.export``).

The form (survey, period, format) is sent with GET to its own page: a choice with problems comes back
with a 422 and an error summary; a good one is sent on to ``coding.export_file``, whose address names
the survey, so the audit log records who exported which survey (``AUDITED``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import abort, redirect, render_template, request, send_file, url_for
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.coding import bp
from forum_app.coding.export import (
    CSV_TYPE,
    FORMATS,
    XLSX_TYPE,
    ExportChoice,
    Plan,
    SurveyChoice,
    csv_chunks,
    export_surveys,
    plan_export,
    read_choice,
    xlsx_file,
)
from forum_app.db import today
from forum_app.extensions import db
from forum_app.security import current_membership, role_required
from forum_app.views import Page

FIELDS = ("survey", "from", "to", "format")


def _form_page(
    surveys: list[SurveyChoice], values: Mapping[str, str], errors: dict[str, list[str]], status: int = 200
) -> Page:
    return render_template(
        "coding/export.html", surveys=surveys, values=values, errors=errors, formats=FORMATS
    ), status


def _query(choice: ExportChoice) -> dict[str, Any]:
    dates = {"from": choice.start, "to": choice.end}
    return {name: day.isoformat() for name, day in dates.items() if day is not None}


@bp.get("/staff/responses/export")
@role_required("lead")
def export() -> Page:
    surveys = export_surveys(db.session, current_membership().forum_id)
    values = {name: request.args.get(name, "") for name in FIELDS}
    if not request.args:
        return _form_page(surveys, values, {})
    choice, errors = read_choice(values, surveys)
    if choice is None:
        return _form_page(surveys, values, errors, 422)
    url = url_for("coding.export_file", survey_slug=choice.slug, kind=choice.kind, **_query(choice))
    return redirect(url, 303)


@bp.get("/staff/responses/export/<survey_slug>/<kind>")
@role_required("lead")
def export_file(survey_slug: str, kind: str) -> Page:
    forum_id = current_membership().forum_id
    surveys = export_surveys(db.session, forum_id)
    if kind not in FORMATS or survey_slug not in {survey.slug for survey in surveys}:
        abort(404)
    values = {"survey": survey_slug, "format": kind}
    values.update({name: request.args.get(name, "") for name in ("from", "to")})
    choice, errors = read_choice(values, surveys)
    if choice is None:
        return _form_page(surveys, values, errors, 422)
    plan = plan_export(db.session, forum_id, choice, today())
    if plan is None:
        abort(404)
    if plan.kind == "xlsx":
        workbook = xlsx_file(db.session, plan)
        return send_file(workbook, XLSX_TYPE, as_attachment=True, download_name=plan.filename)
    response = WerkzeugResponse(_streamed_csv(db.sessionmaker(), plan), content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{plan.filename}"'
    return response


def _streamed_csv(sessions: sessionmaker[Session], plan: Plan) -> Iterator[bytes]:
    """The CSV, read with a session of its own: the request's is closed before the body is sent."""
    session = sessions()
    try:
        yield from csv_chunks(session, plan)
    finally:
        session.close()
