"""The frictions of the question and check-answers pages: options that stand alone behind an "or",
"Don't know" off a rating's scale, a reminder to leave out personal details, and consent asked only
of a family who wrote something."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.surveys.definitions import DefinitionError, load_packaged, parse_definition
from forum_app.surveys.models import SUBMITTED, Answer, Response
from tests.factories import (
    JOURNEY,
    SURVEY_URL,
    answer_all,
    make_forum,
    make_survey,
    one,
    page,
    parsed,
    post_form,
    question_url,
    squashed_text,
    start,
    submit,
)

CHECK = f"{SURVEY_URL}check"
WORDS = ("worked_well", "not_worked", "one_change")
# The default journey with nothing written in the three free-text boxes, and no consent.
NO_WORDS = [(key, {} if key in WORDS else data) for key, data in JOURNEY if key != "quote_consent"]


@pytest.fixture
def survey(db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))


def stored(session: Session) -> dict[str, Any]:
    return dict(session.execute(select(Answer.question_key, Answer.value)).all())


# --- options that stand alone ---------------------------------------------------------------------


def test_an_exclusive_option_comes_after_an_or(client: FlaskClient, survey: None) -> None:
    start(client)
    soup = page(client, question_url("services_waited"))
    items = soup.select(".checkboxes > div")
    classes = [" ".join(item.get("class") or []) for item in items]
    assert classes[-2:] == ["checkboxes__divider", "checkboxes__item"]
    assert squashed_text(items[-2]) == "or" and squashed_text(items[-1]) == "None of these"
    assert classes.count("checkboxes__divider") == 1
    assert one(soup, "input[value=none]").has_attr("data-exclusive")
    assert not one(soup, "input[value=camhs]").has_attr("data-exclusive")
    assert one(soup, ".checkboxes").has_attr("data-exclusive-group")
    # A question with no such option has no divider.
    assert not page(client, question_url("age_band")).select(".radios__divider")


def test_the_server_refuses_an_exclusive_option_with_another(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    """Without JavaScript, nothing unticks the others: the page says what to do, and keeps the ticks."""
    start(client)
    response = post_form(client, question_url("services_waited"), {"answer": ["camhs", "none"]})
    assert response.status_code == 200
    soup = parsed(response)
    assert "Select ‘None of these’ on its own, or untick it" in squashed_text(one(soup, ".error-summary"))
    assert one(soup, "input[value=camhs]").has_attr("checked") and one(soup, "input[value=none]").has_attr(
        "checked"
    )
    assert "services_waited" not in stored(db_session)
    alone = post_form(client, question_url("services_waited"), {"answer": ["none"]})
    assert alone.status_code == 302 and stored(db_session)["services_waited"] == ["none"]


# --- "Don't know" on a rating ---------------------------------------------------------------------


def test_a_rating_offers_dont_know_off_the_scale(client: FlaskClient, survey: None) -> None:
    start(client)
    soup = page(client, question_url("rating_support"))
    items = soup.select(".radios > div")
    assert [squashed_text(item) for item in items[-2:]] == ["or", "Don't know or does not apply"]
    assert one(soup, "input[value=dont_know]")["type"] == "radio"
    assert len(soup.select(".radios__divider")) == 1


def test_dont_know_is_stored_as_its_word_and_shown_as_its_label(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    journey = [(key, {"answer": "dont_know"} if key == "rating_support" else data) for key, data in JOURNEY]
    answer_all(client, journey)
    assert "Don't know or does not apply" in squashed_text(page(client, CHECK))
    # Shown again, chosen, when the family goes back to the question.
    assert one(page(client, question_url("rating_support")), "input[value=dont_know]").has_attr("checked")
    assert submit(client).status_code == 302
    answers = stored(db_session)
    assert answers["rating_support"] == "dont_know" and answers["rating_communication"] == 2


def test_a_definition_keeps_off_scale_options_off_the_numbers() -> None:
    document = load_packaged()
    rating = next(q for q in parse_definition(document).questions if q.key == "rating_support")
    assert [o.value for o in rating.scale] == ["1", "2", "3", "4", "5"]
    assert [o.value for o in rating.options if o.off_scale] == ["dont_know"]

    def with_option(key: str, option: dict[str, Any]) -> dict[str, Any]:
        changed = {**document, "questions": [dict(q) for q in document["questions"]]}
        question = next(q for q in changed["questions"] if q["key"] == key)
        question["options"] = [*question["options"], option]
        return changed

    refused = {
        "a number": with_option("rating_support", {"value": "0", "label": "Not sure", "off_scale": True}),
        "checkboxes": with_option("needs", {"value": "dk", "label": "Not sure", "off_scale": True}),
        "not true or false": with_option(
            "rating_support", {"value": "na", "label": "N/A", "off_scale": "yes"}
        ),
    }
    for changed in refused.values():  # keyed by what is wrong
        with pytest.raises(DefinitionError, match="off"):
            parse_definition(changed)


# --- personal details -----------------------------------------------------------------------------


REMINDER = "Do not include names, addresses, phone numbers or email addresses."


def test_every_free_text_box_has_the_reminder(client: FlaskClient, survey: None) -> None:
    start(client)
    for key in WORDS:
        soup = page(client, question_url(key))
        reminder = one(soup, ".personal-details")
        assert REMINDER in squashed_text(reminder)
        described = one(soup, "textarea")["aria-describedby"]
        assert reminder["id"] in str(described).split()
    assert not page(client, question_url("age_band")).select(".personal-details")


def test_check_answers_says_personal_details_will_be_removed_when_there_are_words(
    client: FlaskClient, survey: None
) -> None:
    answer_all(client)
    note = one(page(client, CHECK), ".personal-details")
    assert "will be removed" in squashed_text(note)


def test_check_answers_has_no_such_note_without_words(client: FlaskClient, survey: None) -> None:
    answer_all(client, NO_WORDS)
    assert not page(client, CHECK).select(".personal-details")


# --- consent only when there are words to quote -----------------------------------------------------


def test_a_family_who_wrote_nothing_is_never_asked_for_consent_and_can_send(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    start(client)
    for key, data in NO_WORDS[:-1]:
        assert post_form(client, question_url(key), data).status_code == 302
    last = post_form(client, question_url("one_change"), {})
    assert last.status_code == 302 and last.location == CHECK
    # Not even by its address.
    opened = client.get(question_url("quote_consent"))
    assert opened.status_code == 302 and opened.location == CHECK
    check = page(client, CHECK)
    assert "quote" not in squashed_text(one(check, ".summary-list")).lower()
    assert submit(client).status_code == 302
    assert db_session.scalars(select(Response)).one().status == SUBMITTED
    assert "quote_consent" not in stored(db_session)


def test_a_family_who_wrote_is_asked_after_the_last_box(client: FlaskClient, survey: None) -> None:
    start(client)
    for key, data in NO_WORDS[:-2]:
        post_form(client, question_url(key), data)
    wrote = post_form(client, question_url("not_worked"), {"answer": "Nobody rang back."})
    assert wrote.location == question_url("one_change")
    last = post_form(client, question_url("one_change"), {})
    assert last.location == question_url("quote_consent")


def test_consent_given_then_words_removed_is_not_sent(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    answer_all(client)
    assert stored(db_session)["quote_consent"] is True
    for key in WORDS:
        post_form(client, f"{question_url(key)}?change=1", {})
    assert "quote" not in squashed_text(one(page(client, CHECK), ".summary-list")).lower()
    assert submit(client).status_code == 302
    assert "quote_consent" not in stored(db_session)


def test_visible_asks_consent_only_after_words() -> None:
    definition = parse_definition(load_packaged())

    def asked(answers: dict[str, Any]) -> bool:
        return any(q.kind == "consent" for q in definition.visible(answers))

    assert not asked({}) and not asked({"worked_well": "   "}) and not asked({"worked_well": None})
    assert asked({"one_change": "A named person."})


def test_words_added_from_check_answers_bring_the_consent_question(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    answer_all(client, NO_WORDS)
    added = post_form(client, f"{question_url('worked_well')}?change=1", {"answer": "The SENCO rings back."})
    assert added.status_code == 302 and added.location == f"{question_url('quote_consent')}?change=1"
    back = post_form(client, added.location, {"answer": "y"})
    assert back.location == CHECK
    # Once answered, a further change to the words goes straight back to check answers.
    again = post_form(client, f"{question_url('not_worked')}?change=1", {"answer": "Nobody rang."})
    assert again.location == CHECK
    assert submit(client).status_code == 302 and stored(db_session)["quote_consent"] is True
