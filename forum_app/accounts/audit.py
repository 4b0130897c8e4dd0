"""The audit log: which member of staff viewed, changed or exported what, and when.

One list, ``AUDITED``, names every staff action that is logged: an endpoint and method, what it means
in words, and which address argument identifies the object. After a request that did it (a page
shown, or a form that redirected, i.e. succeeded), one ``AuditEvent`` is written in a session of its
own, so a view's transaction is never touched. Only ids go in: never answers, names or codes. Actions
that already keep their own who-and-when record (each coding decision, each blind coding) are listed
in ``NOT_AUDITED`` with that reason; a test fails if a staff form is in neither list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts.denials import DENIED, log_denial
from forum_app.accounts.models import AuditEvent, Membership, User
from forum_app.accounts.services import membership
from forum_app.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class Action:
    words: str  # what the person did, as the log reads: "viewed a response"
    key: str | None = None  # the address argument that names the object


AUDITED: dict[tuple[str, str], Action] = {
    ("accounts.change_password", "POST"): Action("changed their password"),
    ("accounts.two_factor_forum", "POST"): Action("changed who needs two-factor sign-in"),
    ("surveys.response_detail", "GET"): Action("viewed a response", "response_id"),
    ("surveys.not_spam", "POST"): Action("marked a response as not spam", "response_id"),
    ("coding.answer", "GET"): Action("opened an answer to code", "answer_id"),
    ("coding.bulk", "POST"): Action("bulk-accepted automatic codings"),
    ("coding.threshold", "POST"): Action("changed the bulk-accept threshold"),
    ("coding.undo", "POST"): Action("undid a coding decision"),
    ("coding.phrase", "POST"): Action("coded a phrase of an answer", "answer_id"),
    ("coding.remove_phrase", "POST"): Action("removed a coded phrase", "answer_id"),
    ("builder.upload", "POST"): Action("uploaded past responses to import"),
    ("builder.upload_mapping", "POST"): Action("imported past responses from an upload", "upload_id"),
    ("codebook.edit", "POST"): Action("changed a codebook theme", "theme_id"),
    ("codebook.import_file", "POST"): Action("imported a codebook"),
    ("codebook.export_csv", "GET"): Action("exported the codebook (CSV)"),
    ("codebook.export_json", "GET"): Action("exported the codebook (JSON)"),
    ("agreement.new", "POST"): Action("started a double-coding sample"),
    ("agreement.resolve", "POST"): Action("settled a disagreement", "sample_id"),
    ("agreement.use_agreed", "POST"): Action("used the agreed codings", "sample_id"),
    ("coding.retrain", "POST"): Action("started retraining the automatic coder"),
    ("coding.use_model", "POST"): Action("switched the automatic coder"),
    ("coding.agreement_csv", "GET"): Action("exported the automatic coder's agreement with coders (CSV)"),
    ("coding.export_file", "GET"): Action("exported a survey's responses", "survey_slug"),
    ("quotes.choices", "POST"): Action("marked candidate quotes", "answer_id"),
    ("moderation.item", "GET"): Action("viewed an answer to moderate", "answer_id"),
    ("moderation.restore", "POST"): Action("restored a redaction", "answer_id"),
    ("moderation.redact_again", "POST"): Action("redacted a restored detail again", "answer_id"),
    ("moderation.add", "POST"): Action("added a redaction", "answer_id"),
    ("moderation.approve_answer", "POST"): Action("approved an answer", "answer_id"),
    ("moderation.hold_answer", "POST"): Action("held an answer", "answer_id"),
    ("moderation.release", "POST"): Action("put a held answer back in the queue", "answer_id"),
    ("moderation.spam", "POST"): Action("rejected a response as spam", "answer_id"),
    ("moderation.bulk_approve", "POST"): Action("approved answers with no flag and no redaction in bulk"),
    ("moderation.record_safeguarding", "POST"): Action("recorded a safeguarding action", "answer_id"),
    ("moderation.settings", "POST"): Action("changed the moderation settings"),
    ("builder.local_lists", "POST"): Action("changed the forum’s local services and localities"),
    ("packs.make", "POST"): Action("made an evidence pack"),
    ("packs.view", "GET"): Action("opened an evidence pack", "snapshot_id"),
    ("packs.download", "GET"): Action("downloaded an evidence pack file", "snapshot_id"),
    ("packs.share", "POST"): Action("created a share link", "snapshot_id"),
    ("packs.revoke", "POST"): Action("revoked a share link", "link_id"),
    ("packs.delete", "POST"): Action("deleted a pack", "snapshot_id"),
    ("packs.population", "POST"): Action("changed the local population figures"),
    ("packs.about", "POST"): Action("changed what the pack says about the survey"),
    ("builder.poster", "GET"): Action("downloaded a survey's poster", "slug"),
    ("builder.paper", "GET"): Action("downloaded a survey's paper version", "slug"),
    # Only that it was started, and for which survey: never the response, which stays anonymous.
    ("builder.assisted_start", "POST"): Action("started entering a parent's answers for them", "slug"),
    ("builder.new", "POST"): Action("made a new survey"),
    ("builder.import_definition", "POST"): Action("made a survey from a survey file"),
    ("builder.export_definition", "GET"): Action("downloaded a survey file", "slug"),
    ("builder.add_question", "POST"): Action("added a question to a survey's draft", "slug"),
    ("builder.question", "POST"): Action("changed a question of a survey's draft", "slug"),
    ("builder.details", "POST"): Action("changed a survey draft's title and introduction", "slug"),
    ("builder.move", "POST"): Action("moved a question of a survey's draft", "slug"),
    ("builder.remove", "POST"): Action("removed a question from a survey's draft", "slug"),
    ("builder.publish", "POST"): Action("published a survey", "slug"),
    ("builder.dates", "POST"): Action("changed a survey's opening and closing dates", "slug"),
    ("builder.close", "POST"): Action("closed a survey", "slug"),
    ("builder.reopen", "POST"): Action("reopened a survey", "slug"),
    ("builder.translation_download", "GET"): Action("downloaded a survey's strings to translate", "slug"),
    ("builder.translation_upload", "POST"): Action("uploaded a translation into a survey's draft", "slug"),
    ("builder.translation_check", "POST"): Action("marked a survey's translation as checked", "slug"),
    ("builder.translation_remove", "POST"): Action("removed a translation from a survey's draft", "slug"),
    ("accounts.switch_forum", "POST"): Action("started working in this forum", "forum_id"),
    # The platform administrator's actions on a forum go in that forum's log.
    ("admin.suspend", "POST"): Action("suspended the forum", "forum_id"),
    ("admin.restore", "POST"): Action("restored the forum", "forum_id"),
}
# Written by the sign-in and two-factor services themselves (signin.py, two_factor.py), once for each
# forum the person belongs to, so each forum's leads see what happens to their staff's accounts.
ACCOUNT_EVENTS: dict[str, str] = {
    "accounts.login POST": "signed in",
    "accounts.login failed": "tried to sign in with a wrong password",
    "accounts.login throttled": "was refused sign-in after too many attempts",
    "accounts.login expired": "tried to sign in with an expired one-time password",
    "accounts.logout POST": "signed out",
    "accounts.sign_out_everywhere POST": "signed out on every device",
    "accounts.end_session POST": "ended one of their other sessions",
    "accounts.confirm failed": "gave a wrong password to end a session",
    "users sign-out": "was signed out everywhere from the command line",
    "accounts.login_code POST": "signed in with a two-factor code",
    "two_factor.on": "turned on two-factor sign-in",
    "two_factor.off": "turned off two-factor sign-in",
    "two_factor.new_codes": "made new recovery codes for two-factor sign-in",
    "two_factor.recovery_used": "used a recovery code",
    "two_factor.wrong_code": "entered a wrong two-factor sign-in code",
    "two_factor.too_many": "was stopped after too many two-factor sign-in codes",
    # Written by the team and link services (accounts/team.py, accounts/recovery.py) in the same
    # transaction as the change, with the member's or the link's id: some happen with nobody signed in.
    "team.invite": "invited someone to the team (link)",
    "team.join": "joined the team with an invitation (link)",
    "team.role": "changed a member's role (member)",
    "team.deactivate": "deactivated a member (member)",
    "team.reactivate": "reactivated a member (member)",
    "team.sign_out": "signed a member out everywhere (member)",
    "team.reset": "made a password reset link for a member (member)",
    "team.forgot": "asked for a password reset link by email (member)",
    "team.reset_done": "set a new password with a reset link (member)",
}
_BY_TEAM = "the team service records it with the member's or link's id (ACCOUNT_EVENTS)"
NOT_AUDITED: dict[tuple[str, str], str] = {
    ("accounts.logout", "POST"): "written by the sign-out service (ACCOUNT_EVENTS)",
    ("accounts.sign_out_everywhere", "POST"): "written by the sign-out service (ACCOUNT_EVENTS)",
    ("accounts.end_session", "POST"): "written by the sign-out service (ACCOUNT_EVENTS)",
    ("admin.new_forum", "POST"): "the forum itself records when it was made (forums.created_at)",
    ("admin.invite_lead", "POST"): _BY_TEAM,
    ("accounts.login_code", "POST"): "written by the two-factor services (ACCOUNT_EVENTS), wrong codes too",
    ("accounts.two_factor_setup", "POST"): "written by two_factor.confirm_setup (ACCOUNT_EVENTS)",
    ("accounts.two_factor_codes", "POST"): "written by two_factor.regenerate_recovery_codes (ACCOUNT_EVENTS)",
    ("accounts.two_factor_off", "POST"): "written by two_factor.disable (ACCOUNT_EVENTS)",
    ("coding.answer", "POST"): "every coding decision is kept with who and when (coding_decisions)",
    ("agreement.code", "POST"): "every blind coding is kept with who and when (blind_codings)",
    ("accounts.team_invite", "POST"): _BY_TEAM,
    ("accounts.team_member", "POST"): _BY_TEAM,
    ("accounts.team_deactivate", "POST"): _BY_TEAM,
    ("accounts.team_reactivate", "POST"): _BY_TEAM,
    ("accounts.team_reset", "POST"): _BY_TEAM,
    ("accounts.team_sign_out", "POST"): _BY_TEAM,
}


def _succeeded(response: WerkzeugResponse) -> bool:
    return response.status_code == 200 if request.method == "GET" else 300 <= response.status_code < 400


def _record(response: WerkzeugResponse) -> WerkzeugResponse:
    action = AUDITED.get((request.endpoint or "", request.method))
    if action is None or not _succeeded(response) or not current_user.is_authenticated:
        return response
    member = getattr(g, "membership", None)
    object_id = str((request.view_args or {}).get(action.key, "")) if action.key else ""
    with db.sessionmaker(current_app)() as session:
        forum_id = member.forum_id if member else None
        if action.key == "forum_id" and object_id.isdigit():  # the administrator acting on a forum
            forum_id = int(object_id)
        if forum_id is None:  # signing in: the guard has not chosen a forum yet
            found = membership(session, current_user.id, None)
            forum_id = found.forum_id if found else None
        if forum_id is not None:
            session.add(
                AuditEvent(
                    forum_id=forum_id,
                    user_id=current_user.id,
                    action=f"{request.endpoint} {request.method}",
                    object_id=object_id[:64],
                )
            )
            session.commit()
    return response


def register_audit(app: Flask) -> None:
    app.after_request(_record)
    app.after_request(log_denial)


@dataclass(frozen=True)
class EventRow:
    at: datetime
    who: str
    words: str
    object_id: str


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]
    page: int
    pages: int
    total: int


def record_account_event(session: Session, user_id: int | None, action: str) -> None:
    """Log ``action`` (a key of ``ACCOUNT_EVENTS``) once for each forum ``user_id`` belongs to, or once
    without a forum for nobody's account (``user_id`` None: an unknown email, which is not kept).
    Not committed."""
    forum_ids: list[int | None] = []
    if user_id is not None:
        forum_ids.extend(
            session.scalars(select(Membership.forum_id).where(Membership.user_id == user_id)).all()
        )
    for forum_id in forum_ids or [None]:
        session.add(AuditEvent(forum_id=forum_id, user_id=user_id, action=action))


def _words(action: str) -> str:
    if action.startswith(DENIED):
        return "was refused a page they may not use"
    endpoint, _, method = action.partition(" ")
    found = AUDITED.get((endpoint, method))
    return found.words if found else ACCOUNT_EVENTS.get(action, action)


def list_events(session: Session, forum_id: int, page: int = 1) -> EventPage:
    """The forum's audit log, newest first, ``PAGE_SIZE`` to a page."""
    total = (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.forum_id == forum_id))
        or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(AuditEvent.at, User.email, AuditEvent.action, AuditEvent.object_id)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.forum_id == forum_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    events = [
        EventRow(at, email or "a deleted account", _words(action), ident) for at, email, action, ident in rows
    ]
    return EventPage(events, page, pages, total)
