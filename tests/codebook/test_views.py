"""The codebook's staff pages: look, change (lead), history, export, import, and one forum per codebook."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forum_app.accounts.services import get_forum
from forum_app.codebook.editing import default_snapshot
from forum_app.codebook.files import MAX_FILE_BYTES, export_csv, export_json
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.shipped import default_codebook
from tests.factories import (
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    sign_in,
    squashed_text,
)

LEAD, CODER, VIEWER = "lead@demo.example", "coder@demo.example", "viewer@demo.example"
OTHER_LEAD = "lead@other.example"
SHIPPED = default_codebook()


@pytest.fixture
def forum_id(db_session: Session) -> int:
    """The demo forum with its survey and three staff, and a second forum with its own lead."""
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    make_staff(db_session, VIEWER, role="viewer")
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, OTHER_LEAD, forum_slug="other")
    return forum.id


def _versions(db_session: Session, slug: str = "demo") -> list[tuple[int, str]]:
    forum = get_forum(db_session, slug)
    assert forum is not None
    db_session.expire_all()
    rows = db_session.execute(
        select(CodebookVersion.version, CodebookVersion.source)
        .where(CodebookVersion.forum_id == forum.id)
        .order_by(CodebookVersion.version)
    )
    return [(number, source) for number, source in rows]


def _summary(soup: BeautifulSoup) -> list[str]:
    summary = one(soup, "[data-error-summary]")
    return [item.get_text(" ", strip=True) for item in summary.find_all("li")]


def _edit_data(**changes: object) -> dict[str, object]:
    theme = SHIPPED.theme("waiting_times")
    data: dict[str, object] = {
        "label": theme.label,
        "definition": theme.definition,
        "framework_areas": list(theme.framework_areas),
        "indicators": "\n".join(theme.indicators),
        "base_version": "1",
        "note": "",
    }
    data.update(changes)
    return data


def _upload(client: FlaskClient, data: bytes, filename: str, note: str = "") -> tuple[int, BeautifulSoup]:
    """Send ``data`` as the import form's file, as a browser does.

    The body is built in memory: the test client would spool a large one to a temporary file that it
    never closes.
    """
    token = csrf_token(page(client, "/staff/codebook/import"))
    upload = FileStorage(io.BytesIO(data), filename, content_type="application/octet-stream")
    fields = {"csrf_token": token, "note": note, "codebook_file": upload}
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/staff/codebook/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=True,
    )
    return response.status_code, BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_overview_shows_all_16_themes_and_writes_nothing(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    soup = page(client, "/staff/codebook")
    assert one(soup, "h1").get_text(strip=True) == "Codebook"
    sections = soup.find_all("section", class_="codebook-theme")
    assert [section["id"] for section in sections] == [f"theme-{theme.id}" for theme in SHIPPED.themes]
    first = squashed_text(sections[0])
    waiting = SHIPPED.theme("waiting_times")
    assert waiting.label in first and waiting.definition[:60] in first
    assert SHIPPED.area_label("right_help") in first
    assert f"{len(waiting.indicators)} phrases" in first
    headline = [section["id"] for section in sections if section.find(class_="codebook-tag")]
    assert headline == [f"theme-{theme.id}" for theme in SHIPPED.themes if theme.headline] and headline
    assert len(soup.select("a[href$='/edit']")) == 16
    assert "the themes as shipped" in squashed_text(soup)
    history = page(client, "/staff/codebook/history")
    assert [squashed_text(row) for row in one(history, "tbody").find_all("tr")] == [
        "Version 1 (current) Not saved yet Shipped 16 themes The 16 inspection themes"
    ]
    page(client, "/staff/codebook/versions/1")
    page(client, "/staff/codebook/versions/2", status=404)
    page(client, "/staff/codebook/waiting_times/edit")
    page(client, "/staff/codebook/import")
    assert client.get("/staff/codebook/export.csv").status_code == 200
    assert _versions(db_session) == []  # looking wrote nothing


def test_a_lead_changes_a_theme_and_the_history_shows_the_new_version(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    form = page(client, "/staff/codebook/waiting_times/edit")
    assert one(form, "textarea[name=label]").get_text() == SHIPPED.theme("waiting_times").label
    ticked = [
        box["value"] for box in form.find_all("input", attrs={"name": "framework_areas", "checked": True})
    ]
    assert ticked == list(SHIPPED.theme("waiting_times").framework_areas)
    data = _edit_data(
        label="Waiting for health services",
        framework_areas=["right_help"],
        indicators="waiting list\nwaiting list\n\nND pathway",
        note="Shorter label for our volunteers",
    )
    response = post_form(client, "/staff/codebook/waiting_times/edit", data)
    assert response.status_code == 302 and response.location.endswith("/staff/codebook")
    assert _versions(db_session) == [(1, "default"), (2, "edit")]

    soup = page(client, "/staff/codebook")
    assert "Saved the change to “Waiting for health services” as version 2" in squashed_text(soup)
    first = squashed_text(soup.find("section", id="theme-waiting_times"))
    assert "Waiting for health services" in first and "2 phrases" in first
    assert SHIPPED.area_label("identification_assessment") not in first
    rows = [
        squashed_text(row) for row in one(page(client, "/staff/codebook/history"), "tbody").find_all("tr")
    ]
    assert rows[0].startswith("Version 2 (current)") and rows[0].endswith(
        f"{LEAD} Edited Shorter label for our volunteers"
    )
    assert rows[1].startswith("Version 1 ") and rows[1].endswith("Shipped 16 themes The 16 inspection themes")

    old = page(client, "/staff/codebook/versions/1")
    assert "This is an old version" in squashed_text(old)
    assert SHIPPED.theme("waiting_times").label in squashed_text(
        old.find("section", id="theme-waiting_times")
    )
    assert not old.select("a[href$='/edit']")  # old versions are for reading

    again = post_form(
        client, "/staff/codebook/waiting_times/edit", _edit_data(**{**data, "base_version": "2"})
    )
    assert again.status_code == 302
    assert "You did not change anything" in squashed_text(page(client, "/staff/codebook"))
    assert _versions(db_session) == [(1, "default"), (2, "edit")]


def test_an_edit_with_problems_is_shown_again_with_an_error_summary(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    data = _edit_data(
        label="  ", definition="x" * 5001, indicators="fine\nbad;phrase", framework_areas=["nope"]
    )
    response = post_form(client, "/staff/codebook/waiting_times/edit", data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert one(soup, "title").get_text().startswith("Error: ")
    assert _summary(soup) == [
        "Enter a label",
        "The definition must be 5,000 characters or fewer (it has 5,001)",
        "Framework area 'nope' is not one of: " + ", ".join(area for area, _ in SHIPPED.framework_areas),
        "Indicator phrase 'bad;phrase' has a ';' in it, which separates phrases in CSV files",
    ]
    links = [a["href"] for a in one(soup, "[data-error-summary]").find_all("a")]
    assert links == ["#label", "#definition", "#framework_areas-0", "#indicators"]
    assert soup.find(id="label-error") and soup.find(id="indicators-error")
    assert "bad;phrase" in one(soup, "textarea#indicators").get_text()  # what was typed is kept
    assert _versions(db_session) == []


def test_unknown_themes_are_not_found(client: FlaskClient, forum_id: int) -> None:
    sign_in(client, LEAD)
    page(client, "/staff/codebook/no_such_theme/edit", status=404)
    for number in ["0", "01", "x", "99999999999"]:
        page(client, f"/staff/codebook/versions/{number}", status=404)
    assert client.get("/staff/codebook/export.json?version=7").status_code == 404
    assert client.get("/staff/codebook/export.json?version=seven").status_code == 404


@pytest.mark.parametrize("email", [CODER, VIEWER])
def test_only_the_lead_may_change_or_import(
    client: FlaskClient, db_session: Session, forum_id: int, email: str
) -> None:
    sign_in(client, email)
    soup = page(client, "/staff/codebook")
    assert len(soup.find_all("section", class_="codebook-theme")) == 16
    assert not soup.select("a[href$='/edit']") and not soup.select("a[href$='/import']")
    page(client, "/staff/codebook/history")
    assert client.get("/staff/codebook/export.json").status_code == 200
    token = csrf_token(soup)
    assert client.get("/staff/codebook/waiting_times/edit").status_code == 403
    response = client.post(
        "/staff/codebook/waiting_times/edit", data={**_edit_data(label="X"), "csrf_token": token}
    )
    assert response.status_code == 403
    assert client.get("/staff/codebook/import").status_code == 403
    data = export_csv(default_snapshot()).replace("Waiting for", "Waits for").encode()
    response = client.post(
        "/staff/codebook/import", data={"csrf_token": token, "codebook_file": (io.BytesIO(data), "a.csv")}
    )
    assert response.status_code == 403
    assert _versions(db_session) == []


def test_exports_download_with_the_right_type_and_name(client: FlaskClient, forum_id: int) -> None:
    sign_in(client, CODER)
    response = client.get("/staff/codebook/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="codebook-demo-v1.json"'
    document = json.loads(response.get_data(as_text=True))
    assert document["format"] == "forum-codebook" and document["forum"] == "demo" and document["version"] == 1
    assert [theme["id"] for theme in document["themes"]] == list(SHIPPED.ids)
    response = client.get("/staff/codebook/export.csv?version=1")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="codebook-demo-v1.csv"'
    assert response.data.startswith(b"\xef\xbb\xbftheme_id,label,definition,framework_areas,indicators\r\n")


def test_an_import_with_problems_lists_each_row_and_imports_nothing(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    rows = list(csv.reader(io.StringIO(export_csv(default_snapshot())[1:], newline="")))
    rows[1][0] = "waiting_time"  # row 2: an unknown id
    rows[5][3] = "right_help; right_hlp"  # row 6: an unknown framework area
    rows[6][1] = ""  # row 7: no label
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    status, soup = _upload(client, out.getvalue().encode(), "ours.csv")
    assert status == 200
    assert one(soup, "title").get_text().startswith("Error: ")
    problems = _summary(soup)
    assert problems[0].startswith("Row 2 (waiting_time): theme id 'waiting_time' is not one of the 16 themes")
    assert problems[1].startswith(f"Row 6 ({SHIPPED.ids[4]}): framework area 'right_hlp' is not one of: ")
    assert problems[2] == f"Row 7 ({SHIPPED.ids[5]}): the label is empty."
    assert problems[3].startswith("The file has no row for waiting_times.")
    assert len(problems) == 4
    assert "The file has 4 problems" in squashed_text(soup.find(id="codebook_file-error"))
    assert _versions(db_session) == []

    for data, name, message in [
        (b"", "empty.csv", "The file is empty."),
        ("theme_id,label\r\ncafé".encode("latin-1"), "latin.csv", "Line 2: the file is not UTF-8 text."),
        (b'{"themes": [', "broken.json", "Line 1, column 13: this is not valid JSON"),
        (b"a,b,c\r\n", "other.csv", "Row 1: the first row must name the columns"),
    ]:
        status, soup = _upload(client, data, name)
        assert status == 200 and _summary(soup)[0].startswith(message), (name, _summary(soup))
    token = csrf_token(page(client, "/staff/codebook/import"))
    response = client.post("/staff/codebook/import", data={"csrf_token": token})
    assert _summary(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == [
        "Choose a codebook file to import"
    ]
    assert _versions(db_session) == []


def test_a_good_import_makes_a_version_and_the_same_file_again_does_not(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    document = json.loads(export_json(default_snapshot()))
    document["themes"][4]["indicators"].append("no diagnosis no help")
    data = json.dumps(document).encode()
    status, soup = _upload(client, data, "northshire.json", note="Shared by Northshire")
    assert status == 200 and one(soup, "h1").get_text(strip=True) == "Codebook"
    assert "Imported northshire.json as version 2 of the codebook." in squashed_text(soup)
    assert _versions(db_session) == [(1, "default"), (2, "import")]
    row = squashed_text(one(page(client, "/staff/codebook/history"), "tbody").find("tr"))
    assert row.endswith(f"{LEAD} Imported Shared by Northshire")
    status, soup = _upload(client, data, "northshire.json")
    assert "is the same as the current codebook (version 2), so no new version was made" in squashed_text(
        soup
    )
    assert _versions(db_session) == [(1, "default"), (2, "import")]
    exported = client.get("/staff/codebook/export.json").get_data(as_text=True)
    assert "no diagnosis no help" in exported and json.loads(exported)["version"] == 2


def test_a_file_over_1_mb_is_refused_kindly(client: FlaskClient, db_session: Session, forum_id: int) -> None:
    sign_in(client, LEAD)
    status, soup = _upload(client, b"x" * (MAX_FILE_BYTES + 100_000), "huge.csv")
    assert status == 413 and _summary(soup) == ["The file is larger than 1 MB. Choose a smaller file."]
    # Larger than the app's usual request limit (256 KB) but under 1 MB: read, and judged on its content.
    big = export_csv(default_snapshot()).replace("\r\n", "\r\n" + " " * 40_000 + "\r\n", 8).encode()
    assert 256 * 1024 < len(big) < MAX_FILE_BYTES
    status, soup = _upload(client, big, "big.csv")
    assert status == 200 and "no new version was made" in squashed_text(soup)
    assert _versions(db_session) == []


def test_an_import_without_its_form_token_is_refused(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    data = export_csv(default_snapshot()).replace("Waiting for", "Waits for").encode()
    response = client.post("/staff/codebook/import", data={"codebook_file": (io.BytesIO(data), "a.csv")})
    assert response.status_code == 400 and "This page has expired" in response.get_data(as_text=True)
    assert _versions(db_session) == []


def test_each_forum_sees_and_changes_only_its_own_codebook(
    app: Flask, db_session: Session, forum_id: int
) -> None:
    other, ours = app.test_client(), app.test_client()
    sign_in(other, OTHER_LEAD)
    response = post_form(other, "/staff/codebook/mental_health/edit", _edit_data(label="Other forum's label"))
    assert response.status_code == 302
    assert "Other forum's label" in squashed_text(page(other, "/staff/codebook/versions/2"))
    sign_in(ours, LEAD)
    soup = page(ours, "/staff/codebook")
    assert "Other forum's label" not in squashed_text(soup)
    page(ours, "/staff/codebook/versions/2", status=404)
    assert len(one(page(ours, "/staff/codebook/history"), "tbody").find_all("tr")) == 1
    assert "Other forum's label" not in ours.get("/staff/codebook/export.json").get_data(as_text=True)
    assert ours.get("/staff/codebook/export.json?version=2").status_code == 404
    assert _versions(db_session) == [] and _versions(db_session, "other") == [(1, "default"), (2, "edit")]
    counted = db_session.scalar(select(func.count()).select_from(CodebookVersion))
    assert counted == 2
