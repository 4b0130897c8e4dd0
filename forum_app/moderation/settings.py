"""A forum's moderation settings (``forum_settings.ModerationSettings``) and the lead's form for them.

Keys of ``Forum.settings`` (all optional, read with safe defaults):

- ``safeguarding_procedure``: what a moderator must do with a flagged answer, shown above it.
- ``deny_list``: names of schools and settings to redact wherever they appear (tagged ``[school]``).
- ``deny_names``: names of people (local professionals, staff) to redact (tagged ``[name]``).
- ``original_days``: days an unmoderated answer's original text is kept (1 to 30, default 30).
- ``safeguarding_contacts``: email addresses alerted when a flagged answer arrives (a link and the
  reason, never the text), when the server can send email.
- ``flag_target_days``: working days within which a flagged answer must have an action recorded
  (1 to 10, default 2); older flags are overdue.

A lead changes them on the settings page: ``form_values`` gives the form its values,
``check_settings`` checks what was typed, and ``save_settings`` (for code without the page) checks
and saves it, keeping the forum's other settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.forum_settings import (
    DEFAULT_PROCEDURE as DEFAULT_PROCEDURE,
)
from forum_app.forum_settings import (
    MAX_CONTACTS,
    MAX_DENY_TERMS,
    MAX_FLAG_TARGET_DAYS,
    MAX_ORIGINAL_DAYS,
    MAX_PROCEDURE_CHARS,
    MAX_TERM_CHARS,
    Errors,
    ModerationSettings,
    read_section,
    save_section,
    section_version,
)

MIN_TERM_CHARACTERS = 2  # letters or digits: a lone "a" or "." would be redacted all over every answer
MAX_EMAIL_CHARS = 254
# An email address as people type one: no spaces, one @, a domain with a dot. Every repeat is bounded
# and ends at a character it cannot match ("@" or "."), so it runs in linear time.
EMAIL = re.compile(r"[^@\s]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,63}")


def moderation_settings(forum: Forum) -> ModerationSettings:
    """The forum's settings; anything missing or broken falls back to the default."""
    return read_section(forum, ModerationSettings)


# ---------------------------------------------------------------------------------------------
# Changing them (the lead's settings page)

CHANGED_MEANWHILE = (
    "Another lead saved these settings while you were changing them, so your changes were not saved. "
    "Open this page again in a new tab to see theirs; saving this form again replaces them with yours."
)
# What each list holds, in its messages: (one, many).
SCHOOLS = ("school or setting name", "school and setting names")
PEOPLE = ("person’s name", "people’s names")


# The form's fields, in its order (also the order of its messages).
FIELDS = (
    "procedure",
    "safeguarding_contacts",
    "flag_target_days",
    "deny_list",
    "deny_names",
    "original_days",
)
# The limits the form's hints give, by the names its template reads them by.
LIMITS = {
    "procedure": MAX_PROCEDURE_CHARS,
    "terms": MAX_DENY_TERMS,
    "term": MAX_TERM_CHARS,
    "days": MAX_ORIGINAL_DAYS,
    "contacts": MAX_CONTACTS,
    "target_days": MAX_FLAG_TARGET_DAYS,
}


def settings_version(forum: Forum) -> str:
    """A short fingerprint of the stored moderation settings (not the forum's other settings)."""
    return section_version(forum, ModerationSettings)


def form_values(found: ModerationSettings) -> dict[str, str]:
    """The settings as the form shows them: the lists one name a line, days as typed."""
    return {
        "procedure": found.procedure,
        "safeguarding_contacts": "\n".join(found.safeguarding_contacts),
        "flag_target_days": str(found.flag_target_days),
        "deny_list": "\n".join(found.deny_list),
        "deny_names": "\n".join(found.deny_names),
        "original_days": str(found.original_days),
    }


