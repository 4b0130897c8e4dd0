"""Who responded compared with the local SEND population (T7), and the figures a lead enters for it.

A forum lead enters, on the local population page, the area's own figures for each pre-set grouping of
``tables.GROUPINGS`` (age band, school or setting, EHC plan or SEN support): the percentage of
children and young people in each category, with the source and its date; the area's totals of
children and young people with an EHC plan and with SEN support; and, for each service of T3 with a
limit (``OFFICIAL_SERVICES``), the official percentage of waits over that limit, the comparator of T3
and C2. They are kept in the forum's ``settings`` under ``"population"``::

    {"characteristics": {"age_band": {"percents": {"0-4": 8.5, ...}, "source": "DfE SEN2 2025",
                                      "date": "January 2025"}, ...},
     "totals": {"ehcp": {"count": 3210, "source": "DfE SEN2", "date": "January 2025"}, ...},
     "official": {"ehcna": {"percent": 50.8, "source": "DfE SEN2 2025", "date": "calendar year 2024"}}}

Only figures that were given are kept: a blank is "not known". ``local_population`` reads them back
(ignoring anything broken), ``population_table`` builds T7 from published counts, and
``coverage_words`` gives the summary's line on how many of the area's families answered.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from forum_app.accounts.models import Forum
from forum_app.forum_settings import PackPopulation, read_section
from forum_app.packs.blocks import GROUPINGS, OTHER_GROUP, QuestionCells
from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Cell, Column, Table
from forum_app.packs.data import Gathered
from forum_app.packs.disclosure import round_half_up
from forum_app.packs.tables import (
    Publisher,
    fmt,
    lower_first,
    pct_cells,
    percent_columns,
    period_words,
    question_figures,
)
from forum_app.packs.waits import LIMITS

SETTINGS_KEY = PackPopulation.KEYS[0]
OTHER = "other"  # the category id of "Other or not known"
SUM_TOLERANCE = Decimal(1)  # a characteristic's percentages must add up to 100, give or take this
MAX_SOURCE_CHARS = 120
MAX_DATE_CHARS = 40
MAX_TOTAL = 10_000_000  # more than every child and young person with SEND in England
# The area totals: id -> (the words after "children and young people", for the form and the summary).
TOTALS: dict[str, str] = {"ehcp": "with an EHC plan", "sen_support": "with SEN support"}
# The services of T3 with a limit, for which an official figure may be entered: service key -> label.
OFFICIAL_SERVICES: dict[str, str] = {
    service: label for service, (label, weeks, _) in LIMITS.items() if weeks is not None
}
OVER = "over-represented"
UNDER = "under-represented"
NO_CLEAR_DIFFERENCE = "no clear difference"
TOO_FEW = "too few families to compare"
NOT_COMPARED = "Not compared: the local figures have no such category."
NOT_ENTERED = "The forum has not entered local figures for this."
NOT_KNOWN = "Local figure not known."


# ---------------------------------------------------------------------------------------------
# The categories


@dataclass(frozen=True)
class Category:
    id: str  # the first survey answer value with this label; OTHER for "Other or not known"
    label: str


@dataclass(frozen=True)
class Grouping:
    key: str  # the grouping question's key, as in GROUPINGS
    name: str  # "Age"
    categories: tuple[Category, ...]  # GROUPINGS' labels in order, then "Other or not known"

    @property
    def noun(self) -> str:
        """What the characteristic is, inside a sentence: "age", "school or setting", "EHC plan"."""
        return lower_first(self.name)


def groupings() -> tuple[Grouping, ...]:
    """The characteristics of T7 and of the form, one category per distinct label of GROUPINGS."""
    found = []
    for key, (name, labels) in GROUPINGS.items():
        firsts: dict[str, str] = {}
        for value, label in labels.items():
            firsts.setdefault(label, value)
        categories = [Category(value, label) for label, value in firsts.items()]
        found.append(Grouping(key, name, (*categories, Category(OTHER, OTHER_GROUP))))
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Reading the figures


class Sourced:
    """Figures with the source and date a lead gave them."""

    source: str
    as_of: str

    @property
    def source_words(self) -> str:
        """ "DfE SEN2 2025, January 2025" (or whichever of the two is known)."""
        return ", ".join(part for part in (self.source, self.as_of) if part)


@dataclass(frozen=True)
class LocalFigures(Sourced):
    """One characteristic's local figures: percentages by category id (only those known)."""

    percents: Mapping[str, float]
    source: str = ""
    as_of: str = ""


@dataclass(frozen=True)
class AreaTotal(Sourced):
    count: int
    source: str = ""
    as_of: str = ""


@dataclass(frozen=True)
class OfficialFigure(Sourced):
    """An official waiting-time figure for one service: the percentage of waits over its limit."""

    percent: float
    source: str = ""
    as_of: str = ""


