"""Plain factories and page helpers for tests."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum, User
from forum_app.accounts.services import create_user, ensure_forum
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Answer, SurveyVersion
from forum_app.surveys.services import publish_survey

SURVEY_URL = "/s/demo/send-experience/"
STAFF_PASSWORD = "correct horse battery staple"

# A complete journey through the default survey: (question key, form data).
JOURNEY: list[tuple[str, dict[str, Any]]] = [
    ("age_band", {"answer": "11-15"}),
    ("setting", {"answer": "mainstream_secondary"}),
    ("needs", {"answer": ["autism", "semh"]}),
    ("ehcp", {"answer": "waiting"}),
    ("services_waited", {"answer": ["ehcna", "camhs"]}),
    ("wait_ehcna_plan", {"amount": "30", "unit": "weeks"}),
    ("wait_camhs_rtt", {"amount": "14", "unit": "months", "still_waiting": "y"}),
    ("rating_communication", {"answer": "2"}),
    ("rating_support", {"answer": "1"}),
    ("worked_well", {"answer": "The SENCO listens and rings me back."}),
    ("not_worked", {"answer": "We waited over a year for CAMHS and nobody told us anything."}),
    ("one_change", {"answer": "One named person who answers emails."}),
    ("quote_consent", {"answer": "y"}),
]


def make_forum(session: Session, slug: str = "demo", name: str = "Demo Parent Carer Forum") -> Forum:
    return ensure_forum(session, slug, name=name, local_area="Demoshire")


def make_survey(session: Session, forum: Forum, document: dict[str, Any] | None = None) -> SurveyVersion:
    return publish_survey(session, forum, document or load_packaged())


def make_staff(session: Session, email: str, forum_slug: str = "demo", role: str = "lead") -> None:
    create_user(session, email, forum_slug, role, password=STAFF_PASSWORD)


def make_admin(session: Session, email: str = "admin@platform.example") -> None:
    """A platform administrator (no forum membership) whose password is ``STAFF_PASSWORD``."""
    from forum_app.accounts.passwords import hash_password
    from forum_app.accounts.platform import create_platform_admin

    user = create_platform_admin(session, email).user
    user.password_hash = hash_password(STAFF_PASSWORD)
    user.must_change_password = False
    session.commit()


def page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    """GET ``url``, check the status and return the parsed page."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.location)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def parsed(response: Any) -> BeautifulSoup:
    """A test client's response, parsed as HTML."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def response_text(response: Any) -> str:
    """A test client's response as the text a reader sees, white space squashed."""
    return squashed_text(parsed(response))


def user_id(session: Session, email: str) -> int:
    """The id of the member of staff with this email."""
    found = session.scalar(select(User.id).where(User.email == email))
    assert found is not None, email
    return found


def public_id(session: Session, answer_id: int) -> str:
    """How staff addresses name an answer: its random public id, never its row number."""
    return session.scalars(select(Answer.public_id).where(Answer.id == answer_id)).one()


def public_ids(session: Session, answer_ids: list[int]) -> list[str]:
    return [public_id(session, answer_id) for answer_id in answer_ids]


def csrf_token(soup: BeautifulSoup) -> str:
    field = soup.find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no CSRF token"
    return str(field["value"])


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    follow: bool = False,
    headers: dict[str, str] | None = None,
) -> Any:
    """GET the page at ``url`` for its CSRF token, then POST ``data`` to it as a browser would."""
    soup = page(client, url)
    return client.post(
        url, data={**data, "csrf_token": csrf_token(soup)}, follow_redirects=follow, headers=headers or {}
    )


def question_url(key: str) -> str:
    return f"{SURVEY_URL}q/{key}"


def start(client: FlaskClient) -> None:
    response = post_form(client, SURVEY_URL, {})
    assert response.status_code == 302 and response.location.endswith("/q/age_band")


def answer_all(client: FlaskClient, journey: list[tuple[str, dict[str, Any]]] | None = None) -> None:
    """Start and answer every question of ``journey``, checking each leads to the next."""
    start(client)
    for key, data in journey or JOURNEY:
        response = post_form(client, question_url(key), data)
        assert response.status_code == 302, (key, response.get_data(as_text=True)[:2000])


def submit(client: FlaskClient) -> Any:
    return post_form(client, f"{SURVEY_URL}check", {"idempotency_key": idempotency_key(client)})


def idempotency_key(client: FlaskClient) -> str:
    soup = page(client, f"{SURVEY_URL}check")
    field = soup.find("input", attrs={"name": "idempotency_key"})
    assert field is not None
    return str(field["value"])


RECEIPT_PATTERN = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def receipt_code(soup: BeautifulSoup) -> str | None:
    """The receipt code shown on the confirmation page, if it is a well-formed one."""
    shown = soup.find("strong", class_="receipt-code")
    text = shown.get_text(strip=True) if shown else ""
    return text if RECEIPT_PATTERN.fullmatch(text) else None


