"""answers: a random public id for staff addresses, in place of the sequential row number

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500  # answers given an id per statement, well under both engines' parameter limits

answers = sa.table("answers", sa.column("id", sa.Integer()), sa.column("public_id", sa.String(16)))


def _backfill(connection: sa.Connection) -> None:
    """Give every existing answer a random public id, a batch of rows at a time."""
    update = (
        sa.update(answers)
        .where(answers.c.id == sa.bindparam("row_id"))
        .values(public_id=sa.bindparam("new_public_id"))
    )
    while True:
        ids = connection.scalars(
            sa.select(answers.c.id).where(answers.c.public_id.is_(None)).order_by(answers.c.id).limit(BATCH)
        ).all()
        if not ids:
            return
        connection.execute(update, [{"row_id": row, "new_public_id": secrets.token_hex(8)} for row in ids])


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=16), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("answers") as batch:
        batch.alter_column("public_id", existing_type=sa.String(length=16), nullable=False)
        batch.create_unique_constraint(batch.f("uq_answers_public_id"), ["public_id"])


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_constraint(batch.f("uq_answers_public_id"), type_="unique")
        batch.drop_column("public_id")
