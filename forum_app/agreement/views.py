"""Routes of inter-coder agreement: samples, blind coding, the reliability report, disagreements.

Views stay thin: the rules (who may see what, when codings lock) live in ``sampling``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from forum_app.agreement import bp, reliability, sampling, settling
from forum_app.agreement.forms import ALL, CodingForm, NewSampleForm
from forum_app.agreement.ids import named_item, named_sample
from forum_app.agreement.models import AgreementItem, AgreementSample
from forum_app.coding.answer import SENTIMENT_KEYS, THEME_KEYS
from forum_app.extensions import db
from forum_app.inputs import parse_id, whole_number
from forum_app.security import current_membership, role_required
from forum_app.views import Page

# The coding page's single keys, in the same order of themes and sentiments (coding.js).
BLIND_CODING_KEYS = {"themes": THEME_KEYS, "sentiments": SENTIMENT_KEYS}

DAYS_PER_MONTH = 30.5
# Whether a member (user id, role) may see a page of a sample, given its progress.
MaySee = Callable[[AgreementSample, sampling.Progress, int, str], bool]
# Saves one person's coding of a sampled answer: ``sampling.save_blind`` or ``settling.resolve``.
SaveCoding = Callable[[Session, AgreementItem, int, Iterable[str], str], object]


def _sample(sample_id: str) -> AgreementSample:
    """The current forum's sample named by its public id, or 404 (malformed, unknown, a row number, or
    another forum's: those do not exist here)."""
    sample = named_sample(db.session, current_membership().forum_id, sample_id)
    if sample is None:
        abort(404)
    return sample


def _shown(sample_id: str, may_see: MaySee) -> tuple[AgreementSample, sampling.Progress]:
    """The sample and its progress, or 403 when ``may_see`` says the current member may not see this
    page of it."""
    member = current_membership()
    sample = _sample(sample_id)
    state = sampling.progress(db.session, sample)
    if not may_see(sample, state, member.user_id, member.role):
        abort(403)
    return sample, state


def _item(sample: AgreementSample, item_id: str) -> AgreementItem:
    """The sample's item named by its public id, or 404."""
    item = named_item(db.session, sample, item_id)
    if item is None:
        abort(404)
    return item


def _add_error(form: FlaskForm, error: sampling.SampleError) -> str:
    """Put a service's message on its field; return it when it belongs to no field."""
    field = form._fields.get(error.field or "")
    if field is None:
        return str(error)
    field.errors = [*field.errors, str(error)]
    return ""


def _save_coding(form: CodingForm, save: SaveCoding, item: AgreementItem, user_id: int) -> str | None:
    """Save the form's themes and sentiment with ``save``. None once saved; otherwise the message that
    belongs to no field, or "" when it is on its field."""
    try:
        save(db.session, item, user_id, form.themes.data or [], str(form.sentiment.data))
    except sampling.SampleError as failed:
        return _add_error(form, failed)
    return None


def _coding_form(sample: AgreementSample) -> CodingForm:
    form = CodingForm()
    form.themes.choices = [SelectChoice(c.value, c.label) for c in sampling.theme_choices(db.session, sample)]
    form.sentiment.choices = [SelectChoice(c.value, c.label) for c in sampling.sentiment_choices()]
    return form


@bp.get("/staff/agreement")
@role_required("lead", "coder")
def samples() -> Page:
    member = current_membership()
    rows = sampling.list_samples(db.session, member.forum_id, member.user_id, member.role)
    return render_template("agreement/samples.html", rows=rows, lead=member.role == "lead")


@bp.route("/staff/agreement/new", methods=["GET", "POST"])
@role_required("lead")
def new() -> Page:
    member = current_membership()
    form = NewSampleForm()
    people = [
        SelectChoice(str(p.user_id), f"{p.email} ({p.role})")
        for p in sampling.coding_staff(db.session, member.forum_id)
    ]
    form.first_coder.choices = people
    form.second_coder.choices = people
    surveys = sampling.forum_surveys(db.session, member.forum_id)
    form.survey.choices = [SelectChoice(ALL, "All surveys")] + [SelectChoice(str(i), t) for i, t in surveys]
    error = ""
    if form.validate_on_submit():
        months = 0 if form.period.data == ALL else int(str(form.period.data))
        since = date.today() - timedelta(days=round(months * DAYS_PER_MONTH)) if months else None
        try:
            sampling.create_sample(
                db.session,
                member.forum_id,
                member.user_id,
                (form.percent.data or 0) / 100,
                int(str(form.first_coder.data)),
                int(str(form.second_coder.data)),
                form.name.data or "",
                survey_id=None if form.survey.data == ALL else int(str(form.survey.data)),
                submitted_from=since,
            )
        except sampling.SampleError as failed:
            error = _add_error(form, failed)
        else:
            return redirect(url_for("agreement.samples"))
    return render_template("agreement/new.html", form=form, error=error, enough=len(people) >= 2)


