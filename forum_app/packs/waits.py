"""T3: the waits families reported, by service, against the statutory or clinical limit of each, beside
the official figure where the forum has entered one.

Each wait question asks for one interval (``MEASURES``, by question key). A wait is set against a
limit only when its question asked for the interval that limit measures: the EHC needs assessment
from the request to the final plan (20 weeks), the autism assessment from referral to the first
appointment (NICE, 13 weeks), consultant-led services from referral to treatment (18 weeks). Answers
to an earlier version's question that asked for another interval keep their own row, labelled, with
no comparison.

Completed waits and waits still going on are never pooled (the second are censored: they will be
longer). Medians and their intervals need 20 waits; the share over the limit is a published count
over a published base, with its Wilson interval and [u] on a base of 20 to 49.

The counts of a row form a tree of rows with totals, each protected by ``Publisher.row`` (secondary
suppression): families reporting = completed + still waiting; each of those = within the limit + over
it; over the limit = up to 52 weeks + over 52 weeks (for a service with no limit, completed or still
waiting = up to 52 weeks + over 52 weeks). Nothing is published under a suppressed count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forum_app.packs import disclosure, stats
from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Cell, Column, Table
from forum_app.packs.data import Gathered
from forum_app.packs.tables import Publisher, interval_columns, pct_cells, percent_columns, period_words

if TYPE_CHECKING:
    from forum_app.packs.population import OfficialFigure

LONG_WAIT_WEEKS = 52
NOT_COMPARED = "Not compared"  # how T3's limit column starts for an earlier question's row
TO_TREATMENT = "18 weeks from referral to the start of treatment (NHS Constitution, referral to treatment"

# Reference limits for waits (T3): service key -> (label, weeks or None, the interval it measures and
# its source).
LIMITS: dict[str, tuple[str, int | None, str]] = {
    "ehcna": (
        "EHC needs assessment",
        20,
        "20 weeks from the request for an EHC needs assessment to the final EHC plan (SEND Regulations "
        "2014, regulation 13; SEND Code of Practice 9.40)",
    ),
    "autism": (
        "Autism assessment",
        13,
        "13 weeks from referral to the first appointment of the autism assessment (NICE CG128: start "
        "the assessment within 3 months of referral)",
    ),
    "adhd": ("ADHD assessment", 18, f"{TO_TREATMENT}, consultant-led services)"),
    "salt": ("Speech and language therapy", None, "No national limit"),
    "ot": ("Occupational therapy", None, "No national limit"),
    "camhs": ("CAMHS", 18, f"{TO_TREATMENT}, where the service is consultant-led)"),
    "paediatrics": ("Community paediatrics", 18, f"{TO_TREATMENT}, consultant-led services)"),
}


@dataclass(frozen=True)
class Measure:
    """What one wait question asked: the service and the interval. ``compared``: the interval is the
    one the service's limit measures (or the service has no limit), so its waits are set against it."""

    service: str
    asked: str
    compared: bool = True


TREATMENT = "from referral to the start of treatment, or to being told none was needed"
# Wait question key without "wait_" (as ``data.gather`` files it) -> what the question asked.
MEASURES: dict[str, Measure] = {
    "ehcna_plan": Measure("ehcna", "from the request for the assessment to the final EHC plan"),
    "autism_first": Measure("autism", "from referral to the first appointment of the assessment"),
    "adhd_rtt": Measure("adhd", TREATMENT),
    "salt": Measure("salt", "from referral to the first session"),
    "ot": Measure("ot", "from referral to the first session"),
    "camhs_rtt": Measure("camhs", TREATMENT),
    "paediatrics_rtt": Measure("paediatrics", TREATMENT),
    # Survey version 1 asked these: other intervals than the limits measure, never compared with them.
    "ehcna": Measure("ehcna", "from the request to the final plan or a no (earlier question)", False),
    "autism": Measure("autism", "from referral to the result (earlier question)", False),
    "adhd": Measure("adhd", "from referral to the result (earlier question)", False),
    "camhs": Measure("camhs", "from referral to the first appointment (earlier question)", False),
    "paediatrics": Measure("paediatrics", "from referral to the first appointment (earlier question)", False),
}


def measures_shown(now: Gathered) -> list[tuple[str, Measure]]:
    """T3's rows in order: per service, the current question, then any earlier question with answers."""
    return [
        (key, measure)
        for service in LIMITS
        for key, measure in MEASURES.items()
        if measure.service == service and (measure.compared or now.waits.get(key))
    ]


EHC_COUNTING = (
    "official EHC timeliness counts plans issued within 20 weeks of the request, excluding exceptions, "
    "while families report the time from the request for the assessment to the final EHC plan, as they "
    "remember it"
)
HEALTH_COUNTING = (
    "official health waiting times follow their publisher's rules on when the clock starts and stops, "
    "while families report the wait as they remember it"
)


