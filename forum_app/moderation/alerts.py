"""Safeguarding alerts: when the automatic check flags an answer, the forum's safeguarding contacts
(``moderation_settings(forum).safeguarding_contacts``) get an email at once, if mail is configured.

The email gives the reasons and a link to the answer in the moderation queue, never the answer's
words: the link is absolute only when ``PUBLIC_BASE_URL`` is set (never built from a request's Host
header), and otherwise just the path. It is sent after the check has committed, and a failure to send
changes nothing that was saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from forum_app.accounts.models import Forum
from forum_app.mail import MailSettings, send
from forum_app.moderation.settings import moderation_settings

SUBJECT = "Safeguarding: an answer to your forum’s survey needs checking"
SUBJECT_SEVERAL = "Safeguarding: answers to your forum’s survey need checking"


@dataclass(frozen=True)
class Flagged:
    public_id: str  # the answer, as its address names it
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Alerts:
    """How to alert: the mail settings (None: mail is off), the public base URL ("" if none) and
    the queue path of an answer."""

    mail: MailSettings | None
    base_url: str
    path_of: Callable[[str], str]
    imported: bool = False  # the answers come from an import of past responses, not a family just now

    def link(self, public_id: str) -> str:
        return f"{self.base_url}{self.path_of(public_id)}"


def alert_text(forum_name: str, flagged: Sequence[Flagged], alerts: Alerts) -> str:
    """The email's body: the reasons and links, never the answers' words."""
    arrived = "imported from past responses to" if alerts.imported else "just sent to"
    if len(flagged) > 1:
        opening = f"{len(flagged)} answers {arrived} {forum_name}’s survey suggest"
        page, absent = "each answer’s page", "the answers: sign in to read them. The families are"
    else:
        opening = f"An answer {arrived} {forum_name}’s survey suggests"
        page, absent = "the answer’s page", "the answer: sign in to read it. The family is"
    lines = [f"{opening} that someone may be at risk of harm.", ""]
    if alerts.imported:
        lines += ["It was written some time ago, when the forum ran the survey with another tool.", ""]
    for found in flagged:
        lines += [
            f"Why it was flagged: {'; '.join(found.reasons)}.",
            f"Read it in the moderation queue: {alerts.link(found.public_id)}",
            "",
        ]
    lines += [
        f"Follow your forum’s safeguarding procedure, and record what was done on {page}.",
        f"This email does not contain {absent} anonymous.",
        "",
        "You get this email because a lead listed you as a safeguarding contact in the forum’s "
        "moderation settings.",
    ]
    return "\n".join(lines)


def send_alert(forum: Forum, flagged: Sequence[Flagged], alerts: Alerts) -> bool:
    """Email the forum's safeguarding contacts about these flagged answers. True if sent."""
    contacts = moderation_settings(forum).safeguarding_contacts
    if alerts.mail is None or not contacts or not flagged:
        return False
    subject = SUBJECT_SEVERAL if len(flagged) > 1 else SUBJECT
    return send(alerts.mail, contacts, subject, alert_text(forum.name, flagged, alerts))
