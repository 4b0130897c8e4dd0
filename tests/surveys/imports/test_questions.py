"""Inferring each question's kind, key and options from its answers, as a definition the app accepts."""

from __future__ import annotations

from typing import Any

import pytest

from forum_app.surveys.definitions import KEY_PATTERN, parse_definition
from forum_app.surveys.imports.export import read_export
from forum_app.surveys.imports.questions import split_choices
from tests.surveys.imports.factories import SAMPLES, csv_bytes, xlsx_bytes

NEEDS = ["autism", "adhd", "speech_language_or_communication"]


def google(column: list[str], title: str = "Question") -> list[dict[str, Any]]:
    """The definition's questions for a Google Forms export of one question with these answers."""
    rows = [["Timestamp", title]] + [[f"0{n % 9 + 1}/03/2024", value] for n, value in enumerate(column)]
    questions: list[dict[str, Any]] = definition_of(rows)["questions"]
    return questions


def definition_of(rows: list[list[str]], kind: str = "csv") -> dict[str, Any]:
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    return read_export(data, f"export.{kind}", "imported", "Imported").definition


@pytest.mark.parametrize("tool", sorted(SAMPLES))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_sample_makes_a_definition_the_app_accepts(tool: str, kind: str) -> None:
    definition = definition_of(SAMPLES[tool], kind)
    survey = parse_definition(definition)
    kinds = {question.key: question.kind for question in survey.questions}
    assert kinds["child_s_age"] == "radio" and kinds["child_s_needs"] == "checkboxes"
    assert kinds["weeks_waited"] == "number" and kinds["tell_us_more"] == "text"
    assert all(KEY_PATTERN.match(question.key) for question in survey.questions)
    assert not any(question.required for question in survey.questions)  # an old answer may be missing


def test_surveymonkey_option_columns_make_one_checkbox_question_with_every_option() -> None:
    survey = parse_definition(definition_of(SAMPLES["surveymonkey"]))
    needs = survey.question("child_s_needs")
    assert needs is not None and [option.value for option in needs.options] == NEEDS
    other = survey.question("child_s_needs_other_please_specify")
    assert (
        other is not None and other.kind == "text" and other.title == "Child's needs: Other (please specify)"
    )


def test_google_forms_labels_with_commas_are_found_from_answers_of_one_choice() -> None:
    column = ["Yes, sometimes", "No", "Yes, sometimes, No", "No", "Yes, sometimes", "Never, Yes, sometimes"]
    question, other = google(column)
    assert question["type"] == "checkboxes" and other["type"] == "text"
    assert [option["label"] for option in question["options"]] == ["Yes, sometimes", "No", "Other"]


def test_split_choices_takes_the_longest_known_label_and_joins_lower_case_parts() -> None:
    known = frozenset({"Yes, sometimes", "No", "Autism"})
    assert split_choices("Yes, sometimes, No", ", ", known) == ["Yes, sometimes", "No"]
    assert split_choices("Autism, Speech, language or communication", ", ", known) == [
        "Autism",
        "Speech, language or communication",
    ]
    assert split_choices("Autism;ADHD;", ";", frozenset()) == ["Autism", "ADHD"]
    assert split_choices("A, , B", ", ", known) == ["A", "B"]


def test_microsoft_forms_cells_ending_in_a_semicolon_are_lists_even_of_one_choice() -> None:
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Pick"]]
    rows += [[str(n), "", "3/5/24 10:00", "", "", value] for n, value in enumerate(["A;", "B;", "A;", "B;"])]
    (pick,) = definition_of(rows)["questions"]
    assert pick["type"] == "checkboxes" and [o["label"] for o in pick["options"]] == ["A", "B"]


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        (["Yes", "No", "Yes", "No", "Yes"], "radio"),
        (["Yes, Definitely", "No, Never", "Yes, Definitely", "No, Never"], "radio"),  # labels with commas
        (["3", "12", "-1", "40", "3"], "number"),
        (["It was slow", "Good", "No help at all", "Fine, thanks", "Awful"], "text"),
        (["Yes", "Yes", "Yes"], "text"),  # one answer is no choice
        (["123456789012", "3", "4"], "text"),  # too long to be a whole number the app takes
        (["A, B", "B", "A", "A, C", "C"], "checkboxes"),
        (
            ["Long waits, no help", "Good school, kind staff", "Slow, unhelpful"],
            "text",
        ),  # lists that never recur
    ],
)
def test_a_column_s_kind_comes_from_its_answers(column: list[str], kind: str) -> None:
    assert google(column)[0]["type"] == kind


def test_answers_given_once_go_to_an_other_text_question_never_into_option_labels() -> None:
    column = ["Yes", "No", "Yes", "No", "Yes", "No", "Yes", "No", "My son's name is Sam"]
    radio, other = google(column)
    assert [option["label"] for option in radio["options"]] == ["Yes", "No", "Other"]
    assert other == {
        "key": "question_other",
        "type": "text",
        "title": "Question: other answer",
        "required": False,
    }


def test_a_number_question_allows_every_imported_value() -> None:
    (weeks,) = google(["3", "-4", "20000", "5"])
    assert (weeks["min"], weeks["max"]) == (-4, 20000)


def test_an_other_answer_key_follows_its_question_s_key_even_for_a_long_title() -> None:
    radio, other = google(["Yes", "No", "Yes", "No", "Yes", "No", "Yes", "No", "Maybe"], "Is it " + "x" * 80)
    assert other["key"] == radio["key"] + "_other" and len(radio["key"]) == 40


def test_keys_are_valid_and_unique_whatever_the_titles() -> None:
    header = ["Timestamp", "How old?", "How old?", "2. Where?", "¿Qué?", "", "A" * 200]
    rows = [header, ["05/03/2024", "a", "b", "c", "d", "e", "f"]]
    keys = [question["key"] for question in definition_of(rows)["questions"]]
    assert keys == ["how_old", "how_old_2", "q_2_where", "qu", "column_6", "a" * 40]
    assert all(KEY_PATTERN.match(key) for key in keys)


def test_empty_columns_without_a_name_are_left_out() -> None:
    rows = [["Timestamp", "Q", "", ""], ["05/03/2024", "a", "", ""], ["06/03/2024", "b", "", ""]]
    assert [question["key"] for question in definition_of(rows)["questions"]] == ["q"]
