"""Learning from the forum's own coding: how well the suggestions agreed with the coders over time,
per theme, on the coder page and as CSV.

The demo forum's twelve answers get controlled suggestions (``mental_health`` on each, made by the
default coder on the first six and by "forum model 1" on the last six); the coders keep them on all
but two of the first six: one gains ``waiting_times``, one loses ``mental_health``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from forum_app.codebook.versions import ensure_codebook
from forum_app.coding.learning import BY_MONTH, TOO_FEW, agreement, agreement_csv, summary
from forum_app.coding.models import AUTO, SUGGESTED, CodedAnswer, Coding
from tests.coding.factories import CODER, LEAD, code_answer, forum_id_of, seed_workspace
from tests.factories import audit_actions, one, page, sign_in

THEME, OTHER = "mental_health", "waiting_times"


def _seed(session: Session) -> list[int]:
    ids = seed_workspace(session)
    version = ensure_codebook(session, forum_id_of(session))
    session.execute(delete(Coding).where(Coding.answer_id.in_(ids)))
    for answer_id in ids:
        session.add(
            Coding(
                answer_id=answer_id,
                theme_id=THEME,
                source=AUTO,
                status=SUGGESTED,
                confidence=0.9,
                codebook_version_id=version.id,
            )
        )
    session.execute(
        update(CodedAnswer).where(CodedAnswer.answer_id.in_(ids[6:])).values(model_label="forum model 1")
    )
    session.commit()
    for index, answer_id in enumerate(ids):
        themes = {4: [THEME, OTHER], 5: []}.get(index, [THEME])
        code_answer(session, answer_id, CODER, themes)
    return ids


def _coded_in(session: Session, ids: list[int], month: int) -> None:
    moment = datetime(2026, month, 10, 12, tzinfo=UTC)
    session.execute(update(CodedAnswer).where(CodedAnswer.answer_id.in_(ids)).values(coded_at=moment))
    session.commit()


def test_agreement_per_coder_and_theme(db_session: Session) -> None:
    _seed(db_session)
    table = agreement(db_session, forum_id_of(db_session))
    default, forum = table.periods
    assert (default.name, forum.name) == ("Default coder", "Forum model 1")
    assert (default.answers, forum.answers) == (6, 6)
    assert default.models == ("default coder",)
    kept = default.themes[THEME]
    assert (kept.answers, kept.precision, kept.recall) == (6, pytest.approx(5 / 6), 1.0)
    assert kept.f1 == pytest.approx(10 / 11)
    assert default.themes[OTHER].answers == 1 and not default.themes[OTHER].enough
    assert default.macro_f1 == pytest.approx((10 / 11 + 0) / 2)
    assert default.agreement == pytest.approx(5 / 7)
    assert default.unchanged == pytest.approx(4 / 6)
    assert (forum.macro_f1, forum.agreement, forum.unchanged) == (1.0, 1.0, 1.0)
    assert table.summary == (
        "Since forum model 1 was switched on, suggestions agreed with your coders on 100% of themes, "
        "up from 71% with the default coder."
    )


def test_agreement_per_month_and_too_few(db_session: Session) -> None:
    ids = _seed(db_session)
    _coded_in(db_session, ids[:6], 1)
    _coded_in(db_session, ids[6:], 2)
    table = agreement(db_session, forum_id_of(db_session), BY_MONTH)
    assert [period.name for period in table.periods] == ["January 2026", "February 2026"]
    assert table.summary == (
        "In February 2026, suggestions agreed with your coders on 100% of themes, "
        "up from 71% in January 2026."
    )
    _coded_in(db_session, ids[:2], 3)  # January keeps 4 answers: too few
    table = agreement(db_session, forum_id_of(db_session), BY_MONTH)
    january = table.periods[0]
    assert (january.answers, january.enough) == (4, False)
    assert summary(table.periods[:1], BY_MONTH).startswith("Once your coders have coded at least 5 answers")
    rows = list(csv.reader(io.StringIO(agreement_csv(table))))
    assert rows[1][:4] == ["January 2026", "default coder", "4", "All themes"] and TOO_FEW in rows[1]


def test_nothing_coded_yet(db_session: Session) -> None:
    seed_workspace(db_session)
    table = agreement(db_session, forum_id_of(db_session))
    assert table.periods == []
    assert "Once your coders have coded at least 5 answers" in table.summary


def test_the_lead_sees_the_table_and_downloads_it(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    _seed(db_session)
    sign_in(client, LEAD)
    soup = page(client, "/staff/coder")
    assert "up from 71% with the default coder" in one(soup, "[data-agreement-summary]").get_text()
    captions = [caption.get_text(" ", strip=True) for caption in soup.select(".coder-agreement caption")]
    assert captions[0].startswith("Suggestions compared with your coders' decisions, by coder")
    rows = soup.select(".coder-agreement")[0].select("tbody tr")
    assert [one(row, "th").get_text(strip=True) for row in rows] == ["Default coder", "Forum model 1"]
    assert [cell.get_text(strip=True) for cell in rows[0].select("td")] == [
        "default coder",
        "6",
        "71%",
        "0.45",
        "67%",
    ]
    themes = soup.select(".coder-agreement")[1]
    assert "Fewer than 5 answers" in themes.get_text()
    month = page(client, "/staff/coder?by=month")
    assert month.select(".coder-agreement caption")[0].get_text(" ", strip=True).endswith("by month")
    response = client.get("/staff/coder/agreement.csv?by=model")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0][0] == "Period" and lines[1][:4] == ["Default coder", "default coder", "6", "All themes"]
    assert "coding.agreement_csv GET" in audit_actions(db_session)


def test_coders_cannot_see_or_export_it(client: FlaskClient, db_session: Session) -> None:
    _seed(db_session)
    sign_in(client, CODER)
    assert client.get("/staff/coder").status_code == 403
    assert client.get("/staff/coder/agreement.csv").status_code == 403


def test_a_month_lists_the_coders_that_made_its_suggestions_in_order(db_session: Session) -> None:
    ids = _seed(db_session)
    _coded_in(db_session, ids, 3)
    (march,) = agreement(db_session, forum_id_of(db_session), BY_MONTH).periods
    assert march.models == ("default coder", "forum model 1") and march.answers == 12
