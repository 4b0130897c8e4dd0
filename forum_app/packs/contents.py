"""What an evidence pack holds, once every figure has passed disclosure control.

The builder (``build.py``) makes one ``Pack`` from the database; every renderer (HTML, PDF, XLSX,
CSV, JSON) draws only on it, so all formats say the same thing. Nothing in a ``Pack`` is an
unprotected count: counts are already rounded or replaced with a symbol, percentages and intervals
are computed from the published counts.

Cell values are ``int`` (a published count), ``float`` (a percentage or number, already rounded for
display), ``str`` (text, or a symbol: ``[c]`` suppressed, ``[x]`` not available, ``[z]`` not
applicable) or ``None`` (empty). ``SYMBOLS`` explains them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Cell = int | float | str | None

SUPPRESSED = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW_BASE = "[u]"
SYMBOLS: dict[str, str] = {
    SUPPRESSED: "Confidential: a count of 1 to 7, or a figure that would reveal one, is not shown.",
    NOT_AVAILABLE: "Not available: not collected, not double-coded, or a base under 20 (count only).",
    NOT_APPLICABLE: "Not applicable.",
    LOW_BASE: "Low reliability: based on 20 to 49 families; treat with caution.",
}
CI_WORDING = (
    "The interval shows how much this figure could vary by chance among families like those who "
    "answered. It does not correct for which families chose to answer."
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | percent | number


@dataclass(frozen=True)
class Table:
    id: str  # "T1", stable and citable
    title: str
    subtitle: str  # measure, base, area, period
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Cell], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """One answer of a diverging bar: its published percentage and its place on the scale
    (0 the neutral middle, below 0 negative, above 0 positive; further from 0, stronger)."""

    label: str
    percent: float
    level: int


@dataclass(frozen=True)
class Bar:
    """One bar (or dot) of a chart: a published percentage with its 95% interval and base."""

    label: str
    percent: float | None  # None when suppressed
    low: float | None = None
    high: float | None = None
    count: Cell = None  # the published count shown as the bar's n label
    marker: float | None = None  # an official comparator, where there is one
    segments: tuple[Segment, ...] = ()  # a diverging bar's answers, most negative first
    previous: float | None = None  # the previous period's percentage, with its interval
    previous_low: float | None = None
    previous_high: float | None = None
    flag: str = ""  # "[u]" when the percentage is of 20 to 49 families (shown beside the n label)


@dataclass(frozen=True)
class Chart:
    id: str  # "C1"
    title: str  # the message, in at most 10 words
    subtitle: str
    alt: str  # one or two sentences
    table_id: str  # the table beside it
    # "bars" (horizontal, with intervals) | "dots" (dot plot with intervals) | "diverging" (stacked
    # answers to a scale, neutral centred on 0) | "paired" (previous and current period, with intervals)
    kind: str
    bars: tuple[Bar, ...]
    source: str = ""


@dataclass(frozen=True)
class Quote:
    id: str  # "Q-001"
    theme_id: str
    theme_label: str
    framework_area: str
    sentiment: str
    text: str  # redacted and approved
    words: int
    of_comments: str  # "1 of 35 comments on this theme" (the count published)
    descriptor: str = ""
    minority: bool = False  # "one family's view"
    # For the Q register (consent is always "Y": no quote is shown without it).
    redactions: int = 0  # redactions shown in the text, e.g. [school]
    approved_by_role: str = ""  # the role that approved it in moderation ("lead"), never a name
    approved_on: str = ""  # ISO date of the approval: the day only


@dataclass(frozen=True)
class Finding:
    text: str
    count: Cell
    base: Cell
    percent: Cell
    low: Cell
    high: Cell
    change: str  # "up 9 pp (2 to 16)" or "no clear change" or "no earlier pack"
    framework_area: str
    table_id: str
    quote_ids: tuple[str, ...] = ()
    flag: str = ""  # [u] when the base is 20 to 49
    theme_label: str = ""  # the theme the finding is about, as T2 names it


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Meta:
    pack_id: str
    forum: str
    local_area: str
    survey: str
    survey_versions: str
    period_from: str  # ISO dates
    period_to: str
    responses: Cell  # published
    built_on: str
    codebook_version: int | None
    filters: dict[str, Any]
    independence: str  # "Produced independently by ...; the partnership saw it on ..."
    partnership_seen_on: str = ""  # ISO date the local partnership received the pack, if it has
    partnership_response: str = ""  # the partnership's response, unedited ("" when there is none)


@dataclass(frozen=True)
class Summary:
    who: str
    findings: tuple[Finding, ...]
    waits_table_id: str
    working: tuple[str, ...]
    caveats: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Pack:
    meta: Meta
    summary: Summary
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...]
    quotes: tuple[Quote, ...]
    methodology: tuple[Section, ...]
    glossary: tuple[tuple[str, str], ...] = ()
    symbols: dict[str, str] = field(default_factory=lambda: dict(SYMBOLS))
    easy_read: tuple[str, ...] = ()  # page 1 in Easy Read: short sentences, one idea each
    easy_read_pictures: tuple[str, ...] = ()  # the pictogram beside each Easy Read sentence
    annex: tuple[Table, ...] = ()  # the codebook and the questionnaire (spreadsheet, CSV and JSON)

    def table(self, table_id: str) -> Table:
        return next(table for table in self.tables if table.id == table_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
