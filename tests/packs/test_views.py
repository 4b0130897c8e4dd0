"""The evidence pack pages: leads make and share packs, all staff read them, inspectors open links."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum
from forum_app.db import today
from forum_app.packs.about import PARTS, save_about
from forum_app.packs.models import PackFile, PackSnapshot, ShareLink
from forum_app.packs.snapshots import start_snapshot
from tests.factories import (
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    response_text,
    sign_in,
)
from tests.packs.factories import seed_coded
from tests.packs.stored import OPEN_TOKEN, PASSCODE, PASSCODE_TOKEN, make_link, make_stored_pack

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
PACKS = "/staff/packs"


def _events(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    return [(e.action, e.object_id) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _post(client: FlaskClient, form_page: str, url: str, data: dict[str, str]) -> Any:
    """POST ``data`` to ``url`` with the CSRF token of the page the form is on."""
    return client.post(url, data={**data, "csrf_token": csrf_token(page(client, form_page))})


def _make(client: FlaskClient, **data: str) -> Any:
    return _post(client, PACKS, f"{PACKS}/new", data)


def _forum_with_pack(session: Session) -> tuple[Forum, PackSnapshot]:
    forum = make_forum(session)
    survey_id = make_survey(session, forum).survey_id
    make_staff(session, LEAD)
    make_staff(session, CODER, role="coder")
    make_staff(session, VIEWER, role="viewer")
    return forum, make_stored_pack(session, forum.id, survey_id)


def _make_a_pack(
    client: FlaskClient, db_session: Session, survey_id: int
) -> tuple[PackSnapshot, dict[str, PackFile]]:
    """The lead's first pack, made from the packs page: the pack and its files by name."""
    shown = page(client, PACKS)
    assert "not made a pack yet" in shown.get_text()
    assert shown.find("a", string="Evidence packs") is not None  # in the staff navigation
    labels = [option.get_text() for option in shown.select("#age_band option")]
    assert labels[0] == "Everyone" and "5 to 10" in labels

    made = _make(client, survey=str(survey_id), period_from="2025-07-01", period_to="2026-06-30")
    assert made.status_code == 303
    location = made.location
    assert re.fullmatch(r"/staff/packs/[0-9a-f]{16}\?follow=1", location)
    snapshot = db_session.scalars(select(PackSnapshot)).one()
    shown = page(client, location)
    assert "Ready" in shown.get_text() and shown.find("meta", attrs={"http-equiv": "refresh"}) is None
    files = {f.name: f for f in db_session.scalars(select(PackFile).where(PackFile.pack_id == snapshot.id))}
    listed = shown.select(".pack-files tbody tr")
    assert len(listed) == len(files) == 6
    for stored in files.values():
        assert stored.sha256 in shown.get_text()
    return snapshot, files


