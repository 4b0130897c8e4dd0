"""Each response as its day, its answers and a fingerprint; nothing of the respondent's metadata."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum_app.surveys.definitions import parse_definition
from forum_app.surveys.imports.export import ImportedExport, read_export
from forum_app.surveys.imports.files import ImportFileError
from tests.surveys.imports.factories import (
    GOOGLE,
    METADATA_VALUES,
    MICROSOFT,
    SAMPLES,
    SURVEYMONKEY,
    csv_bytes,
    xlsx_bytes,
)

DAYS = [datetime.date(2024, 3, day) for day in (5, 14, 21, 22)]


def read(rows: list[list[str]], kind: str = "csv") -> ImportedExport:
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    return read_export(data, f"export.{kind}", "imported", "Imported")


def everything_returned(export: ImportedExport) -> str:
    """All the import returns to its caller, as one text."""
    rows = [dataclasses.asdict(row) for row in export.rows()]
    questions = [dataclasses.asdict(question) for question in export.questions]
    kept = [repr(export), export.tool, export.row_count, export.definition, export.notes, questions, rows]
    return json.dumps(kept, default=str, ensure_ascii=False)


@pytest.mark.parametrize("tool", sorted(SAMPLES))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_no_metadata_value_appears_anywhere_in_what_the_import_returns(tool: str, kind: str) -> None:
    export = read(SAMPLES[tool], kind)
    returned = everything_returned(export)
    assert "Child's needs" in returned and '"weeks_waited": 30' in returned  # the questions and answers are
    assert [value for value in METADATA_VALUES if value in returned] == []


@pytest.mark.parametrize("tool", sorted(SAMPLES))
def test_responses_keep_their_day_in_uk_and_us_order(tool: str) -> None:
    export = read(SAMPLES[tool])
    assert export.tool == tool and export.row_count == 4
    assert [row.submitted_on for row in export.rows()] == DAYS


def test_multi_select_answers_are_lists_of_option_values_both_ways() -> None:
    google = [row.answers for row in read(GOOGLE).rows()]
    assert google[0]["child_s_needs"] == ["autism", "adhd"]
    assert google[2]["child_s_needs"] == ["autism", "speech_language_or_communication"]
    monkey = [row.answers for row in read(SURVEYMONKEY).rows()]
    assert monkey[0] == {
        "child_s_age": "5_to_10",
        "child_s_needs": ["autism", "adhd"],
        "weeks_waited": 12,
        "tell_us_more": "The wait was long",
    }
    assert monkey[1]["child_s_needs"] == ["speech_language_or_communication"]
    assert monkey[1]["child_s_needs_other_please_specify"] == "Tics"


def test_formula_looking_cells_are_kept_as_given() -> None:
    answers = [row.answers.get("tell_us_more") for row in read(GOOGLE).rows()]
    assert answers == ["The wait was long", '=HYPERLINK("x")', None, "+44 is not a formula"]


def test_an_answer_outside_the_options_is_kept_as_other_text() -> None:
    rows = [["Timestamp", "Pick"]] + [["05/03/2024", value] for value in ("A, B", "A", "B", "A, Tics")]
    (*_, last) = read(rows).rows()
    assert last.answers == {"pick": ["a", "other"], "pick_other": "Tics"}


def test_fingerprints_are_stable_and_never_of_the_metadata() -> None:
    first = [row.fingerprint for row in read(SURVEYMONKEY).rows()]
    assert first == [row.fingerprint for row in read(SURVEYMONKEY, "xlsx").rows()]
    assert len(set(first)) == 4 and all(len(fingerprint) == 64 for fingerprint in first)
    other_times = [
        [cell[:11] + "01:02:03 PM" if cell else "" for cell in row[2:4]] for row in SURVEYMONKEY[2:]
    ]
    other_people = [
        ["9", "8", *times, "1", "2", "3", "4", "5", *row[9:]]
        for row, times in zip(SURVEYMONKEY[2:], other_times, strict=True)
    ]
    assert [row.fingerprint for row in read(SURVEYMONKEY[:2] + other_people).rows()] == first


def test_a_later_export_with_more_responses_gives_the_shared_ones_the_same_fingerprints() -> None:
    later = [*GOOGLE, ["23/03/2024 08:00:00", "", "", "Under 5", "Autism", "2", "New"]]
    assert [row.fingerprint for row in read(later).rows()][:4] == [
        row.fingerprint for row in read(GOOGLE).rows()
    ]


def test_identical_responses_on_one_day_are_both_kept_with_their_own_fingerprint() -> None:
    rows = [GOOGLE[0], GOOGLE[1], GOOGLE[1], GOOGLE[2]]
    fingerprints = [row.fingerprint for row in read(rows).rows()]
    assert len(set(fingerprints)) == 3
    assert fingerprints[0] == next(read(GOOGLE).rows()).fingerprint


def test_a_date_that_cannot_be_read_is_refused_before_any_row_is_returned() -> None:
    rows = [*GOOGLE, ["next Tuesday", "", "", "5 to 10", "Autism", "1", ""]]
    with pytest.raises(ImportFileError, match="Row 6: the date “next Tuesday” in the column “Timestamp”"):
        read(rows)


def test_a_response_without_any_date_is_refused() -> None:
    rows = [*SURVEYMONKEY[:3], ["118734009", "433122557", "", "", "", "", "", "", "", "5 to 10"] + [""] * 6]
    with pytest.raises(ImportFileError, match="Row 4: the date “\\(blank\\)”"):
        read(rows)


def test_ragged_and_repeated_columns_still_import_with_notes() -> None:
    data = b"Timestamp,Q,Q\r\n05/03/2024,a\r\n06/03/2024,b,c,d\r\n"
    export = read_export(data, "export.csv", "imported", "Imported")
    assert [question.title for question in export.questions] == ["Q", "Q (2)"]
    assert [row.answers for row in export.rows()] == [{"q": "a"}, {"q": "b", "q_2": "c"}]
    assert len(export.notes) == 2


def test_the_definition_says_which_tool_it_came_from() -> None:
    definition = read(SAMPLES["smartsurvey"]).definition
    assert (definition["slug"], definition["title"]) == ("imported", "Imported")
    assert definition["summary"] == "Imported from a SmartSurvey export."


def test_microsoft_forms_xlsx_dates_are_real_dates() -> None:
    when = [datetime.datetime(2024, 3, day, 10, 14, 22) for day in (5, 14, 21, 22)]
    rows: list[list[object]] = [list(MICROSOFT[0])]
    rows += [[*row[:2], moment, *row[3:]] for row, moment in zip(MICROSOFT[1:], when, strict=True)]
    export = read_export(xlsx_bytes(rows), "responses.xlsx", "imported", "Imported")
    assert [row.submitted_on for row in export.rows()] == DAYS


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-16", "\t"), ("utf-8-sig", ","), ("cp1252", ";")])
def test_an_export_reads_the_same_in_any_encoding_and_delimiter(encoding: str, delimiter: str) -> None:
    expected = [(row.submitted_on, row.answers, row.fingerprint) for row in read(SURVEYMONKEY).rows()]
    export = read_export(csv_bytes(SURVEYMONKEY, encoding, delimiter), "export.csv", "imported", "Imported")
    assert [(row.submitted_on, row.answers, row.fingerprint) for row in export.rows()] == expected


CELLS = st.one_of(
    st.sampled_from(
        ["Yes", "No", "Autism, ADHD", "ADHD", "Yes, sometimes", "A;B;", "A;", "7", "-3", "", "=1"]
    ),
    st.text(max_size=12),
)
DATES = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([GOOGLE[0][:3], MICROSOFT[0][:6]]),
    st.lists(st.tuples(DATES, st.lists(CELLS, min_size=3, max_size=3)), min_size=1, max_size=12),
)
def test_any_answers_give_rows_that_fit_the_definition_or_an_import_file_error(
    metadata: list[str], responses: list[tuple[datetime.date, list[str]]]
) -> None:
    rows = [[*metadata, "Q1", "Q2", "Q3"]]
    rows += [[*[day.strftime("%d/%m/%Y")] * len(metadata), *cells] for day, cells in responses]
    try:
        export = read(rows)
        imported = list(export.rows())
    except ImportFileError:
        return
    survey = parse_definition(export.definition)
    assert [row.submitted_on for row in imported] == [day for day, _ in responses]
    for row in imported:
        for key, answer in row.answers.items():
            question = survey.question(key)
            assert question is not None
            values = {option.value for option in question.options}
            chosen = answer if isinstance(answer, list) else [answer]
            assert not values or set(chosen) <= values
            assert question.kind != "number" or isinstance(answer, int)
