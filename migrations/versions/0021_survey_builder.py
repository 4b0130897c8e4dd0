"""builder: survey drafts, open and close dates, short link codes, uploads waiting to be imported

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("surveys") as batch:
        batch.add_column(sa.Column("opens_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closes_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("short_code", sa.String(length=16), nullable=True))
        batch.create_unique_constraint(batch.f("uq_surveys_short_code"), ["short_code"])
    op.create_table(
        "survey_drafts",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_drafts_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_survey_drafts")),
    )
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("table", JSON, nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("report", JSON, nullable=True),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forums.id"], name=op.f("fk_import_uploads_forum_id_forums"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
    )
    with op.batch_alter_table("import_uploads") as batch:
        batch.create_index(batch.f("ix_import_uploads_forum_id"), ["forum_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_uploads") as batch:
        batch.drop_index(batch.f("ix_import_uploads_forum_id"))
    op.drop_table("import_uploads")
    op.drop_table("survey_drafts")
    with op.batch_alter_table("surveys") as batch:
        batch.drop_constraint(batch.f("uq_surveys_short_code"), type_="unique")
        batch.drop_column("short_code")
        batch.drop_column("closes_on")
        batch.drop_column("opens_on")
