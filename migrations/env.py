"""Alembic environment: migrations run against the URL given by forum_app.dbcli."""

from __future__ import annotations

import importlib

from alembic import context

from forum_app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata
# Every feature's models, so that their tables are on Base.metadata, which autogenerate compares with.
# Surveys first: imported cold, the agreement models need the survey runner loaded before them.
FEATURES = (
    "surveys",
    "accounts",
    "builder",
    "moderation",
    "coding",
    "codebook",
    "agreement",
    "quotes",
    "packs",
)
for feature in FEATURES:
    importlib.import_module(f"forum_app.{feature}.models")


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or ""
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a SQLite table (copy, drop, rename): with foreign keys on,
            # dropping the old table would first delete every row that refers to it (ON DELETE
            # CASCADE). They are off while migrating only; SQLite ignores this inside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
