"""The double coding pages: starting a sample, coding blind, the report and the disagreements, and who may
see them. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.agreement.models import AgreementSample, BlindCoding
from forum_app.coding.decisions import state_of
from forum_app.coding.models import CODED, CodedAnswer
from tests.agreement.factories import (
    CODER_A,
    CODER_B,
    CODER_C,
    LEAD,
    NEVER_USED,
    OTHER_LEAD,
    VIEWER,
    WAITING,
    WAITING_LABEL,
    code_constructed_case,
    draw_sample,
    finish_constructed_case,
    page_html,
    sample_items,
    seed_double_coding,
)
from tests.factories import page, post_form, sign_in, signed_in


def test_a_lead_starts_a_sample_with_the_form(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sign_in(client, LEAD)
    soup = page(client, "/staff/agreement/new")
    assert soup.find("input", attrs={"name": "percent"})["value"] == "15"  # type: ignore[index]
    people = {label.get_text(strip=True) for label in soup.select("label[for^=first_coder]")}
    assert people == {f"{e} (coder)" for e in (CODER_A, CODER_B, CODER_C)} | {
        f"{LEAD} (lead)",
        "lead@demo.forum.invalid (lead)",
    }

    same = {
        "percent": "15",
        "first_coder": str(forum.users[CODER_A]),
        "second_coder": str(forum.users[CODER_A]),
    }
    response = post_form(client, "/staff/agreement/new", {**same, "survey": "all", "period": "all"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text and "Choose two different people" in text
    response = post_form(client, "/staff/agreement/new", {"percent": "0", "survey": "all", "period": "all"})
    text = response.get_data(as_text=True)
    assert "Enter a percentage from 1 to 100" in text and "Choose the first person" in text
    assert db_session.scalar(select(func.count()).select_from(AgreementSample)) == 0

    data = {
        **same,
        "second_coder": str(forum.users[CODER_B]),
        "survey": "all",
        "period": "12",
        "name": "Autumn",
    }
    response = post_form(client, "/staff/agreement/new", data)
    assert response.status_code == 302 and response.location.endswith("/staff/agreement")
    sample = db_session.scalars(select(AgreementSample)).one()
    assert (sample.name, sample.fraction, sample.first_coder_id) == ("Autumn", 0.15, forum.users[CODER_A])
    listing = page_html(client, "/staff/agreement")
    assert "Autumn" in listing and "0 of " in listing and "See the figures" in listing


def test_coding_is_blind(app: Flask, db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum, fraction=0.15)
    items = sample_items(db_session, sample.id)
    first = db_session.get(CodedAnswer, items[0].answer_id)
    assert first is not None
    evidence = {"kind": "phrase", "text": "AUTO-EVIDENCE", "detail": "AUTO-DETAIL"}
    first.suggestions = [{"theme": "tribunals_appeals", "confidence": 0.97, "evidence": [evidence]}]
    first.auto_sentiment = first.sentiment = "positive"
    db_session.commit()
    ana, ben = signed_in(app, CODER_A), signed_in(app, CODER_B)
    code_url = f"/staff/agreement/{sample.public_id}/code"
    before = page_html(ben, code_url)
    assert f"Answer 1 of {len(items)}" in before

    # Ana codes every answer with a theme and a sentiment Ben's page must not show.
    for n, item in enumerate(items, start=1):
        soup = page(ana, code_url)
        assert soup.h1 is not None and soup.h1.get_text(strip=True) == f"Answer {n} of {len(items)}"
        assert soup.find("input", attrs={"name": "item"})["value"] == item.public_id  # type: ignore[index]
        response = post_form(
            ana,
            code_url,
            {
                "item": soup.find("input", attrs={"name": "item"})["value"],  # type: ignore[index]
                "themes": [WAITING, NEVER_USED],
                "sentiment": "mixed",
            },
        )
        assert response.status_code == 302
    assert "You have coded every answer" in page_html(ana, code_url)
    # Ana may not see the figures or the other's coding while Ben is still coding.
    assert ana.get(f"/staff/agreement/{sample.public_id}").status_code == 403

    after = page_html(ben, code_url)
    assert after == before  # exactly the same page: nothing of Ana's coding, not even a count
    soup = page(ben, code_url)
    assert not soup.select("input[checked]")  # neither Ana's choices nor the automatic ones
    # The suggested theme is named once, as its tick box; no evidence, confidence or sentiment of the coder.
    assert "AUTO-" not in after and "0.97" not in after and "97%" not in after
    assert soup.get_text(" ").count("Disagreements, appeals and complaints") == 1
    assert "suggest" not in after.lower().replace("or the automatic suggestions", "")
    for url in (f"/staff/agreement/{sample.public_id}", f"/staff/agreement/{sample.public_id}/disagreements"):
        assert ben.get(url).status_code == 403

    # Ben's first coding differs; once both have finished, both may see the figures, and the codings lock.
    for n, _item in enumerate(items, start=1):
        soup = page(ben, code_url)
        item_id = soup.find("input", attrs={"name": "item"})["value"]  # type: ignore[index]
        post_form(
            ben, code_url, {"item": item_id, "themes": [WAITING] if n > 1 else [], "sentiment": "mixed"}
        )
    report = page_html(ben, f"/staff/agreement/{sample.public_id}")
    assert "Agreement between the two people" in report
    locked = page_html(ana, f"{code_url}?answer=1")
    assert "locked" in locked and 'name="themes"' not in locked


def test_coders_revisit_their_own_codings_until_the_other_finishes(app: Flask, db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum, fraction=0.15)
    items = sample_items(db_session, sample.id)
    ana = signed_in(app, CODER_A)
    code_url = f"/staff/agreement/{sample.public_id}/code"
    post_form(ana, code_url, {"item": items[0].public_id, "themes": [WAITING], "sentiment": "positive"})
    soup = page(ana, f"{code_url}?answer=1")
    assert [i["value"] for i in soup.select("input[checked]")] == [WAITING, "positive"]
    response = post_form(ana, f"{code_url}?answer=1", {"item": items[0].public_id, "sentiment": "neutral"})
    assert response.status_code == 302
    db_session.expire_all()
    coding = db_session.scalars(select(BlindCoding).where(BlindCoding.item_id == items[0].id)).one()
    by_number = post_form(
        ana, code_url, {"item": str(items[1].id), "themes": [WAITING], "sentiment": "mixed"}
    )
    assert by_number.status_code == 404  # an item is named by its public id, never its row number
    assert (coding.themes, coding.sentiment) == ([], "neutral")
    response = post_form(ana, code_url, {"item": items[1].public_id, "themes": ["bogus"]})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in text
    assert "Choose from the themes shown" in text and "Choose the sentiment of the answer" in text


def test_the_report_and_disagreement_pages(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum)
    items = code_constructed_case(db_session, forum, sample)
    sign_in(client, LEAD)
    report = page(client, f"/staff/agreement/{sample.public_id}")
    text = report.get_text(" ")
    waiting = next(
        row for row in report.select("tr") if row.th and row.th.get_text(strip=True) == WAITING_LABEL
    )
    assert [td.get_text(strip=True) for td in waiting.select("td")][:5] == [
        "10",
        "4",
        "80.0%",
        "0.60",
        "moderate",
    ]
    assert "not computable" in text and "NaN" not in text and "nan" not in text.split()
    assert "2 answers coded by one person only are left out" in text and "Landis and Koch" in text
    for table in report.select("table"):
        assert table.caption is not None and all(
            th.get("scope") in ("col", "row") for th in table.select("th")
        )

    url = f"/staff/agreement/{sample.public_id}/disagreements/{items[4].public_id}"
    listing = page(client, f"/staff/agreement/{sample.public_id}/disagreements")
    assert "Not yet" in listing.get_text() and not listing.select(f"a[href='{url}']")
    assert client.get(url).location.endswith(f"/staff/agreement/{sample.public_id}/disagreements")  # not yet
    finish_constructed_case(db_session, forum, items)

    listing = page(client, f"/staff/agreement/{sample.public_id}/disagreements")
    rows = listing.select("tbody tr")
    assert [row.th.get_text(" ", strip=True).split()[1] for row in rows] == ["3", "5", "6"]  # type: ignore[union-attr]
    assert listing.select(f"a[href='{url}']")
    resolve_page = page(client, url)
    assert not resolve_page.select("input[name=themes][checked]")  # no theme both chose
    assert [i["value"] for i in resolve_page.select("input[name=sentiment][checked]")] == ["negative"]
    response = post_form(client, url, {"themes": [WAITING], "sentiment": "negative"})
    assert response.status_code == 302 and response.location.endswith(f"/disagreements/{items[5].public_id}")
    db_session.expire_all()
    coded = db_session.get(CodedAnswer, items[4].answer_id)
    assert coded is not None and coded.status == CODED
    assert state_of(db_session, coded).themes == (WAITING,)
    assert "Settled" in page_html(client, f"/staff/agreement/{sample.public_id}/disagreements")
    assert (
        client.get(f"/staff/agreement/{sample.public_id}/disagreements/{items[0].public_id}").status_code
        == 200
    )


def test_roles_and_forum_isolation(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum, fraction=0.15)
    item = sample_items(db_session, sample.id)[0]
    base = f"/staff/agreement/{sample.public_id}"
    every = ["/staff/agreement", "/staff/agreement/new", base, f"{base}/code", f"{base}/disagreements",
             f"{base}/disagreements/{item.public_id}"]  # fmt: skip

    viewer = signed_in(app, VIEWER)
    for url in every:
        assert viewer.get(url).status_code == 403, url
    cat = signed_in(app, CODER_C)  # a coder, but not one of this sample's two
    assert "Nobody has asked you" in page_html(cat, "/staff/agreement")
    for url in every[1:]:
        assert cat.get(url).status_code == 403, url
    ana = signed_in(app, CODER_A)
    assert "Code your next answer" in page_html(ana, "/staff/agreement")
    assert ana.get(f"{base}/code").status_code == 200
    for url in ("/staff/agreement/new", base, f"{base}/disagreements"):
        assert ana.get(url).status_code == 403, url

    other = signed_in(app, OTHER_LEAD)
    assert "There are no samples yet" in page_html(other, "/staff/agreement")
    for url in every[2:]:
        assert other.get(url).status_code == 404, url
    response = other.post(f"{base}/code", data={"item": item.public_id, "sentiment": "neutral"})
    assert response.status_code == 400  # no CSRF token (and not their forum's sample): nothing saved
    for url in ("/staff/agreement/x", "/staff/agreement/99999999", f"{base}/disagreements/abc"):
        assert client.get(url).status_code in (302, 404)
    sign_in(client, LEAD)
    for url in (
        "/staff/agreement/x",
        "/staff/agreement/99999999",
        f"/staff/agreement/{sample.id}",  # the row number
        f"/staff/agreement/{sample.id}/disagreements",
        f"/staff/agreement/{sample.public_id.upper()}",
        f"/staff/agreement/{'0' * 16}",
        f"{base}/disagreements/abc",
        f"{base}/disagreements/{item.id}",
        f"{base}/disagreements/{'0' * 16}",
        f"{base}/code?answer=0",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert re.fullmatch(r"[0-9a-f]{16}", sample.public_id) and re.fullmatch(r"[0-9a-f]{16}", item.public_id)
    assert client.get(base).status_code == 200  # a lead who is not coding it sees the figures at any time
    assert db_session.scalar(select(func.count()).select_from(BlindCoding)) == 0
