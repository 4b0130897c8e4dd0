"""The lead's page about the forum's automatic coder: which one is in use, retraining it on the
forum's confirmed codings (in a background thread), and switching between the forum's models."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.coding import bp, learning, retraining
from forum_app.coding.export import CSV_TYPE
from forum_app.coding.retraining import (
    MIN_FORUM_EXAMPLES,
    ModelNotUsable,
    NotEnoughCodings,
    RetrainingInProgress,
    coder_page,
    start_retraining,
)
from forum_app.extensions import db
from forum_app.inputs import parse_id
from forum_app.security import current_membership, role_required
from forum_app.views import Page

# While a job runs, the page reloads itself this often (no JavaScript needed), but only when the lead
# asks for it (?follow=1): a page that reloads on its own is a time limit nobody chose (WCAG 2.2.1).
REFRESH_SECONDS = 10


def _minimum() -> int:
    return int(current_app.config.get("RETRAIN_MIN_CODED", MIN_FORUM_EXAMPLES))


def _page(error: str = "", status: int = 200) -> tuple[str, int]:
    forum_id = current_membership().forum_id
    data = coder_page(db.session, forum_id, _minimum())
    follow = request.args.get("follow") == "1"
    return render_template(
        "coding/coder.html",
        page=data,
        agreement=learning.agreement(db.session, forum_id, request.args.get("by", learning.BY_MODEL)),
        notice=learning.withdrawal_notice(db.session, forum_id),
        too_few=learning.TOO_FEW,
        percent=learning.percent,
        error=error,
        follow=follow,
        refresh=REFRESH_SECONDS if follow and data.job is not None else 0,
    ), status


@bp.get("/staff/coder")
@role_required("lead")
def coder() -> Page:
    return _page()


@bp.post("/staff/coder/retrain")
@role_required("lead")
def retrain() -> Page:
    forum_id = current_membership().forum_id
    try:
        job = start_retraining(db.session, forum_id, current_user.id, _minimum())
    except NotEnoughCodings as refused:
        return _page(str(refused), 400)
    except RetrainingInProgress as refused:
        return _page(str(refused), 409)
    learning.run_job(db.session, job, learning.retrain_run(current_app.config, db.sessionmaker))
    return redirect(url_for("coding.coder"), 303)


@bp.post("/staff/coder/use")
@role_required("lead")
def use_model() -> Page:
    choice = request.form.get("model_id", "")
    model_id = None if choice == "default" else parse_id(choice)
    if choice != "default" and model_id is None:
        return _page("Choose a model to use.", 400)
    try:
        retraining.use_model(db.session, current_membership().forum_id, model_id)
    except ModelNotUsable as refused:
        return _page(str(refused), 400)
    return redirect(url_for("coding.coder"), 303)


@bp.get("/staff/coder/agreement.csv")
@role_required("lead")
def agreement_csv() -> Page:
    """The agreement table of the coder page, as CSV."""
    by = request.args.get("by", learning.BY_MODEL)
    table = learning.agreement(db.session, current_membership().forum_id, by)
    response = WerkzeugResponse(learning.agreement_csv(table), content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="coder-agreement-by-{table.by}.csv"'
    return response
