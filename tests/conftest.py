"""Shared fixtures. Database tests run twice: on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session

from forum_app import create_app
from forum_app.db import Base
from forum_app.dbcli import upgrade
from forum_app.extensions import db
from tests.system import PostgresServer, start_postgres, unavailable

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | str]:
    """A PostgreSQL server for the whole run, or the reason there is none."""
    server = start_postgres()
    yield server
    if isinstance(server, PostgresServer):
        server.stop()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database (built by the Alembic migrations, never create_all)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        server = request.getfixturevalue("postgres")
        if isinstance(server, str):
            unavailable(server)
        url = server.url
    upgrade(url)
    return url


def make_test_app(database_url: str, **overrides: object) -> Flask:
    # Test journeys send at once; tests of the too-fast check and of the hourly limit set
    # MIN_COMPLETION_SECONDS and SUBMISSIONS_PER_HOUR themselves. Leads sign in with a password only,
    # unless a test (tests/accounts/test_two_factor.py) sets LEADS_NEED_TWO_FACTOR, as every real app has it.
    config = {
        "FORUM_ENV": "testing",
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "MIN_COMPLETION_SECONDS": 0,
        "SUBMISSIONS_PER_HOUR": 10_000,  # every test family sends from the same address
        "LEADS_NEED_TWO_FACTOR": False,
        **overrides,
    }
    return create_app(config)


def empty_database(app: Flask) -> None:
    engine = db.engine(app)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608  (names from our metadata)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url)
    yield app
    empty_database(app)
    db.engine(app).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, outside any app context, so requests made by the test
    client get their own app context, ``g`` and database session, as in production."""
    session = db.sessionmaker(app)()
    yield session
    session.close()
