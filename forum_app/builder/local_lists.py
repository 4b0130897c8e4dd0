"""The forum's local services and localities (``forum_settings.LocalLists``): the lead's form for
them, and the options a question takes from one of them.

A question copies the list's names into its own options when the lead chooses the list, so a
published version never changes when the list does later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forum_app.accounts.models import Forum
from forum_app.forum_settings import MAX_ITEM_CHARS, MAX_LIST_ITEMS, Errors, LocalLists, read_section

CHANGED_MEANWHILE = (
    "Another lead saved these lists while you were changing them, so your changes were not saved. "
    "Open this page again in a new tab to see theirs; saving this form again replaces them with yours."
)
FIELDS = ("local_services", "localities")
NAMES = {"local_services": "local services", "localities": "localities"}
KINDS_WITH_LISTS = ("radio", "checkboxes")  # a rating's options are a scale, not places or services
LIMITS = {"items": MAX_LIST_ITEMS, "characters": MAX_ITEM_CHARS}


def form_values(lists: LocalLists) -> dict[str, str]:
    return {"local_services": "\n".join(lists.services), "localities": "\n".join(lists.localities)}


def _lines(typed: str) -> list[str]:
    """The names typed one a line, blank lines dropped and repeats (in any case) kept once."""
    seen: dict[str, str] = {}
    for line in typed.splitlines():
        name = " ".join(line.split())
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def check_lists(typed: Mapping[str, str], stored: LocalLists) -> tuple[LocalLists, Errors]:
    """The lists as typed, or the messages that say what to change."""
    errors: Errors = {}
    found: dict[str, tuple[str, ...]] = {}
    for name in FIELDS:
        lines = _lines(typed.get(name, ""))
        long = [line for line in lines if len(line) > MAX_ITEM_CHARS]
        if len(lines) > MAX_LIST_ITEMS:
            errors[name] = [f"Give at most {MAX_LIST_ITEMS} {NAMES[name]}: there are {len(lines)}."]
        elif long:
            errors[name] = [f"“{long[0][:40]}…” is too long: keep each name to {MAX_ITEM_CHARS} characters."]
        found[name] = tuple(lines)
    if errors:
        return stored, errors
    return LocalLists(found["local_services"], found["localities"]), {}


def as_options(names: tuple[str, ...]) -> list[dict[str, Any]]:
    """A list's names as a question's options: each name is its own value, so answers read plainly in
    exports and combine across versions by name."""
    return [{"value": name, "label": name} for name in names]


def _names(forum: Forum, name: str) -> tuple[str, ...]:
    lists = read_section(forum, LocalLists)
    return {"local_services": lists.services, "localities": lists.localities}.get(name, ())


def offered(forum: Forum, question: Mapping[str, Any]) -> dict[str, int]:
    """The forum's lists a question of this kind can take its options from, with how many names each
    holds (a list with none is not offered)."""
    if question.get("type") not in KINDS_WITH_LISTS:
        return {}
    counts = {name: len(_names(forum, name)) for name in FIELDS}
    return {name: count for name, count in counts.items() if count}


def fill_options(forum: Forum, question: Mapping[str, Any], name: str) -> str | None:
    """The question's options box filled with one of the forum's lists, one name a line, or None when
    the list is unknown, empty or not for this kind of question."""
    if name not in offered(forum, question):
        return None
    return "\n".join(_names(forum, name))
