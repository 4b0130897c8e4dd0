"""Knowing which tool made an export, which of its columns are metadata, and where its dates are."""

from __future__ import annotations

import datetime

import pytest

from forum_app.surveys.imports.dates import day_comes_first, read_day
from forum_app.surveys.imports.files import ImportFileError, read_table
from forum_app.surveys.imports.tools import SourceQuestion, detect_layout
from tests.surveys.imports.factories import (
    GOOGLE,
    MICROSOFT,
    SAMPLES,
    SMARTSURVEY,
    SURVEYMONKEY,
    csv_bytes,
    xlsx_bytes,
)

QUESTIONS = ["Child's age", "Child's needs", "Weeks waited", "Tell us more"]


@pytest.mark.parametrize("tool", sorted(SAMPLES))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_tool_is_known_by_its_header_as_csv_and_as_xlsx(tool: str, kind: str) -> None:
    rows = SAMPLES[tool]
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    layout = detect_layout(read_table(data, f"export.{kind}"))
    assert layout.tool == tool
    titles = [question.title for question in layout.questions]
    assert [title for title in titles if ":" not in title] == QUESTIONS
    header = rows[0]
    assert {header[column] for column in layout.dropped} | set(QUESTIONS) >= set(header) - {""}


def test_google_forms_drops_the_timestamp_email_and_score() -> None:
    layout = detect_layout(read_table(csv_bytes(GOOGLE), "export.csv"))
    assert (layout.header_rows, layout.date_columns, layout.dropped) == (1, (0,), (0, 1, 2))
    assert (layout.separator, layout.day_first) == (", ", True)


def test_google_forms_quiz_and_username_columns_are_dropped() -> None:
    rows = [
        ["Timestamp", "Username", "Email Address", "Total score", "Q1", "Q1 [Score]", "Q1 [Feedback]"],
        ["2024/03/05", "a@b.c", "", "", "a", "1", "ok"],
    ]
    layout = detect_layout(read_table(csv_bytes(rows), "export.csv"))
    assert [question.title for question in layout.questions] == ["Q1"]


def test_microsoft_forms_drops_id_times_email_and_name() -> None:
    layout = detect_layout(read_table(csv_bytes(MICROSOFT), "export.csv"))
    assert layout.dropped == (0, 1, 2, 3, 4, 5) and layout.date_columns == (2, 1)
    assert layout.separator == ";"


def test_surveymonkey_reads_two_header_rows_and_one_column_per_option() -> None:
    layout = detect_layout(read_table(csv_bytes(SURVEYMONKEY), "export.csv"))
    assert layout.header_rows == 2 and layout.dropped == tuple(range(9)) and layout.date_columns == (3, 2)
    assert layout.questions == (
        SourceQuestion("Child's age", (9,), ("",)),
        SourceQuestion(
            "Child's needs", (10, 11, 12), ("Autism", "ADHD", "Speech, language or communication")
        ),
        SourceQuestion("Child's needs: Other (please specify)", (13,), ("",)),
        SourceQuestion("Weeks waited", (14,), ("",)),
        SourceQuestion("Tell us more", (15,), ("",)),
    )
    assert not layout.day_first


def test_smartsurvey_may_have_a_second_header_row_like_surveymonkey() -> None:
    header = [*SMARTSURVEY[0][:9], "Child's needs", "", "Tell us more"]
    labels = [""] * 9 + ["Autism", "ADHD", "Open-Ended Response"]
    answer = [*SMARTSURVEY[1][:9], "Autism", "", "Fine"]
    layout = detect_layout(read_table(csv_bytes([header, labels, answer]), "export.csv"))
    assert layout.tool == "smartsurvey" and layout.header_rows == 2
    assert layout.questions[0] == SourceQuestion("Child's needs", (9, 10), ("Autism", "ADHD"))
    assert detect_layout(read_table(csv_bytes(SMARTSURVEY), "export.csv")).header_rows == 1


def test_a_file_from_another_tool_names_the_four_tools() -> None:
    rows = [["Response Date", "Your name", "Question 1"], ["2024-03-05", "Ann", "Yes"]]
    with pytest.raises(ImportFileError) as refused:
        detect_layout(read_table(csv_bytes(rows), "export.csv"))
    message = str(refused.value)
    assert all(name in message for name in ("Google Forms", "Microsoft Forms", "SurveyMonkey", "SmartSurvey"))