def _official_note(official: Mapping[str, OfficialFigure]) -> str:
    if not official:
        return (
            "Families' reports are not official waiting-time statistics: compare them with the "
            "partnership's own figures, which count differently. No official comparator has been loaded "
            "for this pack ([x]): set the partnership's published figures beside these when you discuss them."
        )
    sources = "; ".join(
        f"{LIMITS[service][0]}: {figure.source_words or 'source not given'}"
        for service, figure in official.items()
    )
    counting = ([EHC_COUNTING] if "ehcna" in official else []) + (
        [HEALTH_COUNTING] if any(service != "ehcna" for service in official) else []
    )
    return (
        "Families' reports are not official waiting-time statistics. The official comparators were "
        f"entered by the forum from published figures ({sources}); [x] where none was entered. They count "
        f"differently: {'; '.join(counting)}. Set them beside each other, not as one measure."
    )


def relations(has_limit: bool) -> tuple[tuple[str, tuple[str, str]], ...]:
    """The sums within a T3 row, for anyone checking its protection: (total, its two parts), by column
    key. A part that is not a column of T3 (such as the waits within the limit) is not printed, but a
    reader can work it out as the total minus the other part, so it is protected like a printed one.
    ``has_limit``: the row is compared with a limit (else its waits split at 52 weeks only)."""
    if not has_limit:
        return (
            ("reporting", ("completed", "still_waiting")),
            ("completed", ("completed_upto_52", "completed_over_52")),
            ("still_waiting", ("waiting_upto_52", "waiting_over_52")),
        )
    return (
        ("reporting", ("completed", "still_waiting")),
        ("completed", ("completed_within", "completed_over")),
        ("completed_over", ("completed_limit_to_52", "completed_over_52")),
        ("still_waiting", ("waiting_within", "waiting_over")),
        ("waiting_over", ("waiting_limit_to_52", "waiting_over_52")),
    )


def split(publisher: Publisher, published: Cell, parts: Sequence[int]) -> list[Cell]:
    """The published cells of ``parts``, which add up to a count already published as ``published``:
    secondary suppression within the row, and nothing under a suppressed (or zero) count."""
    if published in (SUPPRESSED, 0):
        return [published] * len(parts)
    cells, total = publisher.row(parts)
    if total != published:  # a withheld row; not reached for two parts whose total is published
        return [SUPPRESSED] * len(parts)
    return cells


@dataclass(frozen=True)
class Status:
    """The published figures of the completed waits, or of the waits still going on."""

    count: Cell
    over: Cell  # over the limit ([z] with no limit, or an earlier question)
    over_52: Cell
    median: Cell


def _status(publisher: Publisher, count: Cell, weeks: list[float], limit: int | None) -> Status:
    long_waits = sum(w > LONG_WAIT_WEEKS for w in weeks)
    if limit is None:
        _, over_52 = split(publisher, count, [len(weeks) - long_waits, long_waits])
        over: Cell = NOT_APPLICABLE
    else:
        over_limit = sum(w > limit for w in weeks)
        _, over = split(publisher, count, [len(weeks) - over_limit, over_limit])
        _, over_52 = split(publisher, over, [over_limit - long_waits, long_waits])
    median = SUPPRESSED if count == SUPPRESSED else whole_weeks(publisher.median(weeks))
    return Status(count, over, over_52, median)


def whole_weeks(value: Cell) -> Cell:
    """Weeks as a whole number (halves up): families answer in weeks or months, and a month is 52/12
    weeks, so a decimal would claim a precision the answers do not have. A symbol stays as it is."""
    if isinstance(value, float):
        return int(disclosure.round_half_up(value, 0))
    return value


def _percent(publisher: Publisher, count: Cell, base: Cell, prefix: str) -> dict[str, Cell]:
    """``pct_cells``, or [z] with no limit to be over."""
    if count == NOT_APPLICABLE:
        cells = {"percent": NOT_APPLICABLE, "low": NOT_APPLICABLE, "high": NOT_APPLICABLE, "flag": ""}
        return {f"{prefix}{key}": cell for key, cell in cells.items()}
    return pct_cells(publisher, count, base, prefix)


def _interval(publisher: Publisher, weeks: list[float], median: Cell) -> tuple[Cell, Cell]:
    """The median's 95% interval in whole weeks; [x] when there is none, or when a whole-week end
    is the shortest or longest wait in whole weeks (it would print that family's answer)."""
    if not isinstance(median, int):
        return median, median
    found = stats.median_ci(weeks, rules=publisher.rules)
    if found is None:
        return NOT_AVAILABLE, NOT_AVAILABLE
    low, high = whole_weeks(found.low), whole_weeks(found.high)
    if low == whole_weeks(min(weeks)) or high == whole_weeks(max(weeks)):
        return NOT_AVAILABLE, NOT_AVAILABLE
    return low, high


def _limit_words(measure: Measure) -> str:
    _, weeks, source = LIMITS[measure.service]
    if weeks is None or measure.compared:
        return source
    return f"{NOT_COMPARED}: the limit ({source}) measures another interval than this question asked"