def sign_in(client: FlaskClient, email: str, password: str = STAFF_PASSWORD) -> None:
    """Sign ``client`` in as a member of staff made by ``make_staff``."""
    response = post_form(client, "/staff/login", {"email": email, "password": password})
    assert response.status_code == 302, "could not sign in"
    assert not response.location.endswith("/staff/password"), "the password must be changed first"


def approve_all(session: Session, response_ids: list[str] | None = None) -> int:
    """Approve every waiting (or held) answer of a submitted response, as a moderator would, so
    they are coded (``journeys.approve``). Only these responses' answers when ``response_ids`` is
    given. Returns how many."""
    from sqlalchemy import select

    from forum_app.journeys import approve
    from forum_app.moderation.models import APPROVED, ModerationItem
    from forum_app.surveys.models import SUBMITTED, Response

    query = (
        select(ModerationItem)
        .join(Response, Response.id == ModerationItem.response_id)
        .where(ModerationItem.status != APPROVED, Response.status == SUBMITTED)
    )
    if response_ids is not None:
        query = query.where(ModerationItem.response_id.in_(response_ids))
    items = list(session.scalars(query))
    for item in items:
        approve(session, item, None)
    return len(items)


def form_value(soup: BeautifulSoup, name: str) -> str:
    """What a form shows in its field ``name``: an input's value or a text box's text."""
    found = soup.find(["input", "textarea"], attrs={"name": name})
    assert found is not None and hasattr(found, "get_text"), name
    return found.get_text() if found.name == "textarea" else str(found.get("value", ""))


def resave_form(client: FlaskClient, url: str, names: list[str], **changes: str) -> Any:
    """The settings form at ``url`` as shown (its fields ``names`` and its ``version``), with these
    fields changed, sent."""
    soup = page(client, url)
    data = {"csrf_token": csrf_token(soup), "version": form_value(soup, "version")}
    data.update({name: form_value(soup, name) for name in names})
    return client.post(url, data={**data, **changes})


def make_forum_with_staff(session: Session, staff: dict[str, str]) -> Forum:
    """The demo forum with these members of staff (email -> role)."""
    forum = make_forum(session)
    for email, role in staff.items():
        make_staff(session, email, role=role)
    return forum


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A new client, signed in as this member of staff."""
    client = app.test_client()
    sign_in(client, email)
    return client


def audit_actions(session: Session) -> list[str]:
    """Every audit entry's action, oldest first."""
    session.expire_all()
    return [event.action for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def one(soup: Tag, selector: str) -> Tag:
    """The element ``selector`` finds in ``soup``; the test fails if there is none."""
    found = soup.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


def attribute(tag: Tag | None, name: str) -> str:
    """A tag's attribute ``name`` as a single string; the test fails if there is no such tag or value."""
    assert tag is not None, f"no tag to read {name!r} from"
    value = tag.get(name)
    assert isinstance(value, str), (name, value)
    return value


def squashed_text(soup: Tag | None) -> str:
    """A tag's text with its white space squashed to single spaces."""
    assert soup is not None
    return " ".join(soup.get_text(" ").split())


def enable_two_factor(session: Session, email: str) -> tuple[str, list[str]]:
    """Turn on two-factor sign-in for this member of staff, as if set up two minutes ago (so every
    code from now on is new); returns the app's secret and the recovery codes."""
    from datetime import timedelta

    import pyotp

    from forum_app.accounts.two_factor import begin_setup, confirm_setup
    from forum_app.db import utcnow

    user = session.scalars(select(User).where(User.email == email)).one()
    secret = begin_setup(email).secret
    then = utcnow() - timedelta(minutes=2)
    turned_on = confirm_setup(session, user.id, secret, pyotp.TOTP(secret).at(then), now=then)
    return secret, turned_on.codes


def make_account_link(
    session: Session,
    purpose: str,
    email: str,
    token: str,
    forum_id: int | None = None,
    role: str | None = None,
    hours: float = 1,
) -> None:
    """An account link (``invite`` or ``reset``) with a known raw token, valid for ``hours``."""
    from datetime import timedelta

    from forum_app.accounts.links import token_hash
    from forum_app.accounts.models import AccountLink
    from forum_app.db import utcnow

    session.add(
        AccountLink(
            purpose=purpose,
            token_hash=token_hash(purpose, token),
            email=email,
            forum_id=forum_id,
            role=role,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.commit()


def pdf_structure(pdf: PdfReader) -> list[DictionaryObject]:
    """Every structure element of the PDF's tag tree, in reading order."""
    found: list[DictionaryObject] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    catalog: Any = pdf.trailer["/Root"]  # pypdf's objects: read as the PDF's own dictionaries
    walk(catalog["/StructTreeRoot"])
    return found
