"""Page 1 of the pack in Easy Read: short sentences, one idea each, everyday words, "about 6 in 10".

Made from the same published figures as the summary (nothing is counted here): a percentage becomes
"about N in 10 families", rounded to the nearest whole number of tenths, and a figure that is not
published is left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from forum_app.packs.contents import Cell
from forum_app.packs.tables import fmt, lower_first

# The limits in words, for the services that have one (T3's rows, by service label).
LIMIT_WORDS = {
    "EHC needs assessment": "The law says it should take no more than 20 weeks from asking for an EHC needs "
    "assessment to getting the final plan.",
    "Autism assessment": "Health guidance says an autism assessment should start within 13 weeks of "
    "the referral.",
}


def in_ten(percent: float) -> str:
    """60.0 -> "About 6 in 10 families"; under 5% -> "Fewer than 1 in 10 families"."""
    tenths = round(percent / 10)
    if tenths == 0:
        return "Fewer than 1 in 10 families"
    if tenths == 10:
        return "Almost all families"
    return f"About {tenths} in 10 families"


def easy_read(
    forum: str,
    area: str,
    respondents: Cell,
    period: str,
    themes: Sequence[tuple[str, Cell]],
    waits: Sequence[tuple[str, Cell]],
    working: Sequence[str],
) -> tuple[str, ...]:
    """``themes``: (label, published % of families negative about it) of the headline findings;
    ``waits``: (service, published % of completed waits over the limit); ``working``: labels of the
    themes families wrote well of."""
    where = f" in {area}" if area else ""
    lines = [
        f"{forum} is a group of parents and carers of children with special educational needs and "
        f"disabilities (SEND){where}.",
        f"We asked families what help for their children is like. {fmt(respondents)} families told us, "
        f"from {period}.",
    ]
    told = [(label, pct) for label, pct in themes if isinstance(pct, float)]
    if told:
        lines.append("These are the things families were most unhappy about.")
        lines += [f"{in_ten(pct)} were unhappy about {lower_first(label)}." for label, pct in told]
    for service, pct in waits:
        if isinstance(pct, float) and service in LIMIT_WORDS:
            lines.append(LIMIT_WORDS[service])
            lines.append(f"{in_ten(pct)} who had one said it took longer than that.")
    if working:
        lines.append(
            "Some families told us what is going well: " + "; ".join(lower_first(w) for w in working) + "."
        )
    lines += [
        "Not every family answered. The families who answered may not be like every family.",
        "We took out names and other details, so nobody can be recognised.",
    ]
    return tuple(lines)
