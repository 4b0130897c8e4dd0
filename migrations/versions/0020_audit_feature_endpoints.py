"""audit: staff actions recorded under the coding pages' old endpoint names take their feature's name

The codebook, coding, agreement and quotes pages each have their own blueprint now, so an audit event
such as ``themes.coding_bulk POST`` is stored as ``coding.bulk POST``.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {
    "themes.agreement_samples": "agreement.samples",
    "themes.agreement_new": "agreement.new",
    "themes.agreement_code": "agreement.code",
    "themes.agreement_report": "agreement.report",
    "themes.agreement_use_agreed": "agreement.use_agreed",
    "themes.agreement_disagreements": "agreement.disagreements",
    "themes.agreement_resolve": "agreement.resolve",
    "themes.codebook": "codebook.index",
    "themes.codebook_version": "codebook.version",
    "themes.codebook_history": "codebook.history",
    "themes.codebook_edit": "codebook.edit",
    "themes.codebook_export_json": "codebook.export_json",
    "themes.codebook_export_csv": "codebook.export_csv",
    "themes.codebook_import": "codebook.import_file",
    "themes.coding_queue": "coding.queue",
    "themes.coding_next": "coding.next_answer",
    "themes.coding_answer": "coding.answer",
    "themes.coding_undo": "coding.undo",
    "themes.coding_bulk": "coding.bulk",
    "themes.coding_threshold": "coding.threshold",
    "themes.coder": "coding.coder",
    "themes.coder_retrain": "coding.retrain",
    "themes.coder_use": "coding.use_model",
    "themes.quote_choices": "quotes.choices",
    "themes.quotes_overview": "quotes.overview",
}
METHODS = ("GET", "POST")


def _rename(pairs: dict[str, str]) -> None:
    events = sa.table("audit_events", sa.column("action", sa.String))
    for old, new in pairs.items():
        for method in METHODS:
            op.execute(
                events.update().where(events.c.action == f"{old} {method}").values(action=f"{new} {method}")
            )


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})
