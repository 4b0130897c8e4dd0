"""agreement samples and items: a random public id for staff addresses, in place of the row number

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500  # rows given an id per statement, well under both engines' parameter limits
TABLES = ("agreement_samples", "agreement_items")


def _backfill(connection: sa.Connection, name: str) -> None:
    """Give every existing row of the table a random public id, a batch of rows at a time."""
    table = sa.table(name, sa.column("id", sa.Integer()), sa.column("public_id", sa.String(16)))
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(public_id=sa.bindparam("new_public_id"))
    )
    while True:
        ids = connection.scalars(
            sa.select(table.c.id).where(table.c.public_id.is_(None)).order_by(table.c.id).limit(BATCH)
        ).all()
        if not ids:
            return
        connection.execute(update, [{"row_id": row, "new_public_id": secrets.token_hex(8)} for row in ids])


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("public_id", sa.String(length=16), nullable=True))
        _backfill(op.get_bind(), name)
        with op.batch_alter_table(name) as batch:
            batch.alter_column("public_id", existing_type=sa.String(length=16), nullable=False)
            batch.create_unique_constraint(batch.f(f"uq_{name}_public_id"), ["public_id"])


def downgrade() -> None:
    for name in reversed(TABLES):
        with op.batch_alter_table(name) as batch:
            batch.drop_constraint(batch.f(f"uq_{name}_public_id"), type_="unique")
            batch.drop_column("public_id")