@dataclass(frozen=True)
class LocalPopulation:
    figures: Mapping[str, LocalFigures] = field(default_factory=dict)  # grouping key -> its figures
    totals: Mapping[str, AreaTotal] = field(default_factory=dict)  # "ehcp" / "sen_support" -> total
    official: Mapping[str, OfficialFigure] = field(default_factory=dict)  # T3's service key -> figure


_CONTROL = {"Cc", "Cs", "Co", "Cn"}


def clean_text(text: object) -> str:
    """A line of text with spaces tidied and control characters left out."""
    if not isinstance(text, str):
        return ""
    kept = "".join(" " if unicodedata.category(c) in _CONTROL else c for c in text)
    return " ".join(kept.split())


def short_text(value: object, limit: int) -> str:
    return clean_text(value)[:limit] if isinstance(value, str) else ""


def local_population(forum: Forum) -> LocalPopulation | None:
    """The forum's local figures, or None when it has entered none. Anything broken is left out."""
    return population_of(read_section(forum, PackPopulation))


def population_of(stored: PackPopulation) -> LocalPopulation | None:
    """The figures kept of those stored: a percentage from 0 to 100 of a category of a grouping, a total
    from 0 to ``MAX_TOTAL``, an official percentage from 0 to 100 with its source and date (the form
    asks for both) for a service with a limit. Anything else is left out; None when nothing is left."""
    figures: dict[str, LocalFigures] = {}
    for grouping in groupings():
        entry = stored.characteristics.get(grouping.key)
        if entry is None:
            continue
        percents = {
            category.id: round_half_up(entry.percents[category.id])
            for category in grouping.categories
            if 0 <= entry.percents.get(category.id, -1) <= 100
        }
        if percents:
            figures[grouping.key] = LocalFigures(percents, *_source_and_date(entry.source, entry.date))
    totals: dict[str, AreaTotal] = {}
    for total_id in TOTALS:
        total = stored.totals.get(total_id)
        if total is not None and isinstance(total.value, int) and 0 <= total.value <= MAX_TOTAL:
            totals[total_id] = AreaTotal(total.value, *_source_and_date(total.source, total.date))
    official: dict[str, OfficialFigure] = {}
    for service in OFFICIAL_SERVICES:
        figure = stored.official.get(service)
        if figure is None or figure.value is None:
            continue
        source, as_of = _source_and_date(figure.source, figure.date)
        if 0 <= figure.value <= 100 and source and as_of:
            official[service] = OfficialFigure(round_half_up(float(figure.value)), source, as_of)
    if not figures and not totals and not official:
        return None
    return LocalPopulation(figures, totals, official)


def _source_and_date(source: str, as_of: str) -> tuple[str, str]:
    return short_text(source, MAX_SOURCE_CHARS), short_text(as_of, MAX_DATE_CHARS)


# ---------------------------------------------------------------------------------------------
# T7


def _against(
    local: LocalFigures | None, category_id: str, shown: dict[str, Cell]
) -> tuple[Cell, Cell, Cell, str]:
    """The local percentage, its source, the ratio and the note for one category's row of T7."""
    if local is None:
        return NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, NOT_ENTERED
    known = local.percents.get(category_id)
    ratio, note = _compare(shown["percent"], shown["low"], shown["high"], known)
    return (
        float(known) if known is not None else NOT_AVAILABLE,
        local.source_words or NOT_AVAILABLE,
        ratio,
        note,
    )


def _compare(percent: Cell, low: Cell, high: Cell, local: float | None) -> tuple[Cell, str]:
    """The ratio of the respondents' percentage to the local one, and the note."""
    if not isinstance(percent, float):
        return (SUPPRESSED if percent == SUPPRESSED else NOT_AVAILABLE), TOO_FEW
    if local is None:
        return NOT_AVAILABLE, NOT_KNOWN
    ratio: Cell = round_half_up(percent / local) if local > 0 else NOT_APPLICABLE
    assert isinstance(low, float) and isinstance(high, float)
    if local < low:
        return ratio, OVER
    if local > high:
        return ratio, UNDER
    return ratio, NO_CLEAR_DIFFERENCE


