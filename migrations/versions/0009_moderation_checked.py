"""moderation: answers kept unchecked until the automatic check has run after the submission

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNCHECKED_REASON = "could not be checked automatically"  # as forum_app.moderation.intake says it


def upgrade() -> None:
    with op.batch_alter_table("moderation_items") as batch:
        batch.add_column(sa.Column("checked", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("check_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_moderation_items_unchecked", ["checked", "forum_id"])
    items = sa.table(
        "moderation_items",
        sa.column("answer_id", sa.Integer()),
        sa.column("flagged", sa.Boolean()),
        sa.column("flag_reasons", sa.JSON()),
        sa.column("original", sa.Text()),
        sa.column("checked", sa.Boolean()),
        sa.column("check_attempts", sa.Integer()),
    )
    connection = op.get_bind()
    # Answers taken in so far were checked at submission, except those the check failed on: they keep
    # their original and "could not be checked automatically", and are checked again by the sweep.
    connection.execute(sa.update(items).values(checked=True, check_attempts=1))
    failed = [
        answer_id
        for answer_id, reasons in connection.execute(
            sa.select(items.c.answer_id, items.c.flag_reasons).where(
                items.c.flagged.is_(True), items.c.original.is_not(None)
            )
        )
        if isinstance(reasons, list) and UNCHECKED_REASON in reasons
    ]
    for start in range(0, len(failed), 500):
        connection.execute(
            sa.update(items).where(items.c.answer_id.in_(failed[start : start + 500])).values(checked=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("moderation_items") as batch:
        batch.drop_index("ix_moderation_items_unchecked")
        batch.drop_column("check_attempts")
        batch.drop_column("checked")
