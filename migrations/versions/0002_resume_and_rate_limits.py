"""resume codes and shared rate limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:45:48.507025
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
        sa.UniqueConstraint(
            "scope", "source", "window_start", name=op.f("uq_rate_limit_hits_scope_source_window_start")
        ),
    )
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_hits_window_start"), ["window_start"], unique=False)

    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("resume_expires_on", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_responses_resume_hash"), ["resume_hash"])


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_responses_resume_hash"), type_="unique")
        batch_op.drop_column("resume_expires_on")
        batch_op.drop_column("resume_hash")

    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_hits_window_start"))

    op.drop_table("rate_limit_hits")
