"""moderation: the language each free-text answer is written in, so other languages go to a person

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Answers taken in before keep None: nobody knows their language, and they go the usual way.
    with op.batch_alter_table("moderation_items") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderation_items") as batch:
        batch.drop_column("language")