def _download(client: FlaskClient, snapshot: PackSnapshot, files: dict[str, PackFile]) -> None:
    """The lead downloads the PDF and opens the HTML pack; no other file is served."""
    pdf = client.get(f"{PACKS}/{snapshot.public_id}/files/pack.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f"attachment; filename={snapshot.pack_id}-pack.pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(pdf.data).hexdigest() == files["pack.pdf"].sha256
    opened = client.get(f"{PACKS}/{snapshot.public_id}/view")
    assert (
        opened.status_code == 200
        and opened.mimetype == "text/html"
        and opened.data == files["pack.html"].data
    )
    assert "script-src 'none'" in opened.headers["Content-Security-Policy"]
    assert client.get(f"{PACKS}/{snapshot.public_id}/files/app.py").status_code == 404


def _share(client: FlaskClient, db_session: Session, snapshot: PackSnapshot) -> tuple[str, ShareLink]:
    """The lead makes a 14-day share link, shown once: its token and its stored link."""
    here = f"{PACKS}/{snapshot.public_id}"
    shared = _post(client, here, f"{here}/links", {"days": "14", "passcode": "", "label": "Inspectors"})
    assert shared.status_code == 303
    shown = page(client, f"{PACKS}/{snapshot.public_id}")
    url = shown.select_one(".pack-url").get_text()  # type: ignore[union-attr]
    token = url.rsplit("/p/", 1)[1]
    assert url.startswith("http://localhost/p/") and len(token) == 43
    link = db_session.scalars(select(ShareLink)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.expires_on == today() + timedelta(days=14)
    assert page(client, f"{PACKS}/{snapshot.public_id}").select_one(".pack-url") is None  # shown once only
    assert "Inspectors" in page(client, f"{PACKS}/{snapshot.public_id}").get_text()
    return token, link


def _inspect(inspector: FlaskClient, token: str, snapshot: PackSnapshot, files: dict[str, PackFile]) -> None:
    """An inspector with no account opens the link, the HTML pack and the spreadsheet."""
    public = inspector.get(f"/p/{token}")
    assert public.status_code == 200
    assert (
        public.headers["Cache-Control"] == "no-store" and public.headers["Referrer-Policy"] == "no-referrer"
    )
    text = response_text(public)
    assert snapshot.pack_id in text and "Demo Parent Carer Forum" in text and files["pack.pdf"].sha256 in text
    assert "Sign out" not in text
    assert inspector.get(f"/p/{token}/view").data == files["pack.html"].data
    xlsx = inspector.get(f"/p/{token}/files/pack.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].startswith("attachment;")
    assert xlsx.mimetype == files["pack.xlsx"].media_type and xlsx.data == files["pack.xlsx"].data
    assert xlsx.headers["Cache-Control"] == "no-store"


def test_a_lead_makes_shares_and_downloads_a_pack(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum_id, survey_id, _lead_id = seed_coded(app, db_session, responses=120)
    make_staff(db_session, LEAD)
    sign_in(client, LEAD)
    snapshot, files = _make_a_pack(client, db_session, survey_id)
    _download(client, snapshot, files)
    token, link = _share(client, db_session, snapshot)
    inspector = app.test_client()
    _inspect(inspector, token, snapshot, files)
    db_session.expire_all()
    assert db_session.get(ShareLink, link.id).access_count == 3  # type: ignore[union-attr]
    assert "3 times" in page(client, f"{PACKS}/{snapshot.public_id}").get_text()

    here = f"{PACKS}/{snapshot.public_id}"
    link_id = link.public_id
    revoked = _post(client, here, f"{here}/links/{link_id}/revoke", {})
    assert revoked.status_code == 303
    gone = inspector.get(f"/p/{token}")
    assert gone.status_code == 410 and "withdrawn" in response_text(gone)
    assert inspector.get(f"/p/{token}/files/pack.pdf").status_code == 410

    removed = post_form(client, f"{PACKS}/{snapshot.public_id}/delete", {})
    assert removed.status_code == 303
    assert db_session.scalars(select(PackSnapshot)).all() == []
    assert inspector.get(f"/p/{token}").status_code == 404

    sid = snapshot.public_id
    assert _events(db_session) == [
        ("accounts.login POST", ""),
        ("packs.make POST", ""),
        ("packs.download GET", sid),
        ("packs.view GET", sid),
        ("packs.share POST", sid),
        ("packs.revoke POST", link_id),
        ("packs.delete POST", sid),
    ]
    assert forum_id


def test_the_page_reloads_only_while_a_pack_is_being_made(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    make_staff(db_session, LEAD)
    building = start_snapshot(db_session, forum.id, survey_id, None, None, {}, None)
    sign_in(client, LEAD)
    following = page(client, f"{PACKS}/{building.public_id}?follow=1")
    refresh = following.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and refresh["content"] == "2"
    assert following.find("progress") is not None and "Stop reloading" in following.get_text()
    assert page(client, f"{PACKS}/{building.public_id}").find("meta", attrs={"http-equiv": "refresh"}) is None
    listed = page(client, PACKS)
    assert listed.find("progress") is not None and "Being made" in listed.get_text()
    again = _make(client, survey=str(survey_id))
    assert again.status_code == 409 and "being made" in response_text(again)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_from": "2026-02-30"}, "Enter the first day as a real date"),
        ({"period_to": "soon"}, "Enter the last day as a real date"),
        ({"period_from": "2026-06-30", "period_to": "2026-01-01"}, "must be the same as or after"),
        ({"period_from": "2026-01-15"}, "Packs cover whole months: start on the first day of a month"),
        ({"period_to": "2026-06-29"}, "end on the last day of a month, like 2026-06-30"),
        ({"age_band": "99"}, "Choose one of the ages shown"),
        ({"survey": "999"}, "Choose one of the surveys shown"),
        ({"survey": ""}, "Choose a survey"),
        ({"partnership_response": "We agree."}, "Enter the day the partnership received the pack"),
        ({"partnership_seen_on": "2999-01-01"}, "cannot be in the future"),
        ({"partnership_seen_on": "yesterday"}, "received the pack as a real date"),
        ({"partnership_seen_on": "2026-01-01", "partnership_response": "x" * 20_001}, "20,000 characters"),
    ],
)
def test_a_wrong_request_for_a_pack_says_why(
    app: Flask, client: FlaskClient, db_session: Session, data: dict[str, str], message: str
) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    make_staff(db_session, LEAD)
    sign_in(client, LEAD)
    response = _make(client, **{"survey": str(survey_id), **data})
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    assert message in soup.select_one(".error-summary").get_text()  # type: ignore[union-attr]
    assert db_session.scalars(select(PackSnapshot)).all() == []


def test_the_partnership_response_goes_into_the_pack_unedited(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _forum_id, survey_id, _lead_id = seed_coded(app, db_session, responses=120)
    make_staff(db_session, LEAD)
    sign_in(client, LEAD)
    response = "We welcome the forum's work.\r\n\r\nWaits for <b>CAMHS</b> are our priority."
    made = _make(
        client, survey=str(survey_id), partnership_seen_on="2026-06-01", partnership_response=response
    )
    assert made.status_code == 303
    snapshot = db_session.scalars(select(PackSnapshot)).one()
    assert snapshot.partnership_seen_on == date(2026, 6, 1)
    assert snapshot.content is not None
    meta = snapshot.content["meta"]
    assert meta["partnership_seen_on"] == "2026-06-01"
    assert meta["partnership_response"] == response.strip()
    html = next(f for f in snapshot.files if f.name == "pack.html").data.decode("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    section = soup.find("section", id="partnership")
    assert section is not None and "1 June 2026" in section.get_text()
    assert "Waits for <b>CAMHS</b> are our priority." in section.get_text()  # printed as text, not markup
    assert "the local area partnership saw it on 1 June 2026" in one(soup, ".cover").get_text()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": "0"}, "from 1 to 90"),
        ({"days": "91"}, "from 1 to 90"),
        ({"days": "abc"}, "whole number"),
        ({"days": ""}, "Enter how many days"),
        ({"days": "30", "passcode": "12345"}, "Use 6 to 200 characters"),
        ({"days": "30", "label": "x" * 121}, "120 characters or fewer"),
    ],
)
def test_a_wrong_share_link_says_why(
    app: Flask, client: FlaskClient, db_session: Session, data: dict[str, str], message: str
) -> None:
    _forum, snapshot = _forum_with_pack(db_session)
    sign_in(client, LEAD)
    here = f"{PACKS}/{snapshot.public_id}"
    response = _post(client, here, f"{here}/links", data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    assert message in soup.select_one(".error-summary").get_text()  # type: ignore[union-attr]
    assert db_session.scalars(select(ShareLink)).all() == []


def test_coders_and_viewers_read_packs_but_only_leads_change_them(app: Flask, db_session: Session) -> None:
    _forum, snapshot = _forum_with_pack(db_session)
    make_link(db_session, snapshot, OPEN_TOKEN)
    link_id = db_session.scalars(select(ShareLink.public_id)).one()
    for email in (CODER, VIEWER):
        client = app.test_client()
        sign_in(client, email)
        listed = page(client, PACKS)
        assert snapshot.pack_id in listed.get_text() and listed.find("form", action=f"{PACKS}/new") is None
        shown = page(client, f"{PACKS}/{snapshot.public_id}")
        assert "Share links" not in shown.get_text() and "Delete this pack" not in shown.get_text()
        assert client.get(f"{PACKS}/{snapshot.public_id}/files/pack.json").status_code == 200
        assert client.get(f"{PACKS}/{snapshot.public_id}/view").status_code == 200
        token = csrf_token(listed)
        for url in (
            f"{PACKS}/new",
            f"{PACKS}/{snapshot.public_id}/links",
            f"{PACKS}/{snapshot.public_id}/links/{link_id}/revoke",
            f"{PACKS}/{snapshot.public_id}/delete",
        ):
            assert client.post(url, data={"csrf_token": token, "days": "5"}).status_code == 403, url
        assert client.get(f"{PACKS}/{snapshot.public_id}/delete").status_code == 403
    assert db_session.scalars(select(ShareLink)).one().revoked_on is None
    assert len(db_session.scalars(select(PackSnapshot)).all()) == 1


def test_another_forums_packs_do_not_exist_here(app: Flask, client: FlaskClient, db_session: Session) -> None:
    _forum, snapshot = _forum_with_pack(db_session)
    make_link(db_session, snapshot, OPEN_TOKEN)
    link_id = db_session.scalars(select(ShareLink.public_id)).one()
    other = make_forum(db_session, "other", "Other Forum")
    theirs = make_stored_pack(
        db_session, other.id, make_survey(db_session, other).survey_id, "P-20260701-0002"
    )
    make_staff(db_session, "lead@other.example", forum_slug="other")
    sign_in(client, "lead@other.example")
    assert snapshot.pack_id not in page(client, PACKS).get_text()
    for url in (
        f"{PACKS}/{snapshot.public_id}",
        f"{PACKS}/{snapshot.public_id}/view",
        f"{PACKS}/{snapshot.public_id}/files/pack.html",
        f"{PACKS}/{snapshot.public_id}/delete",
        f"{PACKS}/{snapshot.public_id}/compare/{theirs.public_id}",
        f"{PACKS}/{theirs.public_id}/compare/{snapshot.public_id}",
        f"{PACKS}/abc",
    ):
        assert client.get(url).status_code == 404, url
    token = csrf_token(page(client, PACKS))
    for url in (
        f"{PACKS}/{snapshot.public_id}/links",
        f"{PACKS}/{snapshot.public_id}/delete",
        f"{PACKS}/{snapshot.public_id}/links/{link_id}/revoke",
        f"{PACKS}/{theirs.public_id}/links/{link_id}/revoke",
    ):
        assert client.post(url, data={"csrf_token": token, "days": "5"}).status_code == 404, url
    assert db_session.scalars(select(ShareLink)).one().revoked_on is None
    assert len(db_session.scalars(select(PackSnapshot)).all()) == 2


def test_packs_and_links_are_named_by_random_ids_never_row_numbers(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum, snapshot = _forum_with_pack(db_session)
    second = make_stored_pack(db_session, forum.id, snapshot.survey_id, "P-20260801-0002")
    make_link(db_session, snapshot, OPEN_TOKEN)
    link = db_session.scalars(select(ShareLink)).one()
    assert snapshot.public_id != second.public_id and re.fullmatch(r"[0-9a-f]{16}", snapshot.public_id)
    assert re.fullmatch(r"[0-9a-f]{16}", link.public_id)
    sign_in(client, LEAD)
    shown = page(client, f"{PACKS}/{snapshot.public_id}")
    addresses = [str(tag.get("href") or tag.get("action")) for tag in shown.select("a[href], form[action]")]
    assert f"{PACKS}/{snapshot.public_id}/links/{link.public_id}/revoke" in addresses
    assert f"{PACKS}/{snapshot.public_id}/compare/{second.public_id}" in addresses
    here = f"{PACKS}/{snapshot.public_id}"
    for url in (
        f"{PACKS}/{snapshot.id}",  # the row number
        f"{PACKS}/{snapshot.id}/view",
        f"{PACKS}/{snapshot.id}/files/pack.json",
        f"{PACKS}/{snapshot.public_id.upper()}",
        f"{PACKS}/{snapshot.public_id}0",
        f"{here}/compare/{second.id}",
        f"{PACKS}/{'0' * 16}",
    ):
        assert client.get(url).status_code == 404, url
    token = csrf_token(shown)
    for url in (
        f"{here}/links/{link.id}/revoke",
        f"{here}/links/{'0' * 16}/revoke",
        f"{PACKS}/{second.public_id}/links/{link.public_id}/revoke",  # a link of another pack
        f"{PACKS}/{snapshot.id}/delete",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    assert db_session.scalars(select(ShareLink)).one().revoked_on is None
    assert len(db_session.scalars(select(PackSnapshot)).all()) == 2


def test_comparing_two_packs(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum, snapshot = _forum_with_pack(db_session)
    from tests.packs.stored import stored_content

    earlier = stored_content("P-20260101-0001", {"waiting_times": 50.0})
    earlier["meta"].update(period_from="2025-10-01", period_to="2026-04-30")  # a month in both
    older = make_stored_pack(db_session, forum.id, snapshot.survey_id, "P-20260101-0001", earlier)
    sign_in(client, VIEWER)
    shown = page(client, f"{PACKS}/{snapshot.public_id}")
    link = shown.find("a", string=re.compile("Compare with P-20260101-0001"))
    assert link is not None
    compared = page(client, str(link["href"]))
    rows = {
        one(row, "th").get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in compared.select(".pack-compare tbody tr")
    }
    assert rows["Waiting times"] == ["50.0% (53.1 to 66.5)", "60.0% (53.1 to 66.5)", "up 10.0 points"]
    assert "overlap" in compared.get_text()
    assert client.get(f"{PACKS}/{older.public_id}/compare/{older.public_id}").status_code == 404


def test_a_passcode_is_asked_for_once_and_guessing_is_limited(app: Flask, db_session: Session) -> None:
    app.config["CODE_ATTEMPTS_PER_HOUR"] = 3
    _forum, snapshot = _forum_with_pack(db_session)
    make_link(db_session, snapshot, PASSCODE_TOKEN, passcode=PASSCODE)
    make_link(db_session, snapshot, OPEN_TOKEN.replace("a", "c"), passcode=PASSCODE)
    inspector = app.test_client()

    asked = inspector.get(f"/p/{PASSCODE_TOKEN}")
    assert asked.status_code == 200 and asked.headers["Referrer-Policy"] == "no-referrer"
    assert "Enter the passcode" in response_text(asked) and snapshot.pack_id not in response_text(asked)
    assert inspector.get(f"/p/{PASSCODE_TOKEN}/files/pack.json").status_code == 303
    assert inspector.get(f"/p/{PASSCODE_TOKEN}/view").status_code == 303
    here = f"/p/{PASSCODE_TOKEN}"
    wrong = _post(inspector, here, f"{here}/passcode", {"passcode": "harbour"})
    assert (
        wrong.status_code == 400
        and "not right" in response_text(wrong)
        and response_text(wrong).startswith("Error: ")
    )
    empty = _post(inspector, here, f"{here}/passcode", {"passcode": ""})
    assert empty.status_code == 400 and "Enter the passcode" in response_text(empty)
    right = _post(inspector, here, f"{here}/passcode", {"passcode": PASSCODE})
    assert right.status_code == 303 and right.location == f"/p/{PASSCODE_TOKEN}"
    opened = inspector.get(f"/p/{PASSCODE_TOKEN}")
    assert opened.status_code == 200 and snapshot.pack_id in response_text(opened)
    assert inspector.get(f"/p/{PASSCODE_TOKEN}/files/pack.json").status_code == 200
    # Remembered for that link only: the other link with the same passcode still asks.
    assert "Enter the passcode" in response_text(inspector.get(f"/p/{OPEN_TOKEN.replace('a', 'c')}"))
    db_session.expire_all()
    counts = dict(db_session.execute(select(ShareLink.token_hash, ShareLink.access_count)).all())
    assert sorted(counts.values()) == [
        0,
        2,
    ]  # the page and the download; asking for the passcode is not an open

    # Every test client comes from the same address: 2 of its 3 tries this hour are used (an empty
    # passcode is not a try), so one wrong guess is answered, and then even the right passcode is not.
    guesser, other = app.test_client(), f"/p/{OPEN_TOKEN.replace('a', 'c')}"
    assert _post(guesser, other, f"{other}/passcode", {"passcode": "guess-123"}).status_code == 400
    refused = _post(guesser, other, f"{other}/passcode", {"passcode": PASSCODE})
    assert refused.status_code == 429 and "too many times" in response_text(refused)
    assert "Enter the passcode" in response_text(guesser.get(other))


def test_broken_links_say_so_and_never_fail(app: Flask, db_session: Session) -> None:
    _forum, snapshot = _forum_with_pack(db_session)
    make_link(db_session, snapshot, OPEN_TOKEN)
    inspector = app.test_client()
    assert inspector.get(f"/p/{OPEN_TOKEN}").status_code == 200
    unknown = inspector.get("/p/" + "z" * 43)
    assert unknown.status_code == 404 and "does not work" in response_text(unknown)
    assert unknown.headers["Cache-Control"] == "no-store"
    for url in ("/p/short", "/p/" + "z" * 43 + "/view", "/p/" + "z" * 43 + "/files/pack.pdf", "/p/%00"):
        assert inspector.get(url).status_code == 404, url
    assert inspector.get(f"/p/{OPEN_TOKEN}/files/..%2Fsecret").status_code == 404
    db_session.execute(update(ShareLink).values(expires_on=today() - timedelta(days=1)))
    db_session.commit()
    expired = inspector.get(f"/p/{OPEN_TOKEN}")
    assert expired.status_code == 410 and "expired" in response_text(expired)
    assert inspector.get(f"/p/{OPEN_TOKEN}/view").status_code == 410
    posted = _post(inspector, "/staff/login", f"/p/{OPEN_TOKEN}/passcode", {"passcode": "x"})
    assert posted.status_code == 410


def test_the_make_a_pack_form_has_the_checklist_with_a_link_to_each_fix(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    forum, _snapshot = _forum_with_pack(db_session)
    sign_in(client, LEAD)
    shown = page(client, PACKS)
    checklist = shown.find(id="checklist")
    assert checklist is not None
    form = shown.find("form", action=f"{PACKS}/new")
    assert form is not None and checklist.find_next("form") is form  # before the button, not after
    text = " ".join(checklist.get_text(" ").split()).replace(" : ", ": ")
    assert "3 things to check first. They never stop the pack being made" in text
    warnings = {
        item["id"]: one(item, "a")["href"] for item in checklist.select(".pack-checklist__item--warning")
    }
    assert warnings == {
        "check-about": "/staff/packs/about",
        "check-quotes": "/staff/coding?status=coded&quotable=yes",
        "check-double_coding": "/staff/agreement",
    }
    for href in warnings.values():
        assert client.get(href).status_code == 200, href
    assert "Check: About this survey. 6 of 6 parts are not written yet" in text
    assert "Ready: Moderation. No answers are waiting for moderation." in text

    save_about(db_session, forum, {part.key: "Written." for part in PARTS})
    assert one(page(client, PACKS), "#check-about")["class"] == ["pack-checklist__item"]

    for email in (CODER, VIEWER):
        other = app.test_client()
        sign_in(other, email)
        assert page(other, PACKS).find(id="checklist") is None
