"""Every staff route, every role, every forum pairing, from the URL map: a new route is covered here
as soon as it exists.

Forum A has a survey, two sent responses (one approved and in coding, one waiting for moderation),
a finished double-coding sample with disagreements, two stored packs and a share link. Each of these
asks every route not in ``PUBLIC_ENDPOINTS`` for A's real objects:

- signed out: sent to sign in;
- the lead, a coder and a viewer of A: 403 exactly when the view's roles (``role_required``, read
  from ``app.view_functions``) leave their role out, otherwise the page;
- the lead of forum B: 403 or 404 for A's objects, and no page of theirs shows anything of A's;
- a platform administrator with no membership: 403 on every forum route, the page on admin routes.

POSTs are sent (with a valid CSRF token) only where they must be refused: a POST that is let through
acts, and each feature's own tests check what it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from forum_app.accounts.models import User
from forum_app.agreement import sampling
from forum_app.agreement.models import AgreementItem
from forum_app.builder.uploads import Destination, stage_upload
from forum_app.extensions import db
from forum_app.moderation.models import PENDING, ModerationItem
from forum_app.packs.models import ShareLink
from forum_app.security import ADMIN, MEMBER, PUBLIC, SIGNED_IN, access_rule, allowed_roles
from forum_app.surveys.models import Answer, Response
from tests.conftest import empty_database, make_test_app
from tests.factories import (
    JOURNEY,
    answer_all,
    approve_all,
    csrf_token,
    make_admin,
    make_forum,
    make_staff,
    make_survey,
    page,
    sign_in,
    submit,
)
from tests.packs.stored import OPEN_TOKEN, make_link, make_stored_pack
from tests.surveys.imports.factories import GOOGLE, csv_bytes

SIGN_IN = "/staff/login"
ALPHA, BETA = "Alpha Parent Carer Forum", "Beta Parent Carer Forum"
STAFF = {
    "lead of A": ("lead@alpha.example", "demo", "lead"),
    "coder of A": ("coder@alpha.example", "demo", "coder"),
    "viewer of A": ("viewer@alpha.example", "demo", "viewer"),
    "lead of B": ("lead@beta.example", "beta", "lead"),
}
ADMIN_EMAIL = "admin@platform.example"
WHO = ["signed out", *STAFF, "platform administrator"]
# Arguments that name something every forum has its own of (a codebook theme, a codebook version, a
# survey by its slug, the export's format):
# forum B's lead gets forum B's, which the page must not mix with A's.
EVERY_FORUM_HAS = {"theme_id", "number", "slug", "survey_slug", "kind", "question_key", "code"}


@dataclass
class World:
    app: Flask
    values: dict[str, Any]  # a real value of forum A for each URL argument
    by_endpoint: dict[str, dict[str, Any]]  # where one endpoint needs another object than the rest
    markers: list[str]  # text that only a page of forum A's would show
    clients: dict[str, FlaskClient] = field(default_factory=dict)


def _send(app: Flask, words: str) -> str:
    """A family of forum A sends the survey, with ``words`` as its answer to "not_worked"; its id."""
    with app.app_context():
        before = set(db.session.scalars(select(Response.id)))
    client = app.test_client()
    answer_all(client, [(key, {"answer": words} if key == "not_worked" else data) for key, data in JOURNEY])
    assert submit(client).status_code == 302
    with app.app_context():
        (sent,) = set(db.session.scalars(select(Response.id))) - before
    return str(sent)


def _build(app: Flask) -> World:
    with app.app_context():
        session = db.session
        alpha, beta = (
            make_forum(session, "demo", ALPHA),
            make_forum(session, "beta", BETA),
        )  # A takes the survey
        survey = make_survey(session, alpha)
        make_survey(session, beta)
        for email, slug, role in STAFF.values():
            make_staff(session, email, slug, role)
        make_admin(session, ADMIN_EMAIL)
        users = {email: uid for email, uid in session.execute(select(User.email, User.id))}
        alpha_id, survey_id = alpha.id, survey.survey_id
    markers = [ALPHA, "lead@alpha.example", "coder@alpha.example"]
    responses = []
    for words in ("Alpha's coded answer about the CAMHS wait.", "Alpha's waiting answer about the bus."):
        responses.append(_send(app, words))
        markers += [words, responses[-1][:8]]
    with app.app_context():
        session = db.session
        approve_all(session, [responses[0]])
        coded = session.scalars(
            select(Answer.public_id).where(
                Answer.response_id == responses[0], Answer.question_key == "not_worked"
            )
        ).one()
        waiting = session.scalars(
            select(Answer.public_id)
            .join(ModerationItem, ModerationItem.answer_id == Answer.id)
            .where(ModerationItem.response_id == responses[1], ModerationItem.status == PENDING)
        ).first()
        lead, coder = users["lead@alpha.example"], users["coder@alpha.example"]
        sample = sampling.create_sample(session, alpha_id, lead, 1.0, lead, coder, "Alpha sample", seed=1)
        items = session.scalars(select(AgreementItem).where(AgreementItem.sample_id == sample.id)).all()
        for item in items:  # both finish, disagreeing on every answer
            sampling.save_blind(session, item, lead, ["waiting_times"], "negative")
            sampling.save_blind(session, item, coder, ["provision_gaps"], "negative")
        first = make_stored_pack(session, alpha_id, survey_id, "P-20260701-0001")
        second = make_stored_pack(session, alpha_id, survey_id, "P-20260801-0002")
        make_link(session, first, OPEN_TOKEN)
        link_id = session.scalars(select(ShareLink.public_id).where(ShareLink.pack_id == first.id)).one()
        staged = stage_upload(
            session, alpha_id, csv_bytes(GOOGLE), "past.csv", Destination("past-alpha", "Past", True)
        )
        values = {
            "response_id": responses[0],
            "answer_id": coded,
            "sample_id": sample.public_id,
            "item_id": items[0].public_id,
            "snapshot_id": first.public_id,
            "other_id": second.public_id,
            "link_id": link_id,
            "name": "pack.json",
            "theme_id": "waiting_times",
            "number": "1",
            "forum_id": alpha_id,
            "user_id": coder,  # a member of A's team
            "slug": "send-experience",
            "survey_slug": "send-experience",  # B has a survey of this name too: its own is exported
            "kind": "csv",
            "upload_id": staged.id,
            "question_key": "age_band",  # a question of the survey at "slug"
            "code": "pl",  # a language the survey may be translated into
        }
    markers += ["P-20260701-0001", "P-20260801-0002", "Alpha sample"]
    moderation = {"answer_id": waiting}
    by_endpoint = {
        rule.endpoint: moderation
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("moderation.")
    }
    return World(app, values, by_endpoint, markers)


@pytest.fixture(scope="module")
def world(database_url: str) -> Iterator[World]:
    """One app and one database for the whole module: built once, asked many times."""
    app = make_test_app(database_url)
    built = _build(app)
    built.clients["signed out"] = app.test_client()
    for who, (email, _slug, _role) in STAFF.items():
        built.clients[who] = app.test_client()
        sign_in(built.clients[who], email)
    built.clients["platform administrator"] = app.test_client()
    sign_in(built.clients["platform administrator"], ADMIN_EMAIL)
    yield built
    empty_database(app)
    db.engine(app).dispose()


def _guarded(app: Flask) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if access_rule(rule.endpoint) != PUBLIC]
    return sorted(rules, key=lambda rule: rule.rule)


def _url(world: World, rule: Rule) -> str:
    values = {**world.values, **world.by_endpoint.get(rule.endpoint, {})}
    missing = [name for name in rule.arguments if name not in values]
    assert not missing, f"{rule.rule}: give forum A's real value for {missing} in tests/test_access.py"
    with world.app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def _methods(rule: Rule) -> set[str]:
    return (rule.methods or set()) - {"HEAD", "OPTIONS"}


def _token(client: FlaskClient) -> str:
    return csrf_token(
        page(client, "/staff/account" if client.get("/staff/account").status_code == 200 else SIGN_IN)
    )


def _role(who: str) -> str | None:
    return STAFF[who][2] if who in STAFF else None


def _expect_member(world: World, who: str, rule: Rule) -> set[int]:
    """The statuses a member of staff may get from a route."""
    kind = access_rule(rule.endpoint)
    if kind == ADMIN:
        return {403}
    if kind == SIGNED_IN:
        return {200}
    if who == "lead of B":
        return {403, 404} if set(rule.arguments) - EVERY_FORUM_HAS else {200, 302, 303}
    allowed = _role(who) in allowed_roles(world.app.view_functions[rule.endpoint])
    return {200, 302, 303} if allowed else {403}


def test_the_generated_tests_cover_every_kind_of_route(world: World) -> None:
    kinds = {access_rule(rule.endpoint) for rule in _guarded(world.app)}
    assert kinds == {SIGNED_IN, ADMIN, MEMBER}
    assert len(_guarded(world.app)) >= 60


@pytest.mark.parametrize("who", WHO)
def test_every_staff_route_for_everyone(world: World, who: str) -> None:
    client = world.clients[who]
    token = _token(client)
    problems = []
    for rule in _guarded(world.app):
        url = _url(world, rule)
        kind = access_rule(rule.endpoint)
        for method in sorted(_methods(rule)):
            if who == "signed out":
                expected = {302}
            elif who == "platform administrator":
                expected = {403} if kind == MEMBER else {200}
            else:
                expected = _expect_member(world, who, rule)
            if method == "POST" and expected & {200, 302, 303}:
                continue  # let through: it would act (see the docstring)
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            body = response.get_data().decode("utf-8", "replace")  # a PDF or XLSX too
            if response.status_code not in expected:
                problems.append(f"{method} {url}: {response.status_code}, expected {sorted(expected)}")
            elif who == "signed out" and urlsplit(response.location).path != SIGN_IN:
                problems.append(f"{method} {url}: sent to {response.location}, not to sign in")
            elif who == "lead of B" and response.status_code == 200:
                leaked = [marker for marker in world.markers if marker in body]
                if leaked:
                    problems.append(f"{method} {url}: forum A's {leaked} shown to the lead of forum B")
    assert not problems, f"{who}:\n" + "\n".join(problems)
