"""rate limits: a random key per UTC day, shared by every process and deleted after a day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_keys",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_rate_limit_keys")),
    )
    # Sources counted so far were keyed with the app's secret: they cannot be compared with the new
    # keys, and are dropped rather than kept traceable for two more days.
    op.execute(sa.text("DELETE FROM rate_limit_hits"))


def downgrade() -> None:
    op.drop_table("rate_limit_keys")
