"""A survey's Languages page: the strings downloaded as a spreadsheet, translated and uploaded again
(missing and extra strings listed), published and shown to families; marked as checked, removed; leads
change, every member downloads; bad files refused with one sentence."""

from __future__ import annotations

import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forum_app.accounts.models import Forum
from forum_app.builder.drafts import draft_of
from forum_app.builder.files import import_survey, read_definition_file
from forum_app.builder.translations import read_translation
from forum_app.i18n import LANGUAGES as LANGUAGES_BY_CODE
from forum_app.surveys.models import Survey
from tests.builder.factories import LEAD, OTHER_LEAD, VIEWER, make_pulse, make_two_forums, summary
from tests.factories import audit_actions, csrf_token, one, page, parsed, sign_in, squashed_text

LANGUAGES = "/staff/surveys/pulse/languages"
POLISH = {
    "title": "Przed inspekcją",
    "summary": "Krótka ankieta przed inspekcją.",
    "area.title": "W jakiej okolicy mieszkasz?",
    "area.options.north": "Północ",
    "area.options.south": "Południe",
}


def _make_pulse(session: Session) -> None:
    """Two forums (``make_two_forums``); the first has the small survey ``pulse`` as a draft."""
    make_pulse(session, session.get_one(Forum, make_two_forums(session)))


@pytest.fixture
def lead(client: FlaskClient, db_session: Session) -> FlaskClient:
    _make_pulse(db_session)
    sign_in(client, LEAD)
    return client


def _pulse_draft(session: Session) -> dict[str, Any]:
    session.expire_all()
    survey_id = session.scalars(select(Survey.id).where(Survey.slug == "pulse")).one()
    return draft_of(session, survey_id).document