def waits_table(
    publisher: Publisher, now: Gathered, official: Mapping[str, OfficialFigure] | None = None
) -> Table:
    """T3, with the official comparator of each service that has a limit and an official figure
    (``official``: service key -> figure, as entered on the local figures page)."""
    given = official or {}
    shown = {  # in T3's order, services with a limit only
        service: given[service]
        for service, (_, limit, _) in LIMITS.items()
        if limit is not None and service in given
    }
    rows = tuple(_wait_row(publisher, now, key, measure, shown) for key, measure in measures_shown(now))
    return Table(
        "T3",
        "Waiting times against statutory and clinical limits",
        f"Waits families reported, by service, {period_words(now)}. Completed waits and waits "
        "still going on are never pooled.",
        WAITS_COLUMNS,
        rows,
        (*WAITS_NOTES, _official_note(shown)),
    )


def _wait_row(
    publisher: Publisher, now: Gathered, key: str, measure: Measure, shown: Mapping[str, OfficialFigure]
) -> dict[str, Cell]:
    """One row of T3: one question's completed waits and waits still going on, each against the limit
    (when the question asked for the interval the limit measures), and the official figure beside."""
    label, weeks, _ = LIMITS[measure.service]
    limit = weeks if measure.compared else None  # an earlier question: no limit to be over
    waits = now.waits.get(key, [])
    done = [w.weeks for w in waits if not w.still_waiting]
    waiting = [w.weeks for w in waits if w.still_waiting]
    (completed, still), reporting = publisher.row([len(done), len(waiting)])
    first, then = _status(publisher, completed, done, limit), _status(publisher, still, waiting, limit)
    median_low, median_high = _interval(publisher, done, first.median)
    official_here = shown.get(measure.service) if measure.compared else None
    return {
        "service": label if measure.compared else f"{label} (earlier question)",
        "asked": measure.asked[:1].upper() + measure.asked[1:],
        "limit": _limit_words(measure),
        "reporting": reporting,
        "completed": completed,
        "median": first.median,
        "median_low": median_low,
        "median_high": median_high,
        "completed_over": first.over,
        **_percent(publisher, first.over, completed, "over_"),
        "completed_over_52": first.over_52,
        "still_waiting": still,
        "median_so_far": then.median,
        "waiting_over": then.over,
        **_percent(publisher, then.over, still, "waiting_over_"),
        "waiting_over_52": then.over_52,
        "official_percent": official_here.percent if official_here else NOT_AVAILABLE,
        "official_source": official_here.source_words if official_here else NOT_AVAILABLE,
    }


WAITS_COLUMNS = (
    Column("service", "Service"),
    Column("asked", "Interval families were asked about"),
    Column("limit", "Reference limit: the interval it measures, and source"),
    Column("reporting", "Families reporting", "count"),
    Column("completed", "Completed waits", "count"),
    Column("median", "Median weeks, completed", "number"),
    *interval_columns("median_", "number"),
    Column("completed_over", "Completed waits over the limit", "count"),
    *percent_columns("% of completed waits over the limit", "over_"),
    Column("completed_over_52", "Completed waits over 52 weeks", "count"),
    Column("still_waiting", "Still waiting", "count"),
    Column("median_so_far", "Median weeks waited so far", "number"),
    Column("waiting_over", "Still waiting, already over the limit", "count"),
    *percent_columns("% still waiting already over the limit", "waiting_over_"),
    Column("waiting_over_52", "Still waiting, over 52 weeks so far", "count"),
    Column("official_percent", "Official figure: % over the limit", "percent"),
    Column("official_source", "Official figure: source and date"),
)
# T3's notes before the one on the official figures, which depends on the figures entered.
WAITS_NOTES = (
    "Each wait is compared with a limit only where the question asked for the interval that limit "
    "measures: the EHC needs assessment from the request to the final EHC plan (20 weeks); the "
    "autism assessment from referral to the first appointment (13 weeks); ADHD, CAMHS and community "
    "paediatrics from referral to the start of treatment (18 weeks). Rows marked 'earlier question' "
    "are answers to an earlier version of the survey that asked for another interval: they are "
    "shown on their own, with no comparison ([z]).",
    "Completed waits and waits still going on are never added together: each has its own count, "
    "share over the limit and count over 52 weeks. A wait still going on will be longer when it "
    "ends.",
    "Waits over the limit are part of the completed (or still-waiting) count, and waits over 52 "
    "weeks part of those over the limit. Where one part would be [c], another is suppressed too so "
    "it cannot be worked out by subtraction, and nothing is shown under a suppressed count.",
    "Medians need at least 20 waits ([x] for 8 to 19, [c] for 1 to 7). Their interval is the "
    "distribution-free (binomial order statistic) 95% interval, shown only when neither end is "
    "the shortest or longest wait reported, so that no end prints one family's own answer; "
    "otherwise [x]. [u]: a percentage of 20 to 49 waits; treat with caution.",
    "Months are converted to weeks at 52/12 weeks a month, and medians and their intervals given "
    "in whole weeks: families answered in weeks or months, so a decimal would claim a precision "
    "the answers do not have.",
)
