"""Ready packs and share links with known tokens, made without building (fast), for page tests.

A stored pack here has the content of ``sample.sample_pack()`` and three small files; tests of
building itself use ``snapshots.run_snapshot`` on seeded responses instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from forum_app.packs.models import READY, PackFile, PackSnapshot
from forum_app.packs.sharing import create_link, hash_token
from tests.packs.sample import sample_pack

# Share tokens look like secrets.token_urlsafe(32): 43 URL-safe characters.
OPEN_TOKEN = "open-link-for-tests-" + "a" * 23
PASSCODE_TOKEN = "passcode-link-for-tests-" + "b" * 19
PASSCODE = "kestrel-harbour"
HTML = b'<!DOCTYPE html><html lang="en-GB"><head><title>Pack</title></head><body><h1>Pack</h1></body></html>'


def stored_content(pack_id: str, changes: dict[str, float] | None = None) -> dict[str, Any]:
    """The sample pack as stored JSON, with ``changes`` (theme id -> percent) applied to its T2."""
    pack = sample_pack()
    content: dict[str, Any] = json.loads(
        json.dumps(replace(pack, meta=replace(pack.meta, pack_id=pack_id)).to_dict())
    )
    for table in content["tables"]:
        if table["id"] == "T2":
            for row in table["rows"]:
                if row["theme_id"] in (changes or {}):
                    row["percent"] = (changes or {})[row["theme_id"]]
    return content


def make_stored_pack(
    session: Session,
    forum_id: int,
    survey_id: int,
    pack_id: str = "P-20260701-0001",
    content: dict[str, Any] | None = None,
    created_by: int | None = None,
) -> PackSnapshot:
    content = content or stored_content(pack_id)
    files = {"pack.html": HTML, "pack.json": json.dumps(content).encode()}
    listing = [
        {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in sorted(files.items())
    ]
    files["manifest.json"] = json.dumps({"pack_id": pack_id, "files": listing}).encode()
    meta = content["meta"]
    snapshot = PackSnapshot(
        pack_id=pack_id,
        forum_id=forum_id,
        survey_id=survey_id,
        period_from=date.fromisoformat(meta["period_from"]),
        period_to=date.fromisoformat(meta["period_to"]),
        filters={},
        status=READY,
        progress=100,
        content=content,
        created_by=created_by,
    )
    session.add(snapshot)
    session.flush()
    media = {"pack.html": "text/html; charset=utf-8", "pack.json": "application/json"}
    for name, data in files.items():
        session.add(
            PackFile(
                pack_id=snapshot.id,
                name=name,
                media_type=media.get(name, "application/json"),
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                data=data,
            )
        )
    session.commit()
    return snapshot


def make_link(
    session: Session,
    snapshot: PackSnapshot,
    token: str,
    passcode: str | None = None,
    days: int = 30,
    today: date | None = None,
    label: str = "",
) -> str:
    """A share link made by ``create_link`` whose token is ``token`` (so a test can type it)."""
    from sqlalchemy import select

    from forum_app.packs.models import ShareLink

    made = create_link(session, snapshot, None, days=days, passcode=passcode, label=label, today=today)
    link = session.scalars(select(ShareLink).where(ShareLink.token_hash == hash_token(made))).one()
    link.token_hash = hash_token(token)
    session.commit()
    return token


EXPIRED_TOKEN = "expired-link-for-tests-" + "d" * 20


def seed_browser_packs(session: Session, staff_email: str, forum_slug: str = "demo") -> None:
    """For the browser checks: an older stored pack, then a pack built from the forum's responses
    (the newest, listed first), shared by a plain link, a link with a passcode and an expired link."""
    from datetime import timedelta

    from sqlalchemy import select

    from forum_app.accounts.models import Forum, User
    from forum_app.packs.data import MIN_FAMILIES
    from forum_app.packs.snapshots import run_snapshot, start_snapshot
    from forum_app.surveys.codes import new_token
    from forum_app.surveys.models import SUBMITTED, Response, Survey, SurveyVersion

    forum = session.scalars(select(Forum).where(Forum.slug == forum_slug)).one()
    survey = session.scalars(select(Survey).where(Survey.forum_id == forum.id).order_by(Survey.id)).first()
    lead = session.scalars(select(User).where(User.email == staff_email)).one()
    assert survey is not None
    earlier = stored_content("P-20250101-0001")
    earlier["meta"].update(period_from="2024-01-01", period_to="2024-12-31")
    make_stored_pack(session, forum.id, survey.id, "P-20250101-0001", earlier, created_by=lead.id)
    # A pack describes at least 20 families: families who sent the survey without answering any question
    # join the journey's one (no answers, so nothing new to moderate or code on the other pages).
    version_id = session.scalar(
        select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id).order_by(SurveyVersion.id.desc())
    )
    assert version_id is not None
    session.add_all(
        Response(
            id=new_token(),
            forum_id=forum.id,
            survey_version_id=version_id,
            status=SUBMITTED,
            started_on=date.today(),
            submitted_on=date.today(),
            idempotency_key=new_token(),
        )
        for _ in range(MIN_FAMILIES)
    )
    session.commit()
    snapshot = start_snapshot(session, forum.id, survey.id, None, None, {}, lead.id)
    built = run_snapshot(session, snapshot.id)
    assert built.status == READY, built.error
    make_link(session, built, OPEN_TOKEN, label="Inspection team")
    make_link(session, built, PASSCODE_TOKEN, passcode=PASSCODE)
    make_link(session, built, EXPIRED_TOKEN, days=1, today=date.today() - timedelta(days=10))
