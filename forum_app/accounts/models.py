"""Forums, staff users and their memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum_app.db import Base, JSONType, utcnow

ROLES = ("lead", "coder", "viewer")
INVITE, RESET = "invite", "reset"


class Forum(Base):
    """A parent carer forum: the tenant every piece of data belongs to."""

    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    local_area: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set by the platform administrator: surveys closed, staff pages and share links switched off.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class User(Base):
    """A member of a forum's staff (lead, coder or viewer). Respondents never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    # When a one-time password stops working (3 days after it was set); None once the person chose one.
    password_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    # Runs the platform (creates and suspends forums); sees no forum's data without a membership.
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Two-factor sign-in (forum_app.accounts.two_factor): the authenticator app's shared secret, the
    # time step of the last code accepted (an older or equal step is a replay), and since when.
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)
    two_factor_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None and self.two_factor_since is not None


class Membership(Base):
    """A user's role in one forum."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "forum_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # False once a lead has deactivated them in this forum: kept so a lead can reactivate them.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    user: Mapped[User] = relationship(back_populates="memberships")
    forum: Mapped[Forum] = relationship()


class AuditEvent(Base):
    """Who did what to which object, and when: staff actions only, never free text or personal data."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_forum_at", "forum_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for an attempt to sign in with an email address nobody has (the address is not kept).
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))  # endpoint and method: "surveys.response_detail GET"
    object_id: Mapped[str] = mapped_column(String(64), default="")  # an id from the address, never text
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecoveryCode(Base):
    """A two-factor recovery code, kept only as an argon2id hash; each works once (``used_at``)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class AccountLink(Base):
    """A single-use, expiring link: an invitation to join a forum's team, or a password reset.

    Only the SHA-256 of the purpose and the token is stored; the raw token is shown once (or emailed).
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(8))  # INVITE or RESET
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