@bp.route("/staff/agreement/<public:sample_id>/code", methods=["GET", "POST"])
@role_required("lead", "coder")
def code(sample_id: str) -> Page:
    """The blind coding page: one answer, the themes and sentiment, and nobody else's coding."""
    member = current_membership()
    sample = _sample(sample_id)
    if not sampling.is_coder(sample, member.user_id):
        abort(403)
    form = _coding_form(sample)
    error: str | None = ""
    item: AgreementItem | None
    if request.method == "POST":
        item = _item(sample, str(form.item.data or ""))
        if form.validate_on_submit():
            error = _save_coding(form, sampling.save_blind, item, member.user_id)
            if error is None:
                return redirect(_after_saving(sample, item, member.user_id))
    else:
        answer = request.args.get("answer")
        if answer is not None:
            item = sampling.item_at(db.session, sample, whole_number(answer) or 0)
            if item is None:
                abort(404)
        else:
            item = sampling.blind_queue(db.session, sample.id, member.user_id)
        if item is None:
            state = sampling.progress(db.session, sample)
            return render_template("agreement/done.html", sample=sample, progress=state)
    page = sampling.coding_page(db.session, item, member.user_id)
    if request.method == "GET" and page.own_themes is not None:
        form.themes.data = list(page.own_themes)
        form.sentiment.data = page.own_sentiment
    form.item.data = item.public_id
    return render_template(
        "agreement/code.html", sample=sample, page=page, form=form, error=error, keys=BLIND_CODING_KEYS
    )


def _after_saving(sample: AgreementSample, item: AgreementItem, user_id: int) -> str:
    """The next answer this person has not coded; when going back over coded ones, the following one."""
    if sampling.blind_queue(db.session, sample.id, user_id) is None:
        total = sampling.progress(db.session, sample).total
        if item.position < total:
            return url_for("agreement.code", sample_id=sample.public_id, answer=item.position + 1)
    return url_for("agreement.code", sample_id=sample.public_id)


@bp.get("/staff/agreement/<public:sample_id>")
@role_required("lead", "coder")
def report(sample_id: str) -> Page:
    member = current_membership()
    sample, state = _shown(sample_id, sampling.may_see_report)
    report = reliability.sample_report(db.session, sample.id)
    disagreements = sampling.may_see_disagreements(sample, state, member.user_id, member.role)
    applied = request.args.get("applied", "")
    return render_template(
        "agreement/report.html",
        sample=sample,
        report=report,
        disagreements_link=disagreements,
        can_settle=sampling.may_resolve(state, member.role),
        applied=parse_id(applied),
    )


@bp.post("/staff/agreement/<public:sample_id>/use-agreed")
@role_required("lead")
def use_agreed(sample_id: str) -> Page:
    member = current_membership()
    sample = _sample(sample_id)
    try:
        changed = settling.use_agreed_codings(db.session, sample, member.user_id)
    except sampling.SampleError:
        return redirect(url_for("agreement.report", sample_id=sample.public_id))
    return redirect(url_for("agreement.report", sample_id=sample.public_id, applied=changed))


@bp.get("/staff/agreement/<public:sample_id>/disagreements")
@role_required("lead")
def disagreements(sample_id: str) -> Page:
    member = current_membership()
    sample, state = _shown(sample_id, sampling.may_see_disagreements)
    found = settling.disagreements(db.session, sample.id)
    can_settle = sampling.may_resolve(state, member.role)
    return render_template(
        "agreement/disagreements.html", sample=sample, disagreements=found, can_settle=can_settle
    )


@bp.route("/staff/agreement/<public:sample_id>/disagreements/<public:item_id>", methods=["GET", "POST"])
@role_required("lead")
def resolve(sample_id: str, item_id: str) -> Page:
    member = current_membership()
    sample, state = _shown(sample_id, sampling.may_see_disagreements)
    item = _item(sample, item_id)
    if not sampling.may_resolve(state, member.role):  # not finished yet: the list says so
        return redirect(url_for("agreement.disagreements", sample_id=sample.public_id))
    both = settling.disagreement(db.session, item)
    if both is None:
        abort(404)  # not coded by both people yet: nothing to settle
    form = _coding_form(sample)
    error: str | None = ""
    if form.validate_on_submit():
        error = _save_coding(form, settling.resolve, item, member.user_id)
        if error is None:
            following = settling.next_unresolved(db.session, sample.id, item.position)
            if following is None:
                return redirect(url_for("agreement.disagreements", sample_id=sample.public_id))
            return redirect(
                url_for("agreement.resolve", sample_id=sample.public_id, item_id=following.item_public_id)
            )
    elif request.method == "GET":
        form.themes.data = list(both.final_themes if both.final_themes is not None else both.agreed_themes)
        agreed = both.first.sentiment if not both.first.sentiment_differs else None
        form.sentiment.data = both.final_sentiment or agreed
    return render_template("agreement/resolve.html", sample=sample, both=both, form=form, error=error)
