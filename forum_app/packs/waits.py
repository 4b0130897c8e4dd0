"""T3: the waits families reported, by service, against the statutory or clinical limit of each, beside
the official figure where the forum has entered one.

Completed waits and waits still going on are never pooled (the second are censored: they will be
longer). Medians need at least 8 waits and come with a distribution-free 95% interval; the share over
the limit is a published count over a published base, with its Wilson interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from forum_app.packs import stats
from forum_app.packs.data import Gathered
from forum_app.packs.model import NOT_APPLICABLE, NOT_AVAILABLE, Cell, Column, Table
from forum_app.packs.tables import Publisher, pct_cells, period_words

if TYPE_CHECKING:
    from forum_app.packs.population import OfficialFigure

# Reference limits for waits (T3): service key -> (label, weeks or None, source).
LIMITS: dict[str, tuple[str, int | None, str]] = {
    "ehcna": ("EHC needs assessment", 20, "20 weeks from request to final plan (SEND Regulations 2014)"),
    "autism": ("Autism assessment", 13, "13 weeks from referral to first appointment (NICE CG128)"),
    "adhd": ("ADHD assessment", 18, "18 weeks referral to treatment (NHS Constitution, consultant-led)"),
    "salt": ("Speech and language therapy", None, "No national limit"),
    "ot": ("Occupational therapy", None, "No national limit"),
    "camhs": ("CAMHS", 18, "18 weeks referral to treatment (NHS Constitution)"),
    "paediatrics": (
        "Community paediatrics",
        18,
        "18 weeks referral to treatment (NHS Constitution, consultant-led)",
    ),
}


def _no_interval(median: Cell) -> Cell:
    return NOT_AVAILABLE if isinstance(median, float) else median


EHC_COUNTING = (
    "official EHC timeliness counts plans issued within 20 weeks of the request, excluding exceptions, "
    "while families report the time from when they asked to the final plan or a no, as they remember it"
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
    rows = []
    for service, (label, limit, source) in LIMITS.items():
        waits = now.waits.get(service, [])
        done = [w.weeks for w in waits if not w.still_waiting]
        waiting = [w.weeks for w in waits if w.still_waiting]
        completed, still = publisher.count(len(done)), publisher.count(len(waiting))
        if limit is None:
            over_done: dict[str, Cell] = dict.fromkeys(("percent", "low", "high"), NOT_APPLICABLE)
            over_waiting: Cell = NOT_APPLICABLE
        else:
            over_done = pct_cells(publisher, publisher.count(sum(w > limit for w in done)), completed)
            over_waiting = pct_cells(publisher, publisher.count(sum(w > limit for w in waiting)), still)[
                "percent"
            ]
        median = publisher.median(done)
        interval = stats.median_ci(done, rules=publisher.rules) if isinstance(median, float) else None
        rows.append(
            {
                "service": label,
                "limit": source,
                "reporting": publisher.count(len(waits)),
                "completed": completed,
                "median": median,
                "median_low": interval.low if interval else _no_interval(median),
                "median_high": interval.high if interval else _no_interval(median),
                "over_percent": over_done["percent"],
                "over_low": over_done["low"],
                "over_high": over_done["high"],
                "still_waiting": still,
                "median_so_far": publisher.median(waiting),
                "waiting_over_percent": over_waiting,
                "over_52": publisher.count(sum(w.weeks > 52 for w in waits)),
                "official_percent": shown[service].percent if service in shown else NOT_AVAILABLE,
                "official_source": shown[service].source_words if service in shown else NOT_AVAILABLE,
            }
        )
    return Table(
        "T3",
        "Waiting times against statutory and clinical limits",
        f"Waits families reported, by service, {period_words(now)}. Completed waits and waits "
        "still going on are never pooled.",
        (
            Column("service", "Service"),
            Column("limit", "Reference limit and source"),
            Column("reporting", "Families reporting", "count"),
            Column("completed", "Completed waits", "count"),
            Column("median", "Median weeks, completed", "number"),
            Column("median_low", "95% CI lower", "number"),
            Column("median_high", "95% CI upper", "number"),
            Column("over_percent", "% of completed waits over the limit", "percent"),
            Column("over_low", "95% CI lower", "percent"),
            Column("over_high", "95% CI upper", "percent"),
            Column("still_waiting", "Still waiting", "count"),
            Column("median_so_far", "Median weeks waited so far", "number"),
            Column("waiting_over_percent", "% still waiting already over the limit", "percent"),
            Column("over_52", "Waits over 52 weeks", "count"),
            Column("official_percent", "Official figure: % over the limit", "percent"),
            Column("official_source", "Official figure: source and date"),
        ),
        tuple(rows),
        (
            "Months are converted to weeks at 52/12 weeks a month. Medians need at least 8 waits; their "
            "interval is the distribution-free (binomial order statistic) 95% interval.",
            _official_note(shown),
        ),
    )
