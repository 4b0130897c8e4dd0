"""Saved packs: built once and kept as they were, compared from their stored figures, shared by links
whose tokens are never stored."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.db import utcnow
from forum_app.extensions import db
from forum_app.packs import snapshots
from forum_app.packs.comparison import compare
from forum_app.packs.files import FORMATS, MANIFEST
from forum_app.packs.models import BUILDING, FAILED, READY, PackFile, PackSnapshot, ShareLink
from forum_app.packs.sharing import (
    LinkExpired,
    LinkNotFound,
    LinkRevoked,
    PasscodeNeeded,
    WrongPasscode,
    create_link,
    open_link,
    revoke_link,
)
from forum_app.packs.snapshots import (
    PackInProgress,
    SnapshotError,
    delete_snapshot,
    get_file,
    run_snapshot,
    start_snapshot,
)
from tests.factories import make_forum, make_survey
from tests.packs.factories import UNTIL, seed_coded
from tests.packs.stored import make_stored_pack, stored_content

TODAY = date(2026, 7, 1)
FROM = date(2025, 7, 1)


def _files(session: Session, snapshot: PackSnapshot) -> dict[str, PackFile]:
    return {f.name: f for f in session.scalars(select(PackFile).where(PackFile.pack_id == snapshot.id))}


def test_a_pack_is_built_stored_and_stays_as_it_was(app: Flask, db_session: Session) -> None:
    forum_id, survey_id, lead_id = seed_coded(app, db_session, responses=120)
    snapshot = start_snapshot(db_session, forum_id, survey_id, FROM, UNTIL, {}, lead_id, today=TODAY)
    assert (snapshot.status, snapshot.progress, snapshot.pack_id) == (BUILDING, 0, "P-20260701-0001")

    run_snapshot(db_session, snapshot.id, built_on=TODAY)
    db_session.expire_all()
    snapshot = db_session.get_one(PackSnapshot, snapshot.id)
    assert (snapshot.status, snapshot.progress, snapshot.error) == (READY, 100, "")
    files = _files(db_session, snapshot)
    assert set(files) == {f.name for f in FORMATS.values()} | {MANIFEST}
    for stored in files.values():
        assert stored.sha256 == hashlib.sha256(stored.data).hexdigest() and stored.size == len(stored.data)
    assert files["pack.pdf"].media_type == "application/pdf" and files["pack.pdf"].data.startswith(b"%PDF")
    assert files["pack.html"].media_type.startswith("text/html")
    listed = json.loads(files[MANIFEST].data)
    assert listed["pack_id"] == "P-20260701-0001"  # every file cites the snapshot's id
    assert {(f["name"], f["sha256"], f["bytes"]) for f in listed["files"]} == {
        (s.name, s.sha256, s.size) for s in files.values() if s.name != MANIFEST
    }
    assert snapshot.content is not None and snapshot.content["meta"]["pack_id"] == "P-20260701-0001"
    assert b"P-20260701-0001" in files["pack.html"].data
    before = {name: stored.data for name, stored in files.items()}
    responses_before = snapshot.content["meta"]["responses"]

    seed_coded(app, db_session, responses=60, seed_number=8)  # more families answer afterwards
    db_session.expire_all()
    kept = db_session.get(PackSnapshot, snapshot.id)
    assert kept is not None and kept.content is not None
    assert {name: stored.data for name, stored in _files(db_session, kept).items()} == before
    assert kept.content["meta"]["responses"] == responses_before

    later = start_snapshot(db_session, forum_id, survey_id, FROM, UNTIL, {}, lead_id, today=TODAY)
    assert later.pack_id == "P-20260701-0002"
    run_snapshot(db_session, later.id, built_on=TODAY)
    assert later.content is not None and later.content["meta"]["responses"] != responses_before
    side_by_side = compare(kept, later)
    responses_row = next(row for row in side_by_side.headline if row.label == "Responses")
    assert responses_row.then != responses_row.now
    assert side_by_side.rows and any(row.change != "no change" for row in side_by_side.rows)
    assert any("overlap" in caution for caution in side_by_side.cautions)


def test_making_a_pack_checks_what_was_asked(app: Flask, db_session: Session) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    other = make_forum(db_session, "other", "Other Forum")
    other_survey = make_survey(db_session, other).survey_id

    def refused(**changes: object) -> SnapshotError:
        asked: dict[str, object] = {
            "forum_id": forum.id,
            "survey_id": survey_id,
            "period_from": None,
            "period_to": None,
            "filters": {},
            "user_id": None,
        }
        with pytest.raises(SnapshotError) as caught:
            start_snapshot(db_session, **{**asked, **changes})  # type: ignore[arg-type]
        return caught.value

    assert refused(survey_id=other_survey).field == "survey"
    assert refused(period_from=UNTIL, period_to=FROM).field == "period_to"
    assert refused(filters={"school": "St Mary's"}).field == "filters"
    assert refused(filters={"age_band": "99"}).field == "age_band"
    assert db_session.scalars(select(PackSnapshot)).all() == []

    first = start_snapshot(
        db_session, forum.id, survey_id, None, None, {"age_band": "5-10", "ehcp": ""}, None
    )
    assert first.filters == {"age_band": "5-10"}  # "everyone" answers are dropped
    with pytest.raises(PackInProgress):
        start_snapshot(db_session, forum.id, survey_id, None, None, {}, None)
    # Another forum builds meanwhile, and the day's numbers run on across forums (ids are unique).
    theirs = start_snapshot(db_session, other.id, other_survey, None, None, {}, None)
    assert theirs.pack_id.endswith("-0002")

    # A build cut off long ago no longer blocks a new one, and is marked failed.
    db_session.execute(
        update(PackSnapshot)
        .where(PackSnapshot.id == first.id)
        .values(created_at=utcnow() - timedelta(hours=2))
    )
    db_session.commit()
    second = start_snapshot(db_session, forum.id, survey_id, None, None, {}, None)
    db_session.expire_all()
    assert db_session.get(PackSnapshot, first.id).status == FAILED  # type: ignore[union-attr]
    assert second.status == BUILDING


def test_a_failed_build_keeps_the_error_type_only(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    snapshot = start_snapshot(db_session, forum.id, survey_id, None, None, {}, None)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("We waited two years for Amelia's assessment")

    monkeypatch.setattr("forum_app.packs.build.build_pack", broken)
    with caplog.at_level(logging.ERROR):
        failed = run_snapshot(db_session, snapshot.id)
    assert failed.status == FAILED and "ValueError" in failed.error and "Amelia" not in failed.error
    assert "Amelia" not in caplog.text and "ValueError" in caplog.text
    assert db_session.scalars(select(PackFile)).all() == []
    with pytest.raises(SnapshotError):
        run_snapshot(db_session, snapshot.id)  # only a waiting pack is built


def _ready(session: Session) -> tuple[Forum, PackSnapshot]:
    forum = make_forum(session)
    survey_id = make_survey(session, forum).survey_id
    return forum, make_stored_pack(session, forum.id, survey_id)


def test_a_share_link_stores_only_its_hash_and_counts_every_open(app: Flask, db_session: Session) -> None:
    _forum, snapshot = _ready(db_session)
    token = create_link(db_session, snapshot, None, days=30, label="Ofsted/CQC team", today=TODAY)
    assert len(token) == 43
    link = db_session.scalars(select(ShareLink)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in db_session.execute(select(ShareLink.__table__)).one()]
    assert not any(token in value for value in stored)
    assert (link.expires_on, link.label, link.passcode_hash) == (
        TODAY + timedelta(days=30),
        "Ofsted/CQC team",
        None,
    )

    for _ in range(3):
        assert open_link(db_session, token, today=TODAY).id == snapshot.id
    open_link(db_session, token, today=TODAY, count=False)
    db_session.expire_all()
    assert db_session.get(ShareLink, link.id).access_count == 3  # type: ignore[union-attr]

    with pytest.raises(LinkNotFound):
        open_link(db_session, token[:-1] + ("A" if token[-1] != "A" else "B"), today=TODAY)
    with pytest.raises(LinkNotFound):
        open_link(db_session, "not a token", today=TODAY)


def test_a_share_link_expires_and_can_be_revoked(app: Flask, db_session: Session) -> None:
    forum, snapshot = _ready(db_session)
    token = create_link(db_session, snapshot, None, days=1, today=TODAY)
    open_link(db_session, token, today=TODAY + timedelta(days=1))  # the last day still works
    with pytest.raises(LinkExpired):
        open_link(db_session, token, today=TODAY + timedelta(days=2))

    other = create_link(db_session, snapshot, None, today=TODAY)
    link = db_session.scalars(select(ShareLink).order_by(ShareLink.id.desc())).first()
    assert link is not None
    with pytest.raises(SnapshotError):
        revoke_link(db_session, forum.id + 1, link.id)  # not this forum's
    with pytest.raises(SnapshotError):
        revoke_link(db_session, forum.id, link.id, snapshot_id=snapshot.id + 1)  # not this pack's
    revoke_link(db_session, forum.id, link.id, today=TODAY)
    revoke_link(db_session, forum.id, link.id, today=TODAY + timedelta(days=3))  # already revoked
    assert link.revoked_on == TODAY
    with pytest.raises(LinkRevoked):
        open_link(db_session, other, today=TODAY)


@pytest.mark.parametrize("days", [0, 91, -5, "abc", True])
def test_a_share_link_works_for_1_to_90_days(app: Flask, db_session: Session, days: object) -> None:
    _forum, snapshot = _ready(db_session)
    with pytest.raises(SnapshotError) as caught:
        create_link(db_session, snapshot, None, days=days)  # type: ignore[arg-type]
    assert caught.value.field == "days"
    assert create_link(db_session, snapshot, None, days=90)
    assert create_link(db_session, snapshot, None, days=1)


def test_a_passcode_is_hashed_and_asked_for(app: Flask, db_session: Session) -> None:
    _forum, snapshot = _ready(db_session)
    with pytest.raises(SnapshotError) as caught:
        create_link(db_session, snapshot, None, passcode="12345")
    assert caught.value.field == "passcode"
    token = create_link(db_session, snapshot, None, passcode="kestrel-7", today=TODAY)
    link = db_session.scalars(select(ShareLink)).one()
    assert link.passcode_hash is not None and link.passcode_hash.startswith("$argon2id$")
    assert "kestrel-7" not in link.passcode_hash

    with pytest.raises(PasscodeNeeded):
        open_link(db_session, token, today=TODAY)
    with pytest.raises(WrongPasscode):
        open_link(db_session, token, "kestrel-8", today=TODAY)
    assert open_link(db_session, token, "kestrel-7", today=TODAY).id == snapshot.id
    assert open_link(db_session, token, unlocked=True, today=TODAY).id == snapshot.id
    db_session.expire_all()
    assert db_session.get(ShareLink, link.id).access_count == 2  # type: ignore[union-attr]


def test_only_a_ready_pack_is_shared_and_files_are_scoped_to_the_forum(
    app: Flask, db_session: Session
) -> None:
    forum, snapshot = _ready(db_session)
    assert get_file(db_session, forum.id, snapshot.id, "pack.html") is not None
    assert get_file(db_session, forum.id + 1, snapshot.id, "pack.html") is None
    assert get_file(db_session, forum.id, snapshot.id, "secrets.txt") is None
    building = start_snapshot(db_session, forum.id, snapshot.survey_id, None, None, {}, None)
    with pytest.raises(SnapshotError):
        create_link(db_session, building, None)
    with pytest.raises(SnapshotError):
        delete_snapshot(db_session, forum.id, building.id)  # being made


def test_deleting_a_pack_deletes_its_files_and_links(app: Flask, db_session: Session) -> None:
    forum, snapshot = _ready(db_session)
    token = create_link(db_session, snapshot, None)
    with pytest.raises(SnapshotError):
        delete_snapshot(db_session, forum.id + 1, snapshot.id)
    delete_snapshot(db_session, forum.id, snapshot.id)
    assert db_session.scalars(select(PackFile)).all() == []
    assert db_session.scalars(select(ShareLink)).all() == []
    with pytest.raises(LinkNotFound):
        open_link(db_session, token)


def test_compare_reads_the_stored_figures_earlier_period_first(app: Flask, db_session: Session) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    earlier = stored_content("P-20260101-0001", {"waiting_times": 50.0})
    earlier["meta"].update(period_from="2025-01-01", period_to="2025-06-30", responses=150)
    older = make_stored_pack(db_session, forum.id, survey_id, "P-20260101-0001", earlier)
    newer = make_stored_pack(db_session, forum.id, survey_id, "P-20260701-0001")

    side_by_side = compare(newer, older)  # either order: the earlier period is "then"
    assert (side_by_side.then_id, side_by_side.now_id) == ("P-20260101-0001", "P-20260701-0001")
    rows = {row.theme_id: row for row in side_by_side.rows}
    assert rows["waiting_times"].then.startswith("50.0%")
    assert rows["waiting_times"].now == "60.0% (53.1 to 66.5)"
    assert rows["waiting_times"].change == "up 10.0 points"
    assert rows["annual_reviews"].change == "no change"
    assert rows["tribunals_appeals"].change.startswith("no figure")
    assert rows["tribunals_appeals"].now == "[c]"
    responses = next(row for row in side_by_side.headline if row.label == "Responses")
    assert (responses.then, responses.now) == ("150", "215")
    assert not any("overlap" in caution for caution in side_by_side.cautions)
    assert snapshots.STATUS_TEXT[READY] == "Ready"


def test_a_pack_is_made_in_the_background_with_a_session_of_its_own(app: Flask, db_session: Session) -> None:
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id  # no responses yet: a pack still says so
    snapshot = start_snapshot(db_session, forum.id, survey_id, FROM, UNTIL, {}, None)
    thread = snapshots.run_in_background(db.sessionmaker(app), snapshot.id)
    thread.join(timeout=300)
    assert not thread.is_alive()
    db_session.expire_all()
    made = db_session.get_one(PackSnapshot, snapshot.id)
    assert (made.status, made.progress) == (READY, 100), made.error
    assert len(_files(db_session, made)) == len(FORMATS) + 1
