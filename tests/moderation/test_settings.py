"""The moderation settings: the rules of the lead's form, its page, who may use it, and its effect."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum
from forum_app.moderation.settings import (
    DEFAULT_PROCEDURE,
    MAX_CONTACTS,
    MAX_DENY_TERMS,
    MAX_PROCEDURE_CHARS,
    MAX_TERM_CHARS,
    PEOPLE,
    SCHOOLS,
    check_flag_target_days,
    check_original_days,
    check_procedure,
    contacts_from_text,
    moderation_settings,
    save_settings,
    settings_version,
    terms_from_text,
)
from forum_app.surveys.models import Answer
from tests.factories import (
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    page,
    signed_in,
    squashed_text,
)
from tests.moderation.factories import send

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
SETTINGS = "/staff/moderation/settings"
# Neither name is found by the automatic check on its own.
MISSED = "The worker at Riverside Hub, Dilys, helped."
GOOD = {
    "procedure": "Ring Jo, our safeguarding lead, on 01234 567890.\r\nIf a child is in danger, call 999.",
    "deny_list": "Riverside Hub\r\n\r\n  riverside   HUB \r\nLittle Acorns Nursery",
    "deny_names": "Dilys\r\nDr Okafor\r\ndilys",
    "original_days": " 14 ",
}


DAYS_NOT_A_NUMBER = "Enter the days as a whole number, from 1 to 30, like 14"
DAYS_OUT_OF_RANGE = "The number of days must be between 1 and 30"
NO_PROCEDURE = "Enter what a moderator must do when an answer suggests a risk of harm"
NO_DAYS = "Enter how many days to keep the original words, from 1 to 30"


def _summary(soup: BeautifulSoup) -> list[tuple[str, str]]:
    found = soup.select_one("[data-error-summary]")
    return [(str(a["href"]), squashed_text(a)) for a in found.select("a")] if found else []


def _field(soup: BeautifulSoup, name: str) -> str:
    """What a field of the form shows: a text box's text, or an input's value."""
    found = soup.find(id=name) if name != "version" else soup.find("input", attrs={"name": name})
    assert isinstance(found, Tag), name
    return str(found["value"]) if found.name == "input" else found.get_text()


def _forum(session: Session) -> Forum:
    session.expire_all()
    return session.scalars(select(Forum).where(Forum.slug == "demo")).one()


def _save(client: FlaskClient, **changes: str) -> Any:
    """The settings form as shown, with these fields changed, sent."""
    soup = page(client, SETTINGS)
    names: tuple[str, ...] = (
        "version",
        "procedure",
        "safeguarding_contacts",
        "flag_target_days",
        "deny_list",
        "deny_names",
    )
    names += ("original_days",)
    data = {"csrf_token": csrf_token(soup), **{name: _field(soup, name) for name in names}}
    return client.post(SETTINGS, data={**data, **changes})


def _value(session: Session, response_id: str, key: str) -> Any:
    session.expire_all()
    return session.scalars(
        select(Answer.value).where(Answer.response_id == response_id, Answer.question_key == key)
    ).one()


def _events(session: Session) -> list[str]:
    session.expire_all()
    return [event.action for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def demo(db_session: Session) -> Forum:
    """The demo forum, its survey, a lead, a coder and a viewer."""
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(db_session, email, role=role)
    return forum


# --- the rules ----------------------------------------------------------------------------------


def test_the_procedure_is_required_and_at_most_3000_characters() -> None:
    assert check_procedure("  Ring Jo.\r\nThen write it down.\n ") == ("Ring Jo.\nThen write it down.", [])
    assert check_procedure("x" * MAX_PROCEDURE_CHARS) == ("x" * MAX_PROCEDURE_CHARS, [])
    assert check_procedure(" \r\n ")[1] == [NO_PROCEDURE]
    assert check_procedure("x" * (MAX_PROCEDURE_CHARS + 1))[1] == [
        "The safeguarding procedure must be 3,000 characters or fewer. It has 3,001."
    ]
    # Line ends count once, as the box shows them.
    assert check_procedure("a\r\n" * 1000 + "b")[1] == []


def test_names_are_one_a_line_without_blanks_or_repeats() -> None:
    text = "Riverside Hub\r\n\r\n   \n  riverside   HUB \nLittle\tAcorns Nursery\rMrs Begum"
    assert terms_from_text(text) == (["Riverside Hub", "Little Acorns Nursery", "Mrs Begum"], [])
    assert terms_from_text("") == ([], [])
    assert terms_from_text("x" * MAX_TERM_CHARS) == (["x" * MAX_TERM_CHARS], [])
    assert terms_from_text("Jo") == (["Jo"], [])


SCHOOL_TOO_LONG = "Each school or setting name must be 120 characters or fewer."
PERSON_TOO_LONG = "Each person’s name must be 120 characters or fewer."


@pytest.mark.parametrize(
    ("text", "words", "message"),
    [
        ("Oakfield\n" + "x" * 121, SCHOOLS, f"{SCHOOL_TOO_LONG} Line 2 is longer."),
        ("x" * 121 + "\n\n" + "y" * 121, PEOPLE, f"{PERSON_TOO_LONG} Line 1 and 3 are longer."),
        ("\n".join(["z" * 200] * 5), SCHOOLS, f"{SCHOOL_TOO_LONG} Line 1 and 4 more are longer."),
        (
            "Oakfield\na\n.",
            PEOPLE,
            "Each person’s name must have at least 2 letters or numbers. Line 2 and 3 are not.",
        ),
        (
            "\n".join(f"School {n}" for n in range(501)),
            SCHOOLS,
            "Enter 500 school and setting names or fewer. There are 501.",
        ),
        (
            "\n".join(f"Name {n}" for n in range(5000)),
            PEOPLE,
            "Enter 500 people’s names or fewer. There are 5,000.",
        ),
    ],
)
def test_names_that_break_a_rule_are_refused(text: str, words: tuple[str, str], message: str) -> None:
    assert message in terms_from_text(text, words)[1]


def test_500_names_are_allowed_counting_repeats_once() -> None:
    names = [f"School {n}" for n in range(MAX_DENY_TERMS)]
    assert terms_from_text("\n".join(names + [name.upper() for name in names])) == (names, [])


@pytest.mark.parametrize(("text", "days"), [("1", 1), ("30", 30), (" 14 ", 14), ("07", 7)])
def test_days_are_a_whole_number_from_1_to_30(text: str, days: int) -> None:
    assert check_original_days(text) == (days, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", NO_DAYS),
        ("  ", NO_DAYS),
        ("0", DAYS_OUT_OF_RANGE),
        ("31", DAYS_OUT_OF_RANGE),
        ("9" * 5000, DAYS_OUT_OF_RANGE),  # more digits than int() takes
        ("fourteen", DAYS_NOT_A_NUMBER),
        ("1.5", DAYS_NOT_A_NUMBER),
        ("-3", DAYS_NOT_A_NUMBER),
        ("١٤", DAYS_NOT_A_NUMBER),
    ],
)
def test_other_days_are_refused(text: str, message: str) -> None:
    assert check_original_days(text) == (0, [message])


BAD_EMAIL = "Enter each email address in the correct format, like name@example.com, one a line."
NO_TARGET = "Enter how many working days a flagged answer may wait, from 1 to 10"
TARGET_NOT_A_NUMBER = "Enter the working days as a whole number, from 1 to 10, like 2"
TARGET_OUT_OF_RANGE = "The number of working days must be between 1 and 10"


def test_contacts_are_email_addresses_one_a_line_without_blanks_or_repeats() -> None:
    text = (
        " jo@forum.org.uk \r\n\r\nSam.Smith+alerts@example.org\nJO@FORUM.ORG.UK\nchair@xn--bcher-kva.example"
    )
    assert contacts_from_text(text) == (
        ["jo@forum.org.uk", "Sam.Smith+alerts@example.org", "chair@xn--bcher-kva.example"],
        [],
    )
    assert contacts_from_text("") == ([], [])
    ten = [f"contact{n}@example.org" for n in range(MAX_CONTACTS)]
    assert contacts_from_text("\n".join(ten)) == (ten, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("jo@forum.org\njo at forum.org", f"{BAD_EMAIL} Line 2 is not."),
        ("jo@forum\n\n@forum.org\njo@@forum.org", f"{BAD_EMAIL} Line 1 and 2 more are not."),
        ("Jo Bloggs <jo@forum.org>\njo@forum.org.", f"{BAD_EMAIL} Line 1 and 2 are not."),
        ("x" * 250 + "@forum.org", f"{BAD_EMAIL} Line 1 is not."),
        ("a@" + "b." * 5000 + "org", f"{BAD_EMAIL} Line 1 is not."),  # long and hostile: still quick
        (
            "\n".join(f"c{n}@example.org" for n in range(11)),
            "Enter 10 email addresses or fewer. There are 11.",
        ),
    ],
)
def test_contacts_that_break_a_rule_are_refused(text: str, message: str) -> None:
    assert contacts_from_text(text)[1] == [message]


@pytest.mark.parametrize(("text", "days"), [("1", 1), ("10", 10), (" 2 ", 2), ("05", 5)])
def test_the_flag_target_is_a_whole_number_of_working_days_from_1_to_10(text: str, days: int) -> None:
    assert check_flag_target_days(text) == (days, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", NO_TARGET),
        ("0", TARGET_OUT_OF_RANGE),
        ("11", TARGET_OUT_OF_RANGE),
        ("9" * 5000, TARGET_OUT_OF_RANGE),
        ("two", TARGET_NOT_A_NUMBER),
        ("2.5", TARGET_NOT_A_NUMBER),
        ("٢", TARGET_NOT_A_NUMBER),
    ],
)
def test_other_flag_targets_are_refused(text: str, message: str) -> None:
    assert check_flag_target_days(text) == (0, [message])


def test_saving_keeps_the_forums_other_settings(db_session: Session, demo: Forum) -> None:
    demo.settings = {"bulk_threshold": 0.9, "support": {"phone": "0800 000 000"}, "deny_list": ["Old"]}
    db_session.commit()
    procedure, deny_list, deny_names, days = GOOD.values()
    errors = save_settings(db_session, demo, procedure, deny_list, deny_names, days, settings_version(demo))
    assert errors == {}
    assert _forum(db_session).settings == {
        "bulk_threshold": 0.9,
        "support": {"phone": "0800 000 000"},
        "safeguarding_procedure": GOOD["procedure"].replace("\r\n", "\n"),
        "deny_list": ["Riverside Hub", "Little Acorns Nursery"],
        "deny_names": ["Dilys", "Dr Okafor"],
        "original_days": 14,
        # The whole section is stored: what the form left out keeps its (default) value.
        "safeguarding_contacts": [],
        "flag_target_days": 2,
    }


def test_nothing_is_saved_when_anything_is_wrong(db_session: Session, demo: Forum) -> None:
    demo.settings = {"bulk_threshold": 0.9}
    db_session.commit()
    errors = save_settings(db_session, demo, "", "x" * 121, "Dilys", "31")
    assert list(errors) == ["procedure", "deny_list", "original_days"]
    assert _forum(db_session).settings == {"bulk_threshold": 0.9}


# --- the page -----------------------------------------------------------------------------------


def test_a_lead_sees_the_settings_and_what_each_does(app: Flask, demo: Forum) -> None:
    soup = page(signed_in(app, LEAD), SETTINGS)
    assert soup.title is not None and soup.title.get_text().startswith("Moderation settings")
    assert _field(soup, "procedure") == DEFAULT_PROCEDURE
    assert _field(soup, "deny_list") == _field(soup, "deny_names") == ""
    assert _field(soup, "original_days") == "30"
    for name in ("procedure", "deny_list", "deny_names", "original_days"):
        assert soup.find("label", attrs={"for": name}) is not None, name
    text = squashed_text(soup)
    assert "The lists apply to answers sent from now on" in text
    assert "they can redact it on the answer’s page in the moderation queue" in text
    assert "replaced with [school]" in text and "replaced with [name]" in text
    assert "Answers nobody has approved lose them after this many days" in text


def test_the_queue_links_to_the_settings_and_is_for_leads_only(app: Flask, demo: Forum) -> None:
    assert page(signed_in(app, LEAD), "/staff/moderation").find("a", href=SETTINGS) is not None
    assert signed_in(app, CODER).get("/staff/moderation").status_code == 403


@pytest.mark.parametrize("email", [CODER, VIEWER])
def test_coders_and_viewers_may_not_see_or_change_the_settings(
    app: Flask, db_session: Session, demo: Forum, email: str
) -> None:
    client = signed_in(app, email)
    assert client.get(SETTINGS).status_code == 403
    token = csrf_token(page(client, "/staff/responses"))
    sent = client.post(SETTINGS, data={**GOOD, "csrf_token": token})
    assert sent.status_code == 403
    assert _forum(db_session).settings in ({}, None)


def test_a_lead_saves_the_settings_and_sees_them_saved(app: Flask, db_session: Session, demo: Forum) -> None:
    demo.settings = {"bulk_threshold": 0.85}
    db_session.commit()
    client = signed_in(app, LEAD)
    sent = _save(client, **GOOD)
    assert sent.status_code == 303 and sent.location.endswith(SETTINGS)
    soup = page(client, SETTINGS)
    assert "Saved the moderation settings" in squashed_text(soup.select_one(".notice"))
    assert _field(soup, "deny_list") == "Riverside Hub\nLittle Acorns Nursery"
    assert _field(soup, "deny_names") == "Dilys\nDr Okafor"
    assert _field(soup, "original_days") == "14"
    assert _field(soup, "procedure").startswith("Ring Jo, our safeguarding lead")
    assert _forum(db_session).settings["bulk_threshold"] == 0.85
    # The page reloaded shows no banner again, and saving it unchanged keeps the same settings.
    assert page(client, SETTINGS).select_one(".notice") is None
    before = _forum(db_session).settings
    assert _save(client).status_code == 303
    assert _forum(db_session).settings == before


def test_names_saved_are_redacted_in_answers_sent_afterwards(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    earlier = send(app, db_session, worked_well=MISSED)
    assert _value(db_session, earlier, "worked_well") == MISSED  # neither name is known yet
    assert _save(signed_in(app, LEAD), deny_list="riverside hub", deny_names="DILYS").status_code == 303
    later = send(app, db_session, worked_well=MISSED, not_worked="Dilys never rang back.")
    assert _value(db_session, later, "worked_well") == "The worker at [school], [name], helped."
    assert _value(db_session, later, "not_worked") == "[name] never rang back."
    assert _value(db_session, earlier, "worked_well") == MISSED  # answers already sent are not checked again


def test_a_lead_sets_who_is_alerted_and_the_target_for_flags(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    soup = page(client, SETTINGS)
    assert _field(soup, "safeguarding_contacts") == "" and _field(soup, "flag_target_days") == "2"
    for name in ("safeguarding_contacts", "flag_target_days"):
        assert soup.find("label", attrs={"for": name}) is not None, name
    assert "never the answer itself" in squashed_text(soup)
    sent = _save(client, safeguarding_contacts="jo@forum.org\r\n\r\nchair@forum.org", flag_target_days=" 3 ")
    assert sent.status_code == 303
    found = moderation_settings(_forum(db_session))
    assert found.safeguarding_contacts == ("jo@forum.org", "chair@forum.org") and found.flag_target_days == 3
    soup = page(client, SETTINGS)
    assert _field(soup, "safeguarding_contacts") == "jo@forum.org\nchair@forum.org"
    assert _field(soup, "flag_target_days") == "3"
    # A form without the two fields (opened before they existed) keeps them as they are.
    data = {name: _field(soup, name) for name in ("version", "procedure", "deny_list", "deny_names")}
    old_form = {**data, "original_days": "30", "csrf_token": csrf_token(soup)}
    assert client.post(SETTINGS, data=old_form).status_code == 303
    assert moderation_settings(_forum(db_session)).safeguarding_contacts == (
        "jo@forum.org",
        "chair@forum.org",
    )


def test_wrong_contacts_and_target_are_sent_back_in_the_order_of_the_form(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    changes = {
        "original_days": "0",
        "flag_target_days": "a week",
        "safeguarding_contacts": "jo@forum\nok@forum.org",
    }
    sent = _save(client, **changes)
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert _summary(soup) == [
        ("#safeguarding_contacts", f"{BAD_EMAIL} Line 1 is not."),
        ("#flag_target_days", TARGET_NOT_A_NUMBER),
        ("#original_days", DAYS_OUT_OF_RANGE),
    ]
    for name, typed in changes.items():
        assert _field(soup, name) == typed
        field = soup.select_one(f"#{name}")
        assert field is not None and f"{name}-error" in str(field["aria-describedby"])
    assert _forum(db_session).settings in ({}, None)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"original_days": "a fortnight"}, [("#original_days", DAYS_NOT_A_NUMBER)]),
        ({"original_days": "0"}, [("#original_days", DAYS_OUT_OF_RANGE)]),
        ({"original_days": "31"}, [("#original_days", DAYS_OUT_OF_RANGE)]),
        ({"original_days": "9" * 10_000}, [("#original_days", DAYS_OUT_OF_RANGE)]),
        ({"original_days": ""}, [("#original_days", NO_DAYS)]),
        (
            {"procedure": "y" * 50_000},
            [("#procedure", "The safeguarding procedure must be 3,000 characters or fewer. It has 50,000.")],
        ),
        ({"procedure": "   "}, [("#procedure", NO_PROCEDURE)]),
        (
            {"deny_list": "x" * 100_000, "deny_names": "\n".join(f"N{n}" for n in range(600))},
            [
                ("#deny_list", f"{SCHOOL_TOO_LONG} Line 1 is longer."),
                ("#deny_names", "Enter 500 people’s names or fewer. There are 600."),
            ],
        ),
    ],
)
def test_wrong_input_is_sent_back_with_messages_as_typed(
    app: Flask, db_session: Session, demo: Forum, changes: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, **changes)
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: Moderation settings")
    assert _summary(soup) == expected
    for target, message in expected:
        field = soup.select_one(target)
        assert field is not None and f"{target[1:]}-error" in str(field["aria-describedby"])
        assert message in squashed_text(soup.select_one(f"{target}-error"))
    for name, typed in changes.items():
        assert _field(soup, name) == typed
    assert _forum(db_session).settings in ({}, None)
    assert "moderation.settings POST" not in _events(db_session)


def test_a_form_too_large_to_send_is_refused_with_a_page(app: Flask, demo: Forum) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, deny_names="x" * (300 * 1024))
    assert sent.status_code == 413
    assert "That was too long to send" in sent.get_data(as_text=True)


def test_saving_is_in_the_audit_log_and_looking_is_not(app: Flask, db_session: Session, demo: Forum) -> None:
    client = signed_in(app, LEAD)
    page(client, SETTINGS)
    assert _save(client, original_days="0").status_code == 200  # refused: nothing changed
    assert _save(client, original_days="7").status_code == 303
    assert _events(db_session) == ["accounts.login POST", "moderation.settings POST"]
    assert "changed the moderation settings" in squashed_text(page(client, "/staff/audit"))
