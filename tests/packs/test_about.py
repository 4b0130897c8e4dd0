"""What the forum says about its survey: the rules of the lead's page, who may use it, what it keeps,
the audit log, and the pack's methodology built from it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.packs.about import (
    PARTS,
    about_paragraphs,
    about_version,
    check_about,
    clean_lines,
    field_names,
    pack_about,
    save_about,
)
from forum_app.packs.build import build_pack
from forum_app.packs.contents import Pack
from tests.factories import (
    audit_actions,
    csrf_token,
    form_value,
    make_forum,
    make_forum_with_staff,
    page,
    resave_form,
    signed_in,
    squashed_text,
)
from tests.packs.factories import REQUEST, seed_coded

EMPTY = dict.fromkeys(field_names(), "")
TYPED = {
    "independence": "The forum ran the survey itself, paid for by its DfE grant.\r\n"
    "The council did not see the questions or the answers.",
    "coproduction": "Twelve parent carers wrote the questions with us at two workshops.",
    "formats": "An Easy Read version, a paper copy and help by phone.",
    "reach": "Our newsletter, social media and schools; two reminders; no incentive.",
    "lawful_basis": "Legitimate interests (Article 6(1)(f)); substantial public interest (Article 9(2)(g)).",
    "dpia": "DPIA-2025-03",
}


def _forum(session: Session) -> Forum:
    session.expire_all()
    return session.scalars(select(Forum).where(Forum.slug == "demo")).one()


# --- reading -------------------------------------------------------------------------------------


def test_a_forum_that_has_written_nothing_reads_as_empty_texts() -> None:
    assert pack_about(Forum(settings={})) == EMPTY
    assert pack_about(Forum(settings=None)) == EMPTY
    assert list(pack_about(Forum(settings={}))) == [
        "independence",
        "coproduction",
        "formats",
        "reach",
        "lawful_basis",
        "dpia",
    ]


@pytest.mark.parametrize("stored", [None, "about", ["x"], 12, {"independence": 3, "dpia": ["x"]}])
def test_broken_stored_texts_are_read_as_not_given(stored: object) -> None:
    assert pack_about(Forum(settings={"pack_about": stored})) == EMPTY


def test_stored_texts_are_read_cleaned_and_within_their_limits() -> None:
    stored = {"dpia": "D\x00PIA\n 7 " + "x" * 200, "reach": "Line one\x07\n\n\n\nLine two", "other": "y"}
    found = pack_about(Forum(settings={"pack_about": stored}))
    assert found["dpia"].startswith("D PIA 7 xxx") and len(found["dpia"]) == 120
    assert found["reach"] == "Line one\n\nLine two"
    assert "other" not in found


# --- checking ------------------------------------------------------------------------------------


def test_text_with_several_lines_keeps_its_lines_without_control_characters() -> None:
    assert clean_lines("  one\x00two \r\n\r\n\r\n  three\tfour \x1b\n") == "one two\n\nthree four"
    assert clean_lines("\n\n only \n\n") == "only"
    assert clean_lines(None) == ""


def test_the_texts_given_are_kept_and_blanks_are_left_out() -> None:
    stored, errors = check_about({**EMPTY, "reach": " Newsletter\r\nSchools ", "dpia": " DPIA\n-1 "})
    assert errors == {}
    assert stored == {"reach": "Newsletter\nSchools", "dpia": "DPIA -1"}  # the reference is one line


@pytest.mark.parametrize(("key", "limit"), [(part.key, part.limit) for part in PARTS])
def test_each_text_has_a_limit(key: str, limit: int) -> None:
    label = next(part.label for part in PARTS if part.key == key)
    assert check_about({key: "a" * limit}) == ({key: "a" * limit}, {})
    assert check_about({key: "a" * (limit + 1)}) == (
        {},
        {key: [f"{label} must be {limit:,} characters or fewer. It has {limit + 1:,}."]},
    )


def test_the_limit_counts_the_text_without_control_characters() -> None:
    # 50 NUL characters between words count as the one space they leave.
    stored, errors = check_about({"independence": "a" * 300 + "\x00" * 50 + "a" * 299})
    assert errors == {} and stored == {"independence": "a" * 300 + " " + "a" * 299}
    _, errors = check_about({"independence": "a" * 300 + "\x00" * 50 + "a" * 300})
    assert errors == {
        "independence": [
            "Who ran the survey, its funding and independence must be 600 characters or fewer. It has 601."
        ]
    }
    assert check_about({"dpia": "\x00\x01\x02", "reach": "\x1b\n\x7f"}) == ({}, {})


def test_the_pack_says_what_is_missing_or_gives_the_forums_words() -> None:
    assert about_paragraphs({}, "coproduction") == (
        "The forum has not said how the questionnaire was made with families.",
    )
    assert about_paragraphs({"reach": "Newsletter.\n\nSchools."}, "reach") == (
        "How families were reached: Newsletter.",
        "Schools.",
    )


# --- saving --------------------------------------------------------------------------------------


def test_saving_keeps_the_forums_other_settings_and_reads_back(db_session: Session) -> None:
    forum = make_forum(db_session)
    forum.settings = {"contact_email": "hello@example.org", "population": {"totals": {}}}
    db_session.commit()
    assert save_about(db_session, forum, TYPED, about_version(forum)) == {}
    saved = _forum(db_session)
    assert saved.settings["contact_email"] == "hello@example.org"
    assert saved.settings["population"] == {"totals": {}}
    found = pack_about(saved)
    assert found["independence"] == (
        "The forum ran the survey itself, paid for by its DfE grant.\n"
        "The council did not see the questions or the answers."
    )
    assert found["dpia"] == "DPIA-2025-03"


def test_nothing_is_saved_when_anything_is_wrong(db_session: Session) -> None:
    forum = make_forum(db_session)
    shown = about_version(forum)
    assert save_about(db_session, forum, {**TYPED, "dpia": "x" * 121}, shown) == {
        "dpia": ["DPIA reference must be 120 characters or fewer. It has 121."]
    }
    assert pack_about(_forum(db_session)) == EMPTY
    assert save_about(db_session, forum, {"reach": "Newsletter"}, shown) == {}
    assert pack_about(_forum(db_session)) == {**EMPTY, "reach": "Newsletter"}


# --- the page ------------------------------------------------------------------------------------

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
ABOUT = "/staff/packs/about"


@pytest.fixture
def demo(db_session: Session) -> Forum:
    return make_forum_with_staff(db_session, {LEAD: "lead", CODER: "coder", VIEWER: "viewer"})


def _save(client: FlaskClient, **changes: str) -> Any:
    """The form as shown, with these fields changed, sent."""
    return resave_form(client, ABOUT, field_names(), **changes)


def test_a_lead_sees_a_labelled_box_for_every_text(app: Flask, demo: Forum) -> None:
    soup = page(signed_in(app, LEAD), ABOUT)
    assert soup.title is not None and soup.title.get_text().startswith("About this survey")
    for part in PARTS:
        label = soup.find("label", attrs={"for": part.key})
        assert label is not None and squashed_text(label) == part.label
        field = soup.find(id=part.key)
        assert isinstance(field, Tag) and field.name == "textarea"
        assert field.get("rows") == ("5" if part.multiline else "2")
        assert f"{part.key}-hint" in str(field.get("aria-describedby", ""))
        assert form_value(soup, part.key) == ""
        limit = soup.find(id=f"{part.key}-limit")
        assert limit is not None and f"up to {part.limit:,} characters" in squashed_text(limit)


def test_the_packs_page_links_to_the_page_for_leads_only(app: Flask, demo: Forum) -> None:
    assert page(signed_in(app, LEAD), "/staff/packs").find("a", href=ABOUT) is not None
    assert page(signed_in(app, CODER), "/staff/packs").find("a", href=ABOUT) is None


@pytest.mark.parametrize("email", [CODER, VIEWER])
def test_coders_and_viewers_may_not_see_or_change_the_texts(
    app: Flask, db_session: Session, demo: Forum, email: str
) -> None:
    client = signed_in(app, email)
    assert client.get(ABOUT).status_code == 403
    token = csrf_token(page(client, "/staff/packs"))
    assert client.post(ABOUT, data={**TYPED, "csrf_token": token}).status_code == 403
    assert pack_about(_forum(db_session)) == EMPTY
    assert "packs.about POST" not in audit_actions(db_session)


def test_a_post_without_its_csrf_token_is_refused(app: Flask, db_session: Session, demo: Forum) -> None:
    sent = signed_in(app, LEAD).post(ABOUT, data=TYPED)
    assert sent.status_code == 400
    assert pack_about(_forum(db_session)) == EMPTY
    assert "packs.about POST" not in audit_actions(db_session)


def test_a_lead_saves_the_texts_and_the_audit_log_records_it(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, **TYPED)
    assert sent.status_code == 303 and sent.location.endswith(ABOUT)
    soup = page(client, ABOUT)
    assert "Saved what the pack says about the survey" in squashed_text(soup.select_one(".notice"))
    assert form_value(soup, "dpia") == "DPIA-2025-03"
    assert form_value(soup, "independence").strip("\n") == (
        "The forum ran the survey itself, paid for by its DfE grant.\n"
        "The council did not see the questions or the answers."
    )
    assert pack_about(_forum(db_session))["reach"] == TYPED["reach"]
    assert audit_actions(db_session) == ["accounts.login POST", "packs.about POST"]
    log = squashed_text(page(client, "/staff/audit"))
    assert "changed what the pack says about the survey" in log
    assert "DPIA-2025-03" not in log and "workshops" not in log


def test_a_text_too_long_is_sent_back_with_a_message_as_typed(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    long_reach = "Newsletter. " * 70  # 840 characters, 839 once tidied
    sent = _save(client, reach=long_reach, dpia="DPIA-1")
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: About this survey")
    summary = soup.select_one("[data-error-summary]")
    assert summary is not None
    assert [(str(a["href"]), squashed_text(a)) for a in summary.select("a")] == [
        ("#reach", "How families were reached must be 800 characters or fewer. It has 839.")
    ]
    field = soup.find(id="reach")
    assert isinstance(field, Tag) and "reach-error" in str(field.get("aria-describedby", ""))
    assert form_value(soup, "reach").strip("\n") == long_reach
    assert form_value(soup, "dpia") == "DPIA-1"
    assert pack_about(_forum(db_session)) == EMPTY
    assert "packs.about POST" not in audit_actions(db_session)


@pytest.mark.parametrize(
    "body",
    [
        "reach=" + "%00" * 5000,
        "dpia=%ED%A0%80&formats=%FF%FE",  # a UTF-16 surrogate and bytes that are not UTF-8
        "independence=%E2%80%AE" + "x" * 10 + "&version=%00",
        "version=" + "x" * 10_000,
        "reach=a&reach=" + "b" * 900,
    ],
)
def test_odd_input_never_fails(app: Flask, db_session: Session, demo: Forum, body: str) -> None:
    client = signed_in(app, LEAD)
    token = csrf_token(page(client, ABOUT))
    sent = client.post(
        ABOUT,
        data=f"csrf_token={token}&{body}",
        content_type="application/x-www-form-urlencoded",
    )
    assert sent.status_code in (200, 303)
    assert len(pack_about(_forum(db_session))["reach"]) <= 800


# --- the pack ------------------------------------------------------------------------------------


def _sections(pack: Pack) -> dict[str, str]:
    return {section.heading: " ".join(section.paragraphs) for section in pack.methodology}


def test_the_methodology_gives_the_forums_words_and_says_what_is_missing(
    app: Flask, db_session: Session
) -> None:
    seed_coded(app, db_session, responses=60)
    forum = _forum(db_session)
    given = {key: TYPED[key] for key in ("independence", "formats", "dpia")}
    assert save_about(db_session, forum, given) == {}
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    sections = _sections(pack)

    purpose = sections["Purpose and independence"]
    assert "It produced this pack itself." in purpose
    assert (
        "Who ran the survey, its funding and independence: The forum ran the survey itself, paid for by "
        "its DfE grant. The council did not see the questions or the answers." in purpose
    )
    assert "has not said who funded" not in purpose

    fieldwork = sections["Questionnaire and fieldwork"]
    assert "Other formats offered: An Easy Read version, a paper copy and help by phone." in fieldwork
    assert "The forum has not said how the questionnaire was made with families." in fieldwork
    assert "The forum has not said how families were told about the survey" in fieldwork
    assert "has not said whether the survey was offered in other formats" not in fieldwork
    assert "Visits to the survey page are not counted" in fieldwork  # the other sentences stay

    protection = sections["Data protection"]
    assert "No names, IP addresses or exact times are stored with answers." in protection
    assert "Data protection impact assessment (DPIA) reference: DPIA-2025-03" in protection
    assert (
        "The forum has not said its lawful basis for using the answers (UK GDPR Articles 6 and 9)."
        in protection
    )
    assert "has not given a reference for its data protection impact assessment" not in protection
    assert "Contact" not in sections  # no contact address given


def test_with_nothing_written_each_point_says_so_and_a_contact_address_is_given(
    app: Flask, db_session: Session
) -> None:
    seed_coded(app, db_session, responses=60)
    forum = _forum(db_session)
    forum.settings = {**(forum.settings or {}), "contact_email": "packs@example.org"}
    db_session.commit()
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    every = " ".join(_sections(pack).values())
    for part in PARTS:
        assert every.count(part.missing) == 1, part.key
    headings = [section.heading for section in pack.methodology]
    assert headings[-2:] == ["Right of reply", "Contact"]
    assert _sections(pack)["Contact"] == (
        f"To ask about this pack or the survey, write to {forum.name} at packs@example.org."
    )
