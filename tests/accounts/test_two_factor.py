"""Two-factor sign-in: setting it up, the code step of signing in, replays, recovery codes, throttling,
who must use it, and hostile input on every form of it.

Requests are made without the ``db_session`` fixture (see test_login.py for why); the database is read
in an app context of its own. Codes are computed with pyotp from the secret the page shows.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Membership, RecoveryCode, User
from forum_app.accounts.two_factor import (
    PENDING_SECONDS,
    PER_ACCOUNT,
    PER_SIGN_IN,
    TwoFactorError,
    disable,
    required_for,
    verify,
)
from forum_app.extensions import db
from forum_app.ratelimit import RateLimitHit
from tests.factories import (
    STAFF_PASSWORD,
    audit_actions,
    csrf_token,
    enable_two_factor,
    make_admin,
    make_forum,
    make_staff,
    one,
    page,
    parsed,
    post_form,
    squashed_text,
)

SIGN_IN = "/staff/login"
CODE = "/staff/login/code"
RESPONSES = "/staff/responses"
HOME = "/staff/"  # where signing in lands
SETUP = "/staff/two-factor/set-up"
STATUS = "/staff/two-factor"
NEW_CODES = "/staff/two-factor/recovery-codes"
TURN_OFF = "/staff/two-factor/turn-off"
FORUM_SETTING = "/staff/two-factor/forum"
LEAD, CODER = "lead@demo.example", "coder@demo.example"
RECOVERY = re.compile(r"[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}")
JUNK = ["abcdef", "12345", "1234567", "x" * 10_000, "12\x0034", "\x00", "１２３４５６", "' OR 1=1 --", " "]


@contextmanager
def _database(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session


@pytest.fixture
def strict(app: Flask) -> Flask:
    """The app as deployed: leads must use two-factor sign-in (the test app lets them skip it)."""
    app.config["LEADS_NEED_TWO_FACTOR"] = True
    with _database(app) as session:
        make_forum(session)
        make_staff(session, LEAD)
        make_staff(session, CODER, role="coder")
    return app


def _password(client: FlaskClient, email: str = LEAD) -> Any:
    return post_form(client, SIGN_IN, {"email": email, "password": STAFF_PASSWORD})


def _code(client: FlaskClient, code: str) -> Any:
    return post_form(client, CODE, {"code": code})


def _signed_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def _user(app: Flask, email: str) -> User:
    with _database(app) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        session.expunge(user)
        return user


def _hits(app: Flask, scope: str) -> int:
    with _database(app) as session:
        return session.scalar(select(func.sum(RateLimitHit.count)).where(RateLimitHit.scope == scope)) or 0


def _enabled(app: Flask, email: str = LEAD) -> tuple[pyotp.TOTP, list[str]]:
    with _database(app) as session:
        secret, codes = enable_two_factor(session, email)
    return pyotp.TOTP(secret), codes


def _error(response: Any) -> str:
    summary = parsed(response).find(class_="error-summary")
    assert summary is not None, response.get_data(as_text=True)[:2000]
    return squashed_text(summary)


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


# --- setting it up ------------------------------------------------------------------------------


def test_a_lead_sets_it_up_with_the_code_from_the_secret_shown(strict: Flask, client: FlaskClient) -> None:
    assert _password(client).status_code == 302
    for url in (RESPONSES, "/staff/audit", "/staff/codebook", STATUS, FORUM_SETTING):
        response = client.get(url)
        assert response.status_code == 302 and response.location == SETUP, url
    setup = page(client, SETUP)
    svg = setup.select_one(".qr-code svg")
    assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
    assert setup.find("img") is None  # drawn inline: nothing is fetched from elsewhere
    shown = setup.select_one(".secret-key")
    assert shown is not None
    groups = shown.get_text().split()
    assert len(groups) == 8 and all(len(group) == 4 for group in groups)
    assert one(page(client, SETUP), ".secret-key").get_text() == shown.get_text()  # same secret
    secret = "".join(groups)
    refused = post_form(client, SETUP, {"code": _wrong(pyotp.TOTP(secret).now())})
    assert refused.status_code == 200 and "The code is not right" in _error(refused)
    assert not _user(strict, LEAD).has_two_factor
    done = post_form(client, SETUP, {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = [item.get_text() for item in parsed(done).select(".recovery-codes code")]
    assert len(codes) == 10 == len(set(codes)) and all(RECOVERY.fullmatch(code) for code in codes)
    assert "I have saved these codes" in parsed(done).get_text()
    user = _user(strict, LEAD)
    assert user.has_two_factor and user.totp_secret == secret
    with _database(strict) as session:
        stored = list(session.scalars(select(RecoveryCode.code_hash)))
        assert len(stored) == 10 and not any(code.replace("-", "") in str(stored) for code in codes)
        assert all(code_hash.startswith("$argon2id$") for code_hash in stored)
        assert "two_factor.on" in audit_actions(session)
    assert one(page(client, RESPONSES), "h1").get_text(strip=True) == "Responses"
    assert "is on for your account" in page(client, SETUP).get_text()  # already on: how it stands
    assert "is on for your account" in page(client, STATUS).get_text()
    assert "Turn off" not in page(client, STATUS).get_text()  # a lead must keep it


def test_the_code_that_confirmed_set_up_cannot_sign_in(strict: Flask, client: FlaskClient) -> None:
    _password(client)
    secret = "".join(one(page(client, SETUP), ".secret-key").get_text().split())
    code = pyotp.TOTP(secret).now()
    assert post_form(client, SETUP, {"code": code}).status_code == 200
    other = strict.test_client()
    assert _password(other).location == CODE
    response = _code(other, code)
    assert response.status_code == 200 and not _signed_in(other)


# --- signing in ----------------------------------------------------------------------------------


def test_sign_in_needs_the_code_and_a_replayed_code_is_refused(strict: Flask, client: FlaskClient) -> None:
    totp, _ = _enabled(strict)
    response = _password(client)
    assert response.status_code == 302 and response.location == CODE
    assert not _signed_in(client)
    gate = client.get(RESPONSES)  # the password alone opens nothing
    assert gate.status_code == 302 and gate.location.startswith(SIGN_IN)
    _password(client)
    with client.session_transaction() as session:
        assert set(session["two_factor_pending"]) == {"user", "at", "attempt", "next"}
    form = page(client, CODE)
    assert one(form, "input[name=code]")["autocomplete"] == "one-time-code"
    code = totp.now()
    signed = _code(client, code)
    assert signed.status_code == 302 and signed.location == HOME
    assert _signed_in(client) and one(page(client, RESPONSES), "h1").get_text(strip=True) == "Responses"
    with client.session_transaction() as session:
        assert "two_factor_pending" not in session
    # The same code again, from another browser with the password: refused, even a moment later.
    thief = strict.test_client()
    _password(thief)
    replay = _code(thief, code)
    assert replay.status_code == 200 and "The code is not right" in _error(replay)
    assert not _signed_in(thief)
    with _database(strict) as session:
        assert "two_factor.wrong_code" in audit_actions(session)
        assert "accounts.login_code POST" in audit_actions(session)
    # The next code (the app's next 30 seconds) still works.
    assert _code(thief, totp.at(time.time() + 30)).status_code == 302 and _signed_in(thief)


def test_the_sign_in_page_keeps_where_the_lead_was_going(strict: Flask, client: FlaskClient) -> None:
    totp, _ = _enabled(strict)
    response = client.post(
        SIGN_IN + "?next=/staff/audit",
        data={"email": LEAD, "password": STAFF_PASSWORD, "csrf_token": csrf_token(page(client, SIGN_IN))},
    )
    assert response.location == CODE
    assert _code(client, totp.now()).location == "/staff/audit"
    elsewhere = strict.test_client()
    elsewhere.post(
        SIGN_IN + "?next=//evil.example",
        data={"email": LEAD, "password": STAFF_PASSWORD, "csrf_token": csrf_token(page(elsewhere, SIGN_IN))},
    )
    assert _code(elsewhere, totp.at(time.time() + 30)).location == HOME


def test_a_wrong_code_is_refused_counted_and_logged_then_too_many_stop(
    strict: Flask, client: FlaskClient
) -> None:
    totp, _ = _enabled(strict)
    _password(client)
    before = _hits(strict, PER_ACCOUNT.scope)  # setting up counted too
    for tries in range(1, PER_SIGN_IN.attempts + 1):
        response = _code(client, _wrong(totp.now()))
        assert response.status_code == 200 and not _signed_in(client)
        assert "The code is not right" in _error(response)
        assert _hits(strict, PER_SIGN_IN.scope) == tries == _hits(strict, PER_ACCOUNT.scope) - before
    stopped = _code(client, totp.now())  # even the right code, once the tries are used up
    assert stopped.status_code == 429
    assert "Too many tries" in parsed(stopped).get_text() and not _signed_in(client)
    assert "Sign in again" in parsed(stopped).get_text()
    with client.session_transaction() as session:
        assert "two_factor_pending" not in session
    with _database(strict) as session:
        actions = audit_actions(session)
    assert actions.count("two_factor.wrong_code") == PER_SIGN_IN.attempts
    assert actions.count("two_factor.too_many") == 1
    log = strict.test_client()
    _password(log)
    _code(log, totp.now())
    text = page(log, "/staff/audit").get_text()
    assert "entered a wrong two-factor sign-in code" in text and "too many two-factor" in text


def test_wrong_codes_are_counted_per_account_across_sign_ins(strict: Flask) -> None:
    totp, _ = _enabled(strict)
    tried = 0  # (setting up counted too, when it fell in this window: then the last try is refused)
    while tried < PER_ACCOUNT.attempts:
        client = strict.test_client()
        _password(client)
        for _ in range(min(PER_SIGN_IN.attempts, PER_ACCOUNT.attempts - tried)):
            _code(client, _wrong(totp.now()))
            tried += 1
    client = strict.test_client()
    _password(client)
    assert "Too many tries" in parsed(_code(client, totp.now())).get_text() and not _signed_in(client)


def test_a_recovery_code_works_once(strict: Flask, client: FlaskClient) -> None:
    _, codes = _enabled(strict)
    _password(client)
    typed = " " + codes[3].upper().replace("-", " ") + " "  # as someone might type it from paper
    assert _code(client, typed).status_code == 302 and _signed_in(client)
    again = strict.test_client()
    _password(again)
    response = _code(again, codes[3])
    assert response.status_code == 200 and not _signed_in(again)
    assert _code(again, codes[4]).status_code == 302 and _signed_in(again)
    with _database(strict) as session:
        assert session.scalar(select(func.count()).where(RecoveryCode.used_at.is_not(None))) == 2
        assert audit_actions(session).count("two_factor.recovery_used") == 2


def test_a_pending_sign_in_older_than_five_minutes_is_refused(strict: Flask, client: FlaskClient) -> None:
    totp, _ = _enabled(strict)
    _password(client)
    token = csrf_token(page(client, CODE))  # the page was opened in time; the code comes too late
    with client.session_transaction() as session:
        pending = session["two_factor_pending"]
        session["two_factor_pending"] = {**pending, "at": pending["at"] - PENDING_SECONDS - 1}
    response = client.post(CODE, data={"code": totp.now(), "csrf_token": token})
    assert response.status_code == 200 and not _signed_in(client)
    assert "Sign in again" in parsed(response).get_text()
    assert _hits(strict, PER_SIGN_IN.scope) == 0  # the code was not even tried


@pytest.mark.parametrize("marker", [None, "7", {"user": "1"}, {"user": 1, "at": "now", "attempt": "x"}])
def test_the_code_page_without_a_pending_sign_in_asks_to_sign_in(
    strict: Flask, client: FlaskClient, marker: Any
) -> None:
    if marker is not None:
        with client.session_transaction() as session:
            session["two_factor_pending"] = marker
    text = page(client, CODE).get_text()
    assert "Sign in again" in text and "Enter your sign-in code" not in text


def test_a_deactivated_lead_cannot_finish_signing_in(strict: Flask, client: FlaskClient) -> None:
    totp, _ = _enabled(strict)
    _password(client)
    with _database(strict) as session:
        session.scalars(select(User).where(User.email == LEAD)).one().active = False
        session.commit()
    _code(client, totp.now())
    assert not _signed_in(client)


@pytest.mark.parametrize("junk", JUNK)
def test_junk_codes_get_a_message_never_a_500(strict: Flask, client: FlaskClient, junk: str) -> None:
    totp, _ = _enabled(strict)
    _password(client)
    response = _code(client, junk)
    assert response.status_code == 200 and not _signed_in(client)
    assert "Enter the 6-digit code" in _error(response) or "The code is not right" in _error(response)
    setup_client = strict.test_client()
    _password(setup_client, CODER)
    response = post_form(setup_client, SETUP, {"code": junk})
    assert response.status_code == 200 and not _user(strict, CODER).has_two_factor
    assert "code" in _error(response)
    assert _code(client, totp.now()).status_code == 302  # the junk used up nothing
    response = post_form(client, NEW_CODES, {"secret": junk})
    assert response.status_code == 200 and "Your password or code is not right" in _error(response)


# --- who must use it -----------------------------------------------------------------------------


def test_a_coder_may_skip_it_until_the_forum_requires_it(strict: Flask) -> None:
    coder = strict.test_client()
    assert _password(coder, CODER).location == HOME
    assert one(page(coder, RESPONSES), "h1").get_text(strip=True) == "Responses"
    assert "Set up two-factor sign-in" in page(coder, STATUS).get_text()
    assert coder.get(FORUM_SETTING).status_code == 403  # only leads choose
    lead = strict.test_client()
    totp, _ = _enabled(strict)
    _password(lead)
    _code(lead, totp.now())
    assert one(page(lead, FORUM_SETTING), "input[value=leads]").get("checked") is not None
    for junk in ("yes", "x" * 10_000, "\x00", ""):
        refused = post_form(lead, FORUM_SETTING, {"who": junk})
        assert refused.status_code == 200 and "Choose who needs two-factor sign-in" in _error(refused)
    assert coder.get(RESPONSES).status_code == 200
    saved = post_form(lead, FORUM_SETTING, {"who": "everyone"})
    assert saved.status_code == 303
    assert one(page(lead, FORUM_SETTING), "input[value=everyone]").get("checked") is not None
    for url in (RESPONSES, STATUS):
        assert coder.get(url).location == SETUP
    # Once they have it, they cannot turn it off while the forum requires it; once it does not, they can.
    with _database(strict) as session:
        secret, _ = enable_two_factor(session, CODER)
        coder_id = _user(strict, CODER).id
        with pytest.raises(TwoFactorError, match="requires it"):
            disable(session, coder_id, STAFF_PASSWORD, leads=True)
    assert coder.get(RESPONSES).location.startswith(SIGN_IN)  # turning it on ended their sessions
    _password(coder, CODER)
    assert _code(coder, pyotp.TOTP(secret).now()).location == HOME
    assert page(coder, TURN_OFF).find("input", attrs={"name": "secret"}) is None  # it cannot be
    assert post_form(lead, FORUM_SETTING, {"who": "leads"}).status_code == 303
    response = post_form(coder, TURN_OFF, {"secret": "not my password"})
    assert "Your password or code is not right" in _error(response)
    assert post_form(coder, TURN_OFF, {"secret": pyotp.TOTP(secret).at(time.time() + 30)}).location == STATUS
    assert not _user(strict, CODER).has_two_factor
    with _database(strict) as session:
        assert session.scalar(select(func.count()).select_from(RecoveryCode)) == 10  # the lead's only
        assert "two_factor.off" in audit_actions(session)
        assert "accounts.two_factor_forum POST" in audit_actions(session)


def test_required_for_leads_and_forums_that_ask(strict: Flask) -> None:
    with _database(strict) as session:
        members = {m.user.email: m for m in session.scalars(select(Membership))}
        assert required_for(members[LEAD]) and not required_for(members[CODER])
        assert not required_for(members[LEAD], leads=False)
        members[CODER].forum.settings = {"require_two_factor": True}
        assert required_for(members[CODER]) and required_for(members[LEAD], leads=False)
        members[CODER].forum.settings = {"require_two_factor": "yes"}  # only a real true counts
        assert not required_for(members[CODER])


def test_new_recovery_codes_replace_the_old_ones(strict: Flask, client: FlaskClient) -> None:
    totp, old = _enabled(strict)
    _password(client)
    _code(client, totp.now())
    refused = post_form(client, NEW_CODES, {"secret": "wrong password"})
    assert "Your password or code is not right" in _error(refused)
    made = post_form(client, NEW_CODES, {"secret": STAFF_PASSWORD})
    new = [item.get_text() for item in parsed(made).select(".recovery-codes code")]
    assert len(new) == 10 and not set(new) & set(old)
    with _database(strict) as session:
        user_id = _user(strict, LEAD).id
        assert not verify(session, user_id, old[0])
        assert verify(session, user_id, new[0]) and not verify(session, user_id, new[0])
        assert "two_factor.new_codes" in audit_actions(session)
        assert (session.scalar(select(func.count()).select_from(AuditEvent)) or 0) >= 3


def test_turning_it_on_or_off_signs_out_every_other_copy_of_the_sign_in(strict: Flask) -> None:
    here, elsewhere = strict.test_client(), strict.test_client()
    for client in (here, elsewhere):
        assert _password(client, CODER).location == HOME
    secret = "".join(one(page(here, SETUP), ".secret-key").get_text().split())
    assert post_form(here, SETUP, {"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert one(page(here, RESPONSES), "h1").get_text(strip=True) == "Responses"  # this browser carries on
    assert elsewhere.get(RESPONSES).location.startswith(SIGN_IN)  # the other one is signed out
    again = strict.test_client()
    _password(again, CODER)
    assert _code(again, pyotp.TOTP(secret).at(time.time() + 30)).status_code == 302
    assert post_form(here, TURN_OFF, {"secret": STAFF_PASSWORD}).location == STATUS
    assert page(here, STATUS).find(string=re.compile("Two-factor sign-in is off")) is not None
    assert again.get(RESPONSES).location.startswith(SIGN_IN)
    assert _password(again, CODER).location == HOME  # a password alone again


def test_the_command_line_turns_it_off_for_a_lost_phone(strict: Flask) -> None:
    totp, _ = _enabled(strict)
    client = strict.test_client()
    _password(client)
    _code(client, totp.now())
    runner = strict.test_cli_runner()
    result = runner.invoke(args=["users", "reset-two-factor", "--email", " Lead@demo.example"])
    assert result.exit_code == 0 and "Two-factor sign-in is off for lead@demo.example" in result.output
    assert not _user(strict, LEAD).has_two_factor
    assert client.get(RESPONSES).location.startswith(SIGN_IN)
    assert _password(client).location == HOME and client.get(RESPONSES).location == SETUP
    unknown = runner.invoke(args=["users", "reset-two-factor", "--email", "nobody@demo.example"])
    assert unknown.exit_code != 0 and "There is no user" in unknown.output


def test_a_platform_administrator_sets_it_up_before_the_forums_list(
    strict: Flask, client: FlaskClient
) -> None:
    with _database(strict) as session:
        make_admin(session)
        session.commit()
    assert _password(client, "admin@platform.example").status_code == 302
    assert client.get("/admin/forums").location == SETUP
    setup = page(client, SETUP)
    secret = "".join(one(setup, ".secret-key").get_text().split())
    done = parsed(post_form(client, SETUP, {"code": pyotp.TOTP(secret).now()}))
    assert one(done, "a.button")["href"] == "/admin/forums"
    assert client.get("/admin/forums").status_code == 200
