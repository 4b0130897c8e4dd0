"""Saved packs (snapshots) and the links that share them with inspectors.

A pack is built once and kept as it was: its files (every format and the manifest) are stored, so
what an inspector was sent stays what it was after more responses arrive.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum_app.db import Base, JSONType, utcnow
from forum_app.surveys.codes import new_public_id

BUILDING = "building"
READY = "ready"
FAILED = "failed"


class PackSnapshot(Base):
    __tablename__ = "packs"
    __table_args__ = (Index("ix_packs_forum_created", "forum_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(32), unique=True)  # "P-20261123-0001", shown and cited
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)  # in addresses
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    period_from: Mapped[date | None] = mapped_column(Date, default=None)
    period_to: Mapped[date | None] = mapped_column(Date, default=None)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    codebook_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # Right of reply: when the local partnership received the pack, and its response (unedited).
    partnership_seen_on: Mapped[date | None] = mapped_column(Date, default=None)
    partnership_response: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), default=BUILDING)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, while building
    error: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)  # the Pack, as JSON
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    files: Mapped[list[PackFile]] = relationship(
        back_populates="pack", cascade="all, delete-orphan", passive_deletes=True, order_by="PackFile.name"
    )


class PackFile(Base):
    __tablename__ = "pack_files"
    __table_args__ = (UniqueConstraint("pack_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))  # "pack.pdf", "manifest.json"
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    pack: Mapped[PackSnapshot] = relationship(back_populates="files")


class ShareLink(Base):
    """An unguessable link to one pack, for inspectors without an account. Only its hash is stored."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)  # in addresses
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")  # "Ofsted/CQC inspection team"
    passcode_hash: Mapped[str | None] = mapped_column(Text, default=None)
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date, default=None)
    access_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_on: Mapped[date] = mapped_column(Date)
