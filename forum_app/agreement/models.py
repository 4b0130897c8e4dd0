"""Agreement models: double-coding samples, their answers and the blind codings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum_app.db import Base, JSONType, utcnow
from forum_app.surveys.codes import new_public_id


class AgreementSample(Base):
    """A random sample of answers that two people code blind, to measure how reliable coding is."""

    __tablename__ = "agreement_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)  # in addresses
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    fraction: Mapped[float] = mapped_column(Float)
    first_coder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    second_coder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[AgreementItem]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", passive_deletes=True
    )


class AgreementItem(Base):
    __tablename__ = "agreement_items"
    __table_args__ = (UniqueConstraint("sample_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)  # in addresses
    sample_id: Mapped[int] = mapped_column(ForeignKey("agreement_samples.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the order both coders see, random
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    sample: Mapped[AgreementSample] = relationship(back_populates="items")


class BlindCoding(Base):
    """One person's coding of one sampled answer, made without seeing anyone else's."""

    __tablename__ = "blind_codings"
    __table_args__ = (UniqueConstraint("item_id", "coder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agreement_items.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    sentiment: Mapped[str] = mapped_column(String(16))
    coded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
