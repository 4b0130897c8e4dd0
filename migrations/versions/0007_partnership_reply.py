"""packs: the partnership's right of reply

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("packs") as batch:
        batch.add_column(sa.Column("partnership_seen_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("partnership_response", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("packs") as batch:
        batch.drop_column("partnership_response")
        batch.drop_column("partnership_seen_on")
