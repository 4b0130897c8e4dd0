"""``flask db ...``: Alembic migrations on the app's DATABASE_URL."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app
from flask.cli import with_appcontext

from forum_app.config import PROJECT_ROOT


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # "%" is Alembic's interpolation character; URLs may contain it (escaped passwords).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``. For SQLite, the folder of the file is created."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            (PROJECT_ROOT / path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


@click.group("db", help="Database migrations.")
def db_cli() -> None:
    pass


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Apply the migrations (to REVISION, default head)."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Database is up to date.")


@db_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Undo migrations down to REVISION (e.g. base)."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"Database downgraded to {revision}.")


@db_cli.command("current")
@with_appcontext
def current_command() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(current_app.config["DATABASE_URL"]))
