"""accounts: audit events without a forum, for sign-in attempts with an unknown email address

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("forum_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    audit_events = sa.table("audit_events", sa.column("forum_id", sa.Integer()))
    op.execute(sa.delete(audit_events).where(audit_events.c.forum_id.is_(None)))
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("forum_id", existing_type=sa.Integer(), nullable=False)
