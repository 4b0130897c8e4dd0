"""moderation: what was done about each safeguarding concern

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_safeguarding_actions_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"],
            ["forums.id"],
            name=op.f("fk_safeguarding_actions_forum_id_forums"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_safeguarding_actions_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_actions")),
    )
    with op.batch_alter_table("safeguarding_actions", schema=None) as batch_op:
        batch_op.create_index("ix_safeguarding_actions_answer", ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_safeguarding_actions_forum_id"), ["forum_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_actions_forum_id"))
        batch_op.drop_index("ix_safeguarding_actions_answer")
    op.drop_table("safeguarding_actions")