def translation_upload(client: FlaskClient, code: str, data: bytes | None, filename: str) -> Any:
    """Send ``data`` as the upload form's file (none if None), as a browser does."""
    url = f"{LANGUAGES}/{code}/upload"
    fields: dict[str, Any] = {"csrf_token": csrf_token(page(client, url))}
    if data is not None:
        fields["translation_file"] = FileStorage(io.BytesIO(data), filename, "application/octet-stream")
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def xlsx_filled(
    downloaded: bytes, strings: dict[str, str], drop: str = "", add: tuple[str, str] | None = None
) -> bytes:
    """The downloaded workbook with ``strings`` written in its translation column, as a translator
    does; the row of ``drop`` deleted and a row ``add`` (id, translation) added."""
    book = load_workbook(io.BytesIO(downloaded))
    sheet = book["Strings"]
    for row in range(sheet.max_row, 1, -1):
        name = sheet.cell(row=row, column=1).value
        if name == drop:
            sheet.delete_rows(row)
        elif name in strings:
            sheet.cell(row=row, column=3, value=strings[str(name)])
    if add is not None:
        sheet.append([add[0], "", add[1], ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(soup: BeautifulSoup, code: str) -> dict[str, str]:
    row = one(soup, f"tr[data-language='{code}']")
    return {
        "translated": one(row, "[data-translated]").get_text(strip=True),
        "status": one(row, "[data-status]").get_text(strip=True),
    }


def _publish(client: FlaskClient) -> None:
    soup = page(client, "/staff/surveys/pulse/edit")
    form = one(soup, "form[action$='/publish']")
    revision = str(one(form, "input[name=revision]")["value"])
    response = client.post(
        "/staff/surveys/pulse/publish", data={"csrf_token": csrf_token(soup), "revision": revision}
    )
    assert response.status_code == 303


def test_the_survey_page_links_to_its_languages(lead: FlaskClient) -> None:
    soup = page(lead, "/staff/surveys/pulse")
    assert soup.find("a", href=LANGUAGES) is not None
    languages = page(lead, LANGUAGES)
    codes = [str(row["data-language"]) for row in languages.select("tr[data-language]")]
    assert codes == ["ar", "bn", "pl", "ro", "ur"]
    assert _row(languages, "pl") == {"translated": "0 of 11", "status": "Not translated"}


def test_a_polish_translation_makes_the_round_trip_to_the_runner(
    lead: FlaskClient, db_session: Session
) -> None:
    download = lead.get(f"{LANGUAGES}/pl.xlsx")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="pulse-pl-strings.xlsx"'
    book = load_workbook(io.BytesIO(download.data))
    assert book.sheetnames == ["How to translate", "Strings"]
    sheet = book["Strings"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["String id", "English", "Polish translation", "Notes"]
    assert [sheet.cell(row=2, column=n).value for n in (1, 2)] == ["title", "Before the inspection"]
    response = translation_upload(lead, "pl", xlsx_filled(download.data, POLISH), "pulse-pl.xlsx")
    assert response.status_code == 303
    result = page(lead, response.location)
    assert "5 of 11 strings are translated" in squashed_text(one(result, "[data-result]"))
    missing = one(result, "table[data-missing]")
    assert "services.title" in squashed_text(missing) and "Which services have you used?" in squashed_text(
        missing
    )
    assert _row(page(lead, LANGUAGES), "pl") == {
        "translated": "5 of 11",
        "status": "Draft translation — to be checked",
    }
    draft = _pulse_draft(db_session)
    assert draft["translations"]["pl"] == {"status": "draft", "strings": POLISH}
    _publish(lead)
    runner = page(lead, "/s/demo/pulse/?lang=pl")
    assert one(runner, "h1").get_text(strip=True) == "Przed inspekcją"
    english = page(lead, "/s/demo/pulse/?lang=en")
    assert one(english, "h1").get_text(strip=True) == "Before the inspection"
    assert "builder.translation_download GET" in audit_actions(db_session)
    assert "builder.translation_upload POST" in audit_actions(db_session)


def test_a_missing_and_an_extra_string_are_listed_and_the_rest_is_saved(
    lead: FlaskClient, db_session: Session
) -> None:
    download = lead.get(f"{LANGUAGES}/ro.xlsx").data
    strings = {"title": "Înainte de inspecție", "area.title": "În ce zonă locuiți?"}
    data = xlsx_filled(download, strings, drop="summary", add=("gone.title", "O întrebare ștearsă"))
    response = translation_upload(lead, "ro", data, "ro.xlsx")
    assert response.status_code == 303
    result = page(lead, response.location)
    missing = [one(row, "code").get_text() for row in one(result, "table[data-missing]").select("tbody tr")]
    assert "summary" in missing and "title" not in missing and len(missing) == 9
    assert [item.get_text() for item in one(result, "[data-extra]").select("code")] == ["gone.title"]
    assert _pulse_draft(db_session)["translations"]["ro"]["strings"] == strings


def test_a_csv_file_round_trips_with_a_byte_order_mark_and_formula_guards(
    lead: FlaskClient, db_session: Session
) -> None:
    download = lead.get(f"{LANGUAGES}/ur.csv")
    assert download.status_code == 200 and download.data.startswith(b"\xef\xbb\xbf")
    lines = download.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "String id,English,Urdu translation,Notes"
    rows = [line.split(",") for line in lines[1:]]
    rows[0][2] = "=سروے"  # a translator's text that a spreadsheet would take for a formula
    text = "\r\n".join([lines[0], *(",".join(row) for row in rows[:1])]) + "\r\n"
    assert translation_upload(lead, "ur", text.encode("utf-8"), "ur.csv").status_code == 303
    assert _pulse_draft(db_session)["translations"]["ur"]["strings"] == {"title": "=سروے"}
    again = lead.get(f"{LANGUAGES}/ur.csv").data.decode("utf-8-sig").splitlines()
    assert again[1].startswith("title,Before the inspection,'=سروے,")
    assert translation_upload(lead, "ur", "\r\n".join(again).encode(), "ur.csv").status_code == 303
    assert _pulse_draft(db_session)["translations"]["ur"]["strings"] == {"title": "=سروے"}


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "The file is empty"),
    "not a spreadsheet": (bytes(range(256)) * 4, "is not a spreadsheet this page reads"),
    "a damaged workbook": (b"PK\x03\x04" + b"\x00" * 200, "is not an Excel workbook that can be read"),
    "no id column": (b"Name,Text\r\ntitle,Tytul\r\n", "The file has no “String id” column"),
    "another language's column": (
        b"String id,English,Urdu translation\r\ntitle,Before,x\r\n",
        "The file has no “Polish translation” column",
    ),
    "no rows": (b"String id,English,Polish translation\r\n", "no strings under them"),
    "an id twice": (
        b"String id,English,Polish translation\r\ntitle,A,B\r\narea.title,C,D\r\ntitle,A,E\r\n",
        "“title” is in row 2 and row 4",
    ),
    "a text too long": (
        b"String id,Polish translation\r\ntitle," + b"a" * 2001 + b"\r\n",
        "The translation in row 2 is 2,001 characters",
    ),
    "over 1 MB": (b"String id,Polish translation\r\n" + b"title,x\r\n" * 120_000, "larger than 1 MB"),
    "far over 1 MB": (b"String id,Polish translation\r\n" + b"title,x\r\n" * 200_000, "larger than 1 MB"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_refused_with_one_sentence(lead: FlaskClient, db_session: Session, name: str) -> None:
    data, words = BAD_FILES[name]
    before = _pulse_draft(db_session)
    response = translation_upload(lead, "pl", data, "strings.csv")
    assert response.status_code in (413, 422), name
    soup = parsed(response)
    assert any(words in message for message in summary(soup)), summary(soup)
    assert soup.find("input", attrs={"name": "translation_file"}) is not None
    assert _pulse_draft(db_session) == before


def test_a_csv_file_saved_by_excel_with_semicolons_is_read(lead: FlaskClient, db_session: Session) -> None:
    text = "\ufeffString id;English;Polish translation;Notes\r\ntitle;Before;Przed inspekcją;\r\n"
    assert translation_upload(lead, "pl", text.encode("utf-8"), "pl.csv").status_code == 303
    assert _pulse_draft(db_session)["translations"]["pl"]["strings"] == {"title": "Przed inspekcją"}


def test_no_file_chosen_is_refused(lead: FlaskClient) -> None:
    response = translation_upload(lead, "pl", None, "")
    assert response.status_code == 422
    assert summary(parsed(response)) == ["Choose the spreadsheet with the translation"]


def _post(client: FlaskClient, action: str, code: str) -> Any:
    soup = page(client, LANGUAGES)
    revision = str(one(soup, "input[name=revision]")["value"]) if soup.select("input[name=revision]") else "1"
    return client.post(
        f"{LANGUAGES}/{code}/{action}", data={"csrf_token": csrf_token(soup), "revision": revision}
    )


def test_a_lead_marks_a_translation_checked_then_removes_it(lead: FlaskClient, db_session: Session) -> None:
    data = xlsx_filled(lead.get(f"{LANGUAGES}/bn.xlsx").data, {"title": "পরিদর্শনের আগে"})
    translation_upload(lead, "bn", data, "bn.xlsx")
    assert _post(lead, "check", "bn").status_code == 303
    soup = page(lead, LANGUAGES)
    assert _row(soup, "bn") == {"translated": "1 of 11", "status": "Checked"}
    confirm = page(lead, f"{LANGUAGES}/bn/remove")
    assert "Remove the Bengali translation?" in one(confirm, "h1").get_text()
    response = lead.post(
        f"{LANGUAGES}/bn/remove",
        data={"csrf_token": csrf_token(confirm), "revision": str(one(confirm, "[name=revision]")["value"])},
    )
    assert response.status_code == 303
    assert _row(page(lead, LANGUAGES), "bn")["status"] == "Not translated"
    assert "translations" not in _pulse_draft(db_session)
    logged = set(audit_actions(db_session))
    assert {"builder.translation_check POST", "builder.translation_remove POST"} <= logged
    assert lead.get(f"{LANGUAGES}/bn/remove").location == LANGUAGES  # nothing left to remove
    assert _post(lead, "check", "bn").status_code == 404


def test_a_stale_revision_changes_nothing(lead: FlaskClient, db_session: Session) -> None:
    translation_upload(lead, "pl", xlsx_filled(lead.get(f"{LANGUAGES}/pl.xlsx").data, POLISH), "pl.xlsx")
    soup = page(lead, LANGUAGES)
    response = lead.post(f"{LANGUAGES}/pl/check", data={"csrf_token": csrf_token(soup), "revision": "1"})
    assert response.status_code == 409
    assert _pulse_draft(db_session)["translations"]["pl"]["status"] == "draft"


def test_members_download_leads_change_and_other_forums_see_nothing(
    client: FlaskClient, db_session: Session
) -> None:
    _make_pulse(db_session)
    sign_in(client, VIEWER)
    soup = page(client, LANGUAGES)
    assert not soup.select("form") or not soup.select("input[name=revision]")
    assert soup.find("a", href=f"{LANGUAGES}/pl/upload") is None
    assert client.get(f"{LANGUAGES}/pl.xlsx").status_code == 200
    assert client.get(f"{LANGUAGES}/pl/upload").status_code == 403
    assert client.get(f"{LANGUAGES}/en.xlsx").status_code == 404
    assert client.get(f"{LANGUAGES}/xx.csv").status_code == 404
    assert client.get(f"{LANGUAGES}/pl.pdf").status_code == 404
    other = client.application.test_client()
    sign_in(other, OTHER_LEAD)
    assert other.get(LANGUAGES).status_code == 404
    assert other.get(f"{LANGUAGES}/pl.xlsx").status_code == 404


def test_a_survey_file_carries_its_translations(lead: FlaskClient, db_session: Session) -> None:
    translation_upload(lead, "pl", xlsx_filled(lead.get(f"{LANGUAGES}/pl.xlsx").data, POLISH), "pl.xlsx")
    exported = lead.get("/staff/surveys/pulse/survey.json").data
    document = read_definition_file(exported)
    assert document["translations"] == {"pl": {"status": "draft", "strings": POLISH}}
    survey = import_survey(db_session, _demo_id(db_session), exported, "pulse-copy")
    assert draft_of(db_session, survey.id).document["translations"]["pl"]["strings"] == POLISH


def test_the_workbook_guides_the_translator_and_writes_no_formula(lead: FlaskClient) -> None:
    filled = xlsx_filled(lead.get(f"{LANGUAGES}/ar.xlsx").data, {"title": "=1+1"})
    translation_upload(lead, "ar", filled, "a.xlsx")
    book = load_workbook(io.BytesIO(lead.get(f"{LANGUAGES}/ar.xlsx").data))
    guide = " ".join(str(row[0].value or "") for row in book["How to translate"].iter_rows())
    assert "Do not change the “String id” column" in guide and "“Arabic translation”" in guide
    cell = book["Strings"]["C2"]
    assert (cell.value, cell.data_type, cell.alignment.readingOrder) == ("=1+1", "s", 2)
    assert book["Strings"]["D4"].value == "Question 1: the question itself"


def _demo_id(session: Session) -> int:
    return session.scalars(select(Forum.id).where(Forum.slug == "demo")).one()


def test_each_translation_is_cleaned() -> None:
    text = 'String id,Polish translation\r\ntitle,"  Cafe\u0301\x07 \r\nsecond line "\r\nsummary,\r\n'
    assert read_translation(text.encode("utf-8"), LANGUAGES_BY_CODE["pl"]) == {
        "title": "Café \nsecond line",
        "summary": "",
    }
