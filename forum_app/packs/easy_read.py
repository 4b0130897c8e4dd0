"""The pack's summary in Easy Read: short sentences, one idea each, everyday words, "about 6 in 10", and a
picture beside each point (the pictograms in ``static/pictograms/``).

Made from the same published figures as the summary (nothing is counted here): a percentage becomes
"about N in 10 families", rounded to the nearest whole number of tenths, and a figure that is not
published is left out rather than guessed. The shipped codebook's themes are said in everyday words
(``THEME_WORDS``); a theme a forum added itself keeps its own label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forum_app.packs.contents import Cell
from forum_app.packs.tables import fmt, lower_first


@dataclass(frozen=True)
class Point:
    """One point of the Easy Read page: a pictogram's name and one short sentence."""

    picture: str
    text: str


# The shipped codebook's themes in everyday words, each with its picture, by theme id. The words say the
# topic, not a view of it, as families write both well and badly of a theme.
THEME_WORDS: dict[str, tuple[str, str]] = {
    "waiting_times": ("waiting times for health help", "clock"),
    "provision_gaps": ("getting the help their child needs", "heart"),
    "ehcp_quality": ("their child's plan", "plan"),
    "communication_coproduction": ("how staff talk and listen", "talk"),
    "identification_of_needs": ("finding out what their child needs", "question"),
    "transitions_pfa": ("moving to college or adult life", "school"),
    "joint_working": ("how staff work as a team", "group"),
    "mental_health": ("mental health help", "heart"),
    "exclusions_school_places": ("getting and keeping a school place", "school"),
    "ehcna_timeliness": ("how long a plan takes", "calendar"),
    "annual_reviews": ("the yearly check of plans", "plan"),
    "tribunals_appeals": ("how complaints are dealt with", "speech"),
    "social_care_short_breaks": ("care and short breaks", "house"),
    "family_impact": ("help for parents and carers", "family"),
    "leadership_commissioning": ("how leaders plan help", "chart"),
    "outcomes_inclusion": ("children joining in where they live", "group"),
}
OWN_THEME_PICTURE = "speech"  # a theme a forum added: no words of ours, so a general picture

# The limits in words, for the services that have one (T3's rows, by service label).
LIMIT_WORDS: dict[str, tuple[Point, ...]] = {
    "EHC needs assessment": (
        Point("plan", "A plan from the council for school, health and care is called an EHC plan."),
        Point("calendar", "The law says getting one should take 20 weeks or less."),
    ),
    "Autism assessment": (Point("clock", "A check for autism should start in 13 weeks or less."),),
}


def in_ten(percent: float) -> str:
    """60.0 -> "About 6 in 10 families"; under 5% -> "Fewer than 1 in 10 families"."""
    tenths = round(percent / 10)
    if tenths == 0:
        return "Fewer than 1 in 10 families"
    if tenths == 10:
        return "Almost all families"
    return f"About {tenths} in 10 families"


def theme_words(theme_id: str, label: str) -> tuple[str, str]:
    """A theme in everyday words and its picture: ours for a shipped theme, the forum's label otherwise."""
    return THEME_WORDS.get(theme_id, (lower_first(label), OWN_THEME_PICTURE))


def easy_read(
    forum: str,
    area: str,
    respondents: Cell,
    period: str,
    themes: Sequence[tuple[str, str, Cell]],
    waits: Sequence[tuple[str, Cell]],
    working: Sequence[tuple[str, str]],
) -> tuple[Point, ...]:
    """``themes``: (theme id, label, published % of families negative about it) of the headline
    findings; ``waits``: (service, published % of completed waits over the limit); ``working``: (theme
    id, label) of the themes families wrote well of."""
    where = f" in {area}" if area else ""
    points = [
        Point("group", f"We are {forum}."),
        Point("family", f"We are parents and carers{where}."),
        Point("child", "Our children have special needs or a disability."),
        Point("question", "We asked families about the help their children get."),
        Point("pencil", f"{fmt(respondents)} families answered."),
        Point("calendar", f"They answered from {period}."),
    ]
    told = [(theme_id, label, pct) for theme_id, label, pct in themes if isinstance(pct, float)]
    if told:
        points.append(Point("thumbs-down", "These are the things families were least happy with."))
        for theme_id, label, percent in told:
            words, picture = theme_words(theme_id, label)
            points.append(Point(picture, f"{in_ten(percent)} were not happy with {words}."))
    for service, over in waits:
        if isinstance(over, float) and service in LIMIT_WORDS:
            points += LIMIT_WORDS[service]
            points.append(Point("clock", f"{in_ten(over)} who had one waited longer than that."))
    for theme_id, label in working:
        words, _ = theme_words(theme_id, label)
        points.append(Point("thumbs-up", f"Some families said good things about {words}."))
    points += [
        Point("group", "Not every family answered."),
        Point("question", "Other families may think something else."),
        Point("lock", "We took out names, so nobody can tell who said what."),
    ]
    return tuple(points)