def population_table(
    publisher: Publisher,
    now: Gathered,
    population: LocalPopulation | None,
    questions: Mapping[str, QuestionCells] | None = None,
) -> Table:
    """T7: the families who answered, by each pre-set grouping, against the local population.

    Counts are T4's answers to the same question merged into categories, protected together with them
    (``blocks.protect_groupings``), so neither table gives away a count the other hides. Percentages
    are of the families in a known category, as the local figures are; "Other or not known" is
    counted but not compared. A family is over- or under-represented only when the local percentage
    lies outside the 95% interval of the families' percentage.
    """
    figures = population.figures if population else {}
    questions = questions or question_figures(publisher, now, {})
    rows: list[dict[str, Cell]] = []
    for grouping in groupings():
        cells = questions[grouping.key]
        base = cells.known
        local = figures.get(grouping.key)
        for category in grouping.categories:
            shown: dict[str, Cell]
            if category.id == OTHER:  # counted, never compared: the local figures leave it out
                count = cells.other
                shown = {"percent": NOT_APPLICABLE, "low": NOT_APPLICABLE, "high": NOT_APPLICABLE, "flag": ""}
                local_percent: Cell = NOT_APPLICABLE
                source: Cell = NOT_APPLICABLE
                ratio: Cell = NOT_APPLICABLE
                note = NOT_COMPARED
            else:
                count = cells.categories[category.label]
                shown = pct_cells(publisher, count, base)
                local_percent, source, ratio, note = _against(local, category.id, shown)
            rows.append(
                {
                    "characteristic": grouping.name,
                    "category": category.label,
                    "base": base,
                    "respondents": count,
                    **shown,
                    "population_percent": local_percent,
                    "source": source,
                    "ratio": ratio,
                    "note": note,
                }
            )
    return Table(
        "T7",
        "Who responded compared with the local SEND population",
        f"Families who answered, by each pre-set group, against the local population of children and "
        f"young people with SEND as the forum entered it, {period_words(now)}. Percentages are of the "
        "families in a known category, as the local figures are",
        (
            Column("characteristic", "Characteristic"),
            Column("category", "Category"),
            Column("base", "Families in a known category", "count"),
            Column("respondents", "Families in the category", "count"),
            *percent_columns("% of families"),
            Column("population_percent", "Local population %", "percent"),
            Column("source", "Source and date"),
            Column("ratio", "Ratio (families % ÷ population %)", "number"),
            Column("note", "Note"),
        ),
        tuple(rows),
        _notes(population),
    )


def _notes(population: LocalPopulation | None) -> tuple[str, ...]:
    notes = [
        f"'{OTHER_GROUP}' holds the other answers (such as alternative provision, home education, waiting "
        "for a plan, or 'I do not know') and families who did not answer the question. It is counted but "
        "left out of the percentages, as the local figures leave it out.",
        "The ratio is the families' percentage divided by the local one: 1.0 is the same share. A group is "
        "called over- or under-represented only when the local percentage lies outside the 95% interval "
        "of the families' percentage.",
        "The local figures come from the sources shown, entered by the forum; their age bands and types "
        "of setting may not match the survey's exactly.",
    ]
    missing = [f"'{g.name}'" for g in groupings() if population is None or g.key not in population.figures]
    if missing:
        notes.append(
            f"The forum has not entered local population figures for {_and(missing)}: the local "
            f"population is shown as {NOT_AVAILABLE}."
        )
    totals = population.totals if population else {}
    known = [
        f"{words}: {fmt(totals[total_id].count)}"
        + (f" ({totals[total_id].source_words})" if totals[total_id].source_words else "")
        for total_id, words in TOTALS.items()
        if total_id in totals
    ]
    if known:
        notes.append(f"Children and young people in the area {'; '.join(known)}.")
    return tuple(notes)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _share(count: int, total: int) -> str:
    share = 100 * count / total
    if count == 0:
        return "none"
    if share < 0.1:
        return "less than 0.1%"
    if share < 1:
        return f"about {round_half_up(share):.1f}%"
    return f"about {round_half_up(share, 0):.0f}%"


def coverage_words(
    publisher: Publisher,
    now: Gathered,
    population: LocalPopulation | None,
    questions: Mapping[str, QuestionCells] | None = None,
) -> str | None:
    """The summary's words on coverage, e.g. "200 of them with an EHC plan, about 6% of the area's 3,210
    (DfE SEN2, January 2025)", from the published (rounded) count of families with an EHC plan (and
    likewise for SEN support when that total is known too).

    None when the area's totals are not known, or when the count is suppressed or larger than the total
    (a share would then say more than it should, or nonsense).
    """
    if population is None:
        return None
    published = (questions or question_figures(publisher, now, {}))["ehcp"].options
    parts = []
    for total_id, words in TOTALS.items():
        total = population.totals.get(total_id)
        count = published.get("yes" if total_id == "ehcp" else total_id)
        if total is None or total.count == 0 or not isinstance(count, int) or count > total.count:
            continue
        source = f" ({total.source_words})" if total.source_words else ""
        parts.append(
            f"{count:,} of them {words}, {_share(count, total.count)} of the area's {total.count:,}{source}"
        )
    return " and ".join(parts) or None