def test_an_export_of_metadata_only_or_a_second_header_without_responses_is_refused() -> None:
    with pytest.raises(ImportFileError, match="has no questions"):
        detect_layout(read_table(b"Timestamp,Email address\r\n05/03/2024,a@b.c\r\n", "export.csv"))
    with pytest.raises(ImportFileError, match="no responses"):
        detect_layout(read_table(csv_bytes(SURVEYMONKEY[:2]), "export.csv"))


@pytest.mark.parametrize(
    ("values", "usual", "day_first"),
    [
        (["05/03/2024 10:14:22", "14/03/2024 11:02:09"], False, True),  # 14 can only be a day
        (["03/05/2024 10:14:22 AM", "03/14/2024 11:02:09 AM"], True, False),  # 14 can only be a day
        (["05/03/2024", "06/03/2024"], True, True),  # nothing settles it: the tool's usual order
        (["05/03/2024", "06/03/2024"], False, False),
        (["2024/03/14 10:14:22 am GMT", "05/03/2024"], False, False),  # year first says nothing of the rest
    ],
)
def test_the_order_of_day_and_month_is_decided_per_file(
    values: list[str], usual: bool, day_first: bool
) -> None:
    assert day_comes_first(values, usual, "Timestamp") is day_first


def test_dates_in_two_orders_in_one_file_are_refused() -> None:
    with pytest.raises(ImportFileError, match="two orders"):
        day_comes_first(["14/03/2024", "03/14/2024"], True, "Timestamp")


@pytest.mark.parametrize(
    ("value", "day_first", "day"),
    [
        ("2024/03/05 10:14:22 am GMT", False, datetime.date(2024, 3, 5)),
        ("2024-03-05 10:14:22", True, datetime.date(2024, 3, 5)),
        ("2024-03-05T23:59:59+01:00", True, datetime.date(2024, 3, 5)),
        ("05/03/2024 10:14:22", True, datetime.date(2024, 3, 5)),
        ("03/05/2024 10:14:22 AM", False, datetime.date(2024, 3, 5)),
        ("3/5/24 10:14", False, datetime.date(2024, 3, 5)),
        ("5.3.2024", True, datetime.date(2024, 3, 5)),
    ],
)
def test_a_date_is_kept_to_the_day(value: str, day_first: bool, day: datetime.date) -> None:
    assert read_day(value, day_first, "Timestamp", 2) == day


@pytest.mark.parametrize("value", ["", "yesterday", "31/02/2024", "13/13/2024", "5 March 2024", "123/4/2024"])
def test_a_date_that_cannot_be_read_names_its_row_and_column(value: str) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_day(value, True, "Timestamp", 7)
    assert str(refused.value).startswith("Row 7: the date “") and "in the column “Timestamp”" in str(
        refused.value
    )


def test_a_workbook_s_missing_header_cells_over_a_last_checkbox_question_are_read_as_blank() -> None:
    header = [*SURVEYMONKEY[0][:9], "Child's age", "Child's needs"]  # the cells after it are left out
    labels = [""] * 9 + ["Response", "Autism", "ADHD", "Speech, language or communication"]
    answers = [row[:10] + row[10:13] for row in SURVEYMONKEY[2:]]
    table = read_table(xlsx_bytes([header, labels, *answers]), "export.xlsx")
    assert table.header[-3:] == ("Child's needs", "", "") and table.notes == ()
    layout = detect_layout(table)
    assert layout.questions[-1] == SourceQuestion("Child's needs", (10, 11, 12), tuple(labels[10:]))


def test_surveymonkey_other_please_specify_beside_a_single_answer_is_a_question_of_its_own() -> None:
    header = [*SURVEYMONKEY[0][:9], "Child's age", ""]
    labels = [""] * 9 + ["Response", "Other (please specify)"]
    answers = [[*row[:10], "Twins"] for row in SURVEYMONKEY[2:]]
    layout = detect_layout(read_table(csv_bytes([header, labels, *answers]), "export.csv"))
    assert layout.questions == (
        SourceQuestion("Child's age", (9,), ("",)),
        SourceQuestion("Child's age: Other (please specify)", (10,), ("",)),
    )
