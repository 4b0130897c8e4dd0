"""The schema comes only from the Alembic migrations, and they match the models."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forum_app.agreement.models import AgreementItem, AgreementSample
from forum_app.codebook.models import CodebookVersion
from forum_app.db import Base
from forum_app.dbcli import alembic_config
from forum_app.extensions import db
from forum_app.packs.models import PackSnapshot, ShareLink
from forum_app.surveys.codes import PUBLIC_ID_PATTERN, new_token
from forum_app.surveys.models import SUBMITTED, Answer, Response
from tests.conftest import make_test_app
from tests.factories import make_forum, make_survey


def test_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_models_match_migrations(app: Flask) -> None:
    with db.engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_from_empty_and_back(app: Flask, database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "base")
    tables = set(inspect(db.engine(app)).get_table_names()) - {"alembic_version"}
    assert tables == set()
    command.upgrade(config, "head")
    tables = set(inspect(db.engine(app)).get_table_names())
    assert {"forums", "users", "memberships", "surveys", "survey_versions", "responses", "answers"} <= tables


def test_existing_answers_get_public_ids_in_batches(
    app: Flask, database_url: str, db_session: Session
) -> None:
    """The migration that added ``answers.public_id`` gives every answer already stored its own."""
    config = alembic_config(database_url)
    added = next(
        revision
        for revision in ScriptDirectory.from_config(config).walk_revisions()
        if revision.path.endswith("_answer_public_ids.py")
    )
    version = make_survey(db_session, make_forum(db_session))
    response = Response(
        id=new_token(),
        forum_id=version.survey.forum_id,
        survey_version_id=version.id,
        status=SUBMITTED,
        started_on=date(2026, 3, 2),
        submitted_on=date(2026, 3, 2),
        idempotency_key=new_token(),
    )
    db_session.add(response)
    db_session.flush()
    count = 2 * added.module.BATCH + 1  # more than two batches
    rows = [{"response_id": response.id, "question_key": f"q{n}", "value": n} for n in range(count)]
    db_session.execute(insert(Answer), rows)
    db_session.commit()
    db_session.close()
    command.downgrade(config, str(added.down_revision))
    try:
        with db.engine(app).connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("answers")}
        assert "public_id" not in columns
    finally:
        command.upgrade(config, "head")
    found = db_session.scalars(select(Answer.public_id)).all()
    assert len(found) == count == len(set(found))
    assert all(PUBLIC_ID_PATTERN.fullmatch(value) for value in found)


def test_sqlite_connections_get_the_pragmas(tmp_path: Path) -> None:
    """Every SQLite connection the app opens has WAL, full sync, a busy timeout and foreign keys (on
    its own SQLite file, whichever database the other tests run on)."""
    app = make_test_app(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with db.engine(app).connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        db.engine(app).dispose()
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 10000}


def test_foreign_keys_are_enforced(db_session: Session) -> None:
    """On both databases (on SQLite thanks to its pragma): an answer to no stored response is refused."""
    db_session.add(Answer(response_id="no-such-response", question_key="q", value="text"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_existing_packs_and_share_links_get_public_ids_in_batches(
    app: Flask, database_url: str, db_session: Session
) -> None:
    """The migration that added ``public_id`` to packs and share links gives every stored row its own,
    and rebuilding the packs table on SQLite keeps the share links that refer to it."""
    config = alembic_config(database_url)
    added = next(
        revision
        for revision in ScriptDirectory.from_config(config).walk_revisions()
        if revision.path.endswith("_pack_public_ids.py")
    )
    forum = make_forum(db_session)
    survey_id = make_survey(db_session, forum).survey_id
    count = 2 * added.module.BATCH + 1  # more than two batches
    db_session.execute(
        insert(PackSnapshot),
        [
            {"pack_id": f"P-20260701-{n:04}", "forum_id": forum.id, "survey_id": survey_id}
            for n in range(count)
        ],
    )
    first = db_session.scalars(select(PackSnapshot.id).order_by(PackSnapshot.id)).first()
    db_session.execute(
        insert(ShareLink),
        [
            {
                "pack_id": first,
                "token_hash": f"{n:064}",
                "expires_on": date(2026, 9, 1),
                "created_on": date(2026, 7, 1),
            }
            for n in range(3)
        ],
    )
    db_session.commit()
    db_session.close()
    command.downgrade(config, str(added.down_revision))
    try:
        with db.engine(app).connect() as connection:
            for table in ("packs", "share_links"):
                assert "public_id" not in {
                    column["name"] for column in inspect(connection).get_columns(table)
                }
    finally:
        command.upgrade(config, "head")
    for model, expected in ((PackSnapshot, count), (ShareLink, 3)):
        found = db_session.scalars(select(model.public_id)).all()
        assert len(found) == expected == len(set(found))
        assert all(PUBLIC_ID_PATTERN.fullmatch(value) for value in found)


def test_existing_agreement_samples_and_items_get_public_ids(
    app: Flask, database_url: str, db_session: Session
) -> None:
    """The migration that added ``public_id`` to double-coding samples and their items gives every stored
    row its own, and rebuilding the tables on SQLite keeps the rows that refer to them."""
    config = alembic_config(database_url)
    added = next(
        revision
        for revision in ScriptDirectory.from_config(config).walk_revisions()
        if revision.path.endswith("_agreement_public_ids.py")
    )
    version = make_survey(db_session, make_forum(db_session))
    response = Response(
        id=new_token(),
        forum_id=version.survey.forum_id,
        survey_version_id=version.id,
        status=SUBMITTED,
        started_on=date(2026, 3, 2),
        submitted_on=date(2026, 3, 2),
        idempotency_key=new_token(),
    )
    db_session.add(response)
    db_session.flush()
    count = added.module.BATCH + 1  # more than one batch
    db_session.execute(
        insert(Answer),
        [{"response_id": response.id, "question_key": f"q{n}", "value": n} for n in range(count)],
    )
    codebook = CodebookVersion(forum_id=version.survey.forum_id, version=1)
    db_session.add(codebook)
    db_session.flush()
    db_session.execute(
        insert(AgreementSample),
        [{"forum_id": version.survey.forum_id, "fraction": 0.1, "codebook_version_id": codebook.id}],
    )
    sample = db_session.scalars(select(AgreementSample.id)).one()
    answers = db_session.scalars(select(Answer.id).order_by(Answer.id)).all()
    db_session.execute(
        insert(AgreementItem),
        [{"sample_id": sample, "answer_id": answer, "position": n} for n, answer in enumerate(answers, 1)],
    )
    db_session.commit()
    db_session.close()
    command.downgrade(config, str(added.down_revision))
    try:
        with db.engine(app).connect() as connection:
            for table in ("agreement_samples", "agreement_items"):
                assert "public_id" not in {
                    column["name"] for column in inspect(connection).get_columns(table)
                }
    finally:
        command.upgrade(config, "head")
    for model, expected in ((AgreementSample, 1), (AgreementItem, count)):
        found = db_session.scalars(select(model.public_id)).all()
        assert len(found) == expected == len(set(found))
        assert all(PUBLIC_ID_PATTERN.fullmatch(value) for value in found)
