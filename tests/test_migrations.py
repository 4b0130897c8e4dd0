"""The schema comes only from the Alembic migrations, and they match the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect

from forum_app.db import Base
from forum_app.dbcli import alembic_config
from forum_app.extensions import db


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


def test_sqlite_pragmas(app: Flask, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL has no pragmas; the same test runs on SQLite
    with db.engine(app).connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 10000}
