"""The local partnership's right of reply: when it received the pack, and its response, unedited.

A forum may send a pack to the partnership first, then make it again with the day the partnership
received it and the partnership's response, which the pack prints as it was sent.
"""

from __future__ import annotations

from datetime import date

from forum_app.templating import format_date

MAX_RESPONSE_CHARACTERS = 20_000


def reply_problem(seen: date | None, response: str, today: date) -> tuple[str, str] | None:
    """What is wrong with a right of reply, as (field, message), or None when it can be used."""
    if response.strip() and seen is None:
        return (
            "partnership_seen_on",
            "Enter the day the partnership received the pack, as well as its response",
        )
    if seen is not None and seen > today:
        return "partnership_seen_on", "The day the partnership received the pack cannot be in the future"
    if len(response.strip()) > MAX_RESPONSE_CHARACTERS:
        return (
            "partnership_response",
            f"The partnership's response must be {MAX_RESPONSE_CHARACTERS:,} characters or fewer",
        )
    return None


def independence(forum: str, seen: date | None) -> str:
    """The cover's statement: "Produced independently by X; the local area partnership saw it on 2 March
    2026."."""
    if seen is None:
        return f"Produced independently by {forum}."
    return f"Produced independently by {forum}; the local area partnership saw it on {format_date(seen)}."
