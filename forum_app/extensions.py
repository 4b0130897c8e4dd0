"""Extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from forum_app.db import make_engine, make_sessionmaker


@dataclass
class _BoundDatabase:
    engine: Engine
    sessionmaker: sessionmaker[Session]


class Database:
    """Hands out one session per app context; each app has its own engine."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["forum_db"] = _BoundDatabase(engine, make_sessionmaker(engine))
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def _bound(app: Flask | None = None) -> _BoundDatabase:
        bound: _BoundDatabase = (app or current_app).extensions["forum_db"]
        return bound

    def engine(self, app: Flask | None = None) -> Engine:
        return self._bound(app).engine

    def sessionmaker(self, app: Flask | None = None) -> sessionmaker[Session]:
        """For work outside a request or CLI command (threads, tests)."""
        return self._bound(app).sessionmaker

    @property
    def session(self) -> Session:
        """The session of the current app context, created on first use."""
        if "db_session" not in g:
            g.db_session = self._bound().sessionmaker()
        session: Session = g.db_session
        return session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
csrf = CSRFProtect()
login_manager = LoginManager()