def _lines(text: str) -> str:
    """Line ends as one newline: a browser sends a text box's lines with CR LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_procedure(text: str) -> tuple[str, list[str]]:
    procedure = _lines(text).strip()
    if not procedure:
        return "", ["Enter what a moderator must do when an answer suggests a risk of harm"]
    if len(procedure) > MAX_PROCEDURE_CHARS:
        return "", [
            f"The safeguarding procedure must be {MAX_PROCEDURE_CHARS:,} characters or fewer. "
            f"It has {len(procedure):,}."
        ]
    return procedure, []


def terms_from_text(text: str, words: tuple[str, str] = SCHOOLS) -> tuple[list[str], list[str]]:
    """The names typed one a line: blank lines ignored, spaces tidied, repeats (in capitals or not)
    dropped. Returns (names, messages): a message for each rule broken, saying which lines break it;
    ``words`` is what the list holds, for the messages."""
    one, many = words
    terms: dict[str, str] = {}
    too_long: list[int] = []
    too_short: list[int] = []
    for number, line in enumerate(_lines(text).split("\n"), start=1):
        term = " ".join(line.split())
        if not term:
            continue
        if len(term) > MAX_TERM_CHARS:
            too_long.append(number)
        elif sum(character.isalnum() for character in term) < MIN_TERM_CHARACTERS:
            too_short.append(number)
        else:
            terms.setdefault(term.casefold(), term)
    errors = []
    if too_long:
        errors.append(f"Each {one} must be {MAX_TERM_CHARS} characters or fewer. {_where(too_long)} longer.")
    if too_short:
        at_least = f"at least {MIN_TERM_CHARACTERS} letters or numbers"
        errors.append(f"Each {one} must have {at_least}. {_where(too_short)} not.")
    if len(terms) > MAX_DENY_TERMS:
        errors.append(f"Enter {MAX_DENY_TERMS} {many} or fewer. There are {len(terms):,}.")
    return list(terms.values()), errors


def _where(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Line {numbers[0]:,} is"
    more = f" and {len(numbers) - 1:,} more are" if len(numbers) > 2 else f" and {numbers[1]:,} are"
    return f"Line {numbers[0]:,}{more}"


def check_original_days(text: str) -> tuple[int, list[str]]:
    days = text.strip()
    if not days:
        return 0, [f"Enter how many days to keep the original words, from 1 to {MAX_ORIGINAL_DAYS}"]
    if not days.isascii() or not days.isdigit():
        return 0, [f"Enter the days as a whole number, from 1 to {MAX_ORIGINAL_DAYS}, like 14"]
    if len(days) > 6 or not 1 <= int(days) <= MAX_ORIGINAL_DAYS:
        return 0, [f"The number of days must be between 1 and {MAX_ORIGINAL_DAYS}"]
    return int(days), []


def contacts_from_text(text: str) -> tuple[list[str], list[str]]:
    """The email addresses typed one a line: blank lines ignored, spaces trimmed, repeats (in capitals
    or not) dropped. Returns (addresses, messages), each message saying which lines break a rule."""
    contacts: dict[str, str] = {}
    wrong: list[int] = []
    for number, line in enumerate(_lines(text).split("\n"), start=1):
        address = line.strip()
        if not address:
            continue
        if len(address) > MAX_EMAIL_CHARS or not EMAIL.fullmatch(address):
            wrong.append(number)
        else:
            contacts.setdefault(address.casefold(), address)
    errors = []
    if wrong:
        errors.append(
            "Enter each email address in the correct format, like name@example.com, one a line. "
            f"{_where(wrong)} not."
        )
    if len(contacts) > MAX_CONTACTS:
        errors.append(f"Enter {MAX_CONTACTS} email addresses or fewer. There are {len(contacts):,}.")
    return list(contacts.values()), errors


def check_flag_target_days(text: str) -> tuple[int, list[str]]:
    days = text.strip()
    highest = MAX_FLAG_TARGET_DAYS
    if not days:
        return 0, [f"Enter how many working days a flagged answer may wait, from 1 to {highest}"]
    if not days.isascii() or not days.isdigit():
        return 0, [f"Enter the working days as a whole number, from 1 to {highest}, like 2"]
    if len(days) > 6 or not 1 <= int(days) <= highest:
        return 0, [f"The number of working days must be between 1 and {highest}"]
    return int(days), []


def check_settings(
    typed: Mapping[str, str], current: ModerationSettings
) -> tuple[ModerationSettings, Errors]:
    """Check the form as typed (by field name): the settings to save, and the messages by field in the
    order of the form (the settings are only to be saved when there are none). A field left out of
    ``typed`` keeps its value in ``current``."""
    procedure, procedure_errors = check_procedure(typed.get("procedure", ""))
    deny_list, deny_list_errors = terms_from_text(typed.get("deny_list", ""), SCHOOLS)
    deny_names, deny_names_errors = terms_from_text(typed.get("deny_names", ""), PEOPLE)
    days, days_errors = check_original_days(typed.get("original_days", ""))
    contacts_text, target_text = typed.get("safeguarding_contacts"), typed.get("flag_target_days")
    contacts, contacts_errors = (
        contacts_from_text(contacts_text)
        if contacts_text is not None
        else (list(current.safeguarding_contacts), [])
    )
    target, target_errors = (
        check_flag_target_days(target_text) if target_text is not None else (current.flag_target_days, [])
    )
    found = {  # in the order of the form
        "procedure": procedure_errors,
        "safeguarding_contacts": contacts_errors,
        "flag_target_days": target_errors,
        "deny_list": deny_list_errors,
        "deny_names": deny_names_errors,
        "original_days": days_errors,
    }
    changed = ModerationSettings(
        procedure=procedure,
        deny_list=tuple(deny_list),
        deny_names=tuple(deny_names),
        original_days=days,
        safeguarding_contacts=tuple(contacts),
        flag_target_days=target,
    )
    return changed, {field: messages for field, messages in found.items() if messages}


def save_settings(
    session: Session,
    forum: Forum,
    procedure: str,
    deny_list_text: str,
    deny_names_text: str,
    original_days_text: str,
    version: str | None = None,
    contacts_text: str | None = None,
    flag_target_days_text: str | None = None,
) -> Errors:
    """Check the settings page's form and save it into ``forum.settings``, keeping its other keys.

    ``contacts_text`` (one email address a line) and ``flag_target_days_text``, when given, are
    checked and saved too; when None the stored values stay.

    Returns the messages by field (nothing saved), or ``{}`` once saved and committed. ``version``
    is the ``settings_version`` the form was shown with: if another lead has saved since, nothing is
    saved and the message is under ``"form"`` (without a version, nothing is compared).
    """
    typed = {
        "procedure": procedure,
        "deny_list": deny_list_text,
        "deny_names": deny_names_text,
        "original_days": original_days_text,
    }
    if contacts_text is not None:
        typed["safeguarding_contacts"] = contacts_text
    if flag_target_days_text is not None:
        typed["flag_target_days"] = flag_target_days_text
    changed, errors = check_settings(typed, moderation_settings(forum))
    if errors:
        return errors
    if not save_section(session, forum, changed, version):
        return {"form": [CHANGED_MEANWHILE]}
    return {}
