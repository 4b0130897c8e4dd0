"""accounts: one-time passwords stop working 3 days after they are set

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_expires_at", sa.DateTime(timezone=True), nullable=True))
    # One-time passwords handed out before this change get the same 3 days from now.
    users = sa.table(
        "users",
        sa.column("must_change_password", sa.Boolean()),
        sa.column("password_expires_at", sa.DateTime(timezone=True)),
    )
    expires = datetime.now(UTC) + timedelta(days=3)
    op.execute(
        sa.update(users).where(users.c.must_change_password.is_(True)).values(password_expires_at=expires)
    )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_expires_at")
