"""A small, realistic pack built by hand, for renderer tests that should not depend on the builder."""

from __future__ import annotations

from dataclasses import replace

from forum_app.packs.contents import (
    LOW_BASE,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    Bar,
    Cell,
    Chart,
    Column,
    Finding,
    Meta,
    Pack,
    Quote,
    Section,
    Summary,
    Table,
)

THEMES = (
    ("waiting_times", "Waiting times", "Identifying needs", 120, 200, 60.0, 53.1, 66.5, 95, 15, 10, 0.71),
    (
        "communication_coproduction",
        "Communication",
        "Engagement with families",
        85,
        200,
        42.5,
        35.9,
        49.4,
        70,
        10,
        5,
        0.62,
    ),
    (
        "annual_reviews",
        "Annual reviews",
        "Assessing and meeting needs",
        10,
        200,
        5.0,
        2.7,
        9.0,
        10,
        0,
        0,
        None,
    ),
    (
        "tribunals_appeals",
        "Tribunals and appeals",
        "Assessing and meeting needs",
        SUPPRESSED,
        200,
        None,
        None,
        None,
        SUPPRESSED,
        0,
        0,
        None,
    ),
)


def sample_pack() -> Pack:
    """Three tables, two charts, two quotes, a summary and the methodology, some cells suppressed."""
    themes = _themes_table()
    return Pack(
        _meta(),
        _summary(),
        (_areas_table(), themes, _waits_table()),
        (_themes_chart(themes), _waits_chart()),
        _quotes(),
        _methodology(),
        (("EHC plan", "Education, health and care plan"),),
    )


def _themes_table() -> Table:
    """T2: the families mentioning each theme, one suppressed."""
    columns = (
        Column("theme_id", "Theme id"),
        Column("theme_label", "Theme"),
        Column("framework_area", "Framework area"),
        Column("respondents", "Families mentioning", "count"),
        Column("base", "Base (families answering free text)", "count"),
        Column("percent", "%", "percent"),
        Column("low", "95% CI lower", "percent"),
        Column("high", "95% CI upper", "percent"),
        Column("negative", "Negative", "count"),
        Column("neutral", "Neutral", "count"),
        Column("positive", "Positive", "count"),
        Column("kappa", "Kappa (second coder)", "number"),
    )
    rows: tuple[dict[str, Cell], ...] = tuple(
        {
            "theme_id": theme_id,
            "theme_label": label,
            "framework_area": area,
            "respondents": count,
            "base": base,
            "percent": pct if pct is not None else SUPPRESSED,
            "low": low if low is not None else SUPPRESSED,
            "high": high if high is not None else SUPPRESSED,
            "negative": neg,
            "neutral": neu,
            "positive": pos,
            "kappa": kappa if kappa is not None else NOT_AVAILABLE,
        }
        for theme_id, label, area, count, base, pct, low, high, neg, neu, pos, kappa in THEMES
    )
    return Table(
        "T2",
        "Themes in families' own words",
        "Families whose answers mention each theme, of 200 who answered a free-text question, "
        "April to September 2026",
        columns,
        rows,
        ("Counts are rounded to the nearest 5; counts of 1 to 7 are shown as [c].",),
    )


def _waits_table() -> Table:
    """T3: waits against their limits, one service suppressed and one with no families."""
    return Table(
        "T3",
        "Waiting times against statutory and clinical limits",
        "Families reporting a wait, by service, April to September 2026",
        (
            Column("service", "Service"),
            Column("limit", "Reference limit"),
            Column("reporting", "Families reporting", "count"),
            Column("completed", "Completed waits", "count"),
            Column("median", "Median weeks (completed)", "number"),
            Column("median_low", "95% CI lower", "number"),
            Column("median_high", "95% CI upper", "number"),
            Column("over_percent", "% completed over the limit", "percent"),
            Column("over_low", "95% CI lower", "percent"),
            Column("over_high", "95% CI upper", "percent"),
            Column("still_waiting", "Still waiting", "count"),
            Column("over_52", "Waits over 52 weeks", "count"),
        ),
        (
            {
                "service": "EHC needs assessment",
                "limit": "20 weeks (SEND Regulations 2014)",
                "reporting": 60,
                "completed": 40,
                "median": 31.0,
                "median_low": 26.0,
                "median_high": 38.0,
                "over_percent": 75.0,
                "over_low": 59.8,
                "over_high": 85.8,
                "still_waiting": 20,
                "over_52": 10,
            },
            {
                "service": "CAMHS",
                "limit": "18 weeks (referral to treatment)",
                "reporting": 25,
                "completed": SUPPRESSED,
                "median": SUPPRESSED,
                "median_low": SUPPRESSED,
                "median_high": SUPPRESSED,
                "over_percent": SUPPRESSED,
                "over_low": SUPPRESSED,
                "over_high": SUPPRESSED,
                "still_waiting": 20,
                "over_52": SUPPRESSED,
            },
            {
                "service": "Occupational therapy",
                "limit": "No national limit",
                "reporting": 0,
                "completed": 0,
                "median": NOT_AVAILABLE,
                "median_low": NOT_AVAILABLE,
                "median_high": NOT_AVAILABLE,
                "over_percent": NOT_APPLICABLE,
                "over_low": NOT_APPLICABLE,
                "over_high": NOT_APPLICABLE,
                "still_waiting": 0,
                "over_52": 0,
            },
        ),
        (f"{LOW_BASE} marks a base of 20 to 49 families.",),
    )


def _areas_table() -> Table:
    """T1: the families with any theme in each framework area."""
    return Table(
        "T1",
        "Findings by framework area",
        "Families with any theme in the area, of 200 who answered a free-text question",
        (
            Column("area", "Framework area"),
            Column("respondents", "Families", "count"),
            Column("base", "Base", "count"),
            Column("percent", "%", "percent"),
            Column("low", "95% CI lower", "percent"),
            Column("high", "95% CI upper", "percent"),
        ),
        (
            {
                "area": "Identifying needs",
                "respondents": 120,
                "base": 200,
                "percent": 60.0,
                "low": 53.1,
                "high": 66.5,
            },
            {
                "area": "Assessing and meeting needs",
                "respondents": 15,
                "base": 200,
                "percent": 7.5,
                "low": 4.6,
                "high": 12.0,
            },
        ),
    )


def _themes_chart(themes: Table) -> Chart:
    """C1: a bar for each theme of T2."""
    return Chart(
        "C1",
        "Waiting times are the most reported theme",
        "% of families mentioning each theme (base 200), with 95% CIs",
        "Horizontal bars: waiting times 60%, communication 43%, annual reviews 5%; tribunals suppressed.",
        "T2",
        "bars",
        tuple(
            Bar(
                str(row["theme_label"]),
                row["percent"] if isinstance(row["percent"], float) else None,
                row["low"] if isinstance(row["low"], float) else None,
                row["high"] if isinstance(row["high"], float) else None,
                row["respondents"],
            )
            for row in themes.rows
        ),
        "Demo Parent Carer Forum survey, 2026",
    )


def _waits_chart() -> Chart:
    """C2: the waits over the limit, with the official figure marked."""
    return Chart(
        "C2",
        "Three in four EHC assessments took over 20 weeks",
        "% of completed waits over the limit, with 95% CIs",
        "Dot plot: EHC needs assessment 75% over the 20-week limit; CAMHS suppressed.",
        "T3",
        "dots",
        (
            Bar("EHC needs assessment", 75.0, 59.8, 85.8, 40, marker=49.2),
            Bar("CAMHS", None, None, None, SUPPRESSED),
        ),
    )


def _quotes() -> tuple[Quote, ...]:
    return (
        Quote(
            "Q-001",
            "waiting_times",
            "Waiting times",
            "Identifying needs",
            "negative",
            "We waited 14 months for [service] and nobody told us anything.",
            11,
            "1 of 120 comments on this theme",
            descriptor="parent, secondary age",
            redactions=1,
            approved_by_role="lead",
            approved_on="2026-10-02",
        ),
        Quote(
            "Q-002",
            "communication_coproduction",
            "Communication",
            "Engagement with families",
            "positive",
            "The SENCO at [school] rings me back every week.",
            9,
            "1 of 85 comments on this theme",
            minority=True,
            redactions=1,
            approved_by_role="coder",
            approved_on="2026-10-05",
        ),
    )


def _meta() -> Meta:
    return Meta(
        pack_id="P-20261123-0001",
        forum="Demo Parent Carer Forum",
        local_area="Demo local area",
        survey="Your family's experience of SEND services",
        survey_versions="1",
        period_from="2026-04-01",
        period_to="2026-09-30",
        responses=215,
        built_on="2026-11-23",
        codebook_version=1,
        filters={},
        independence="Produced independently by Demo Parent Carer Forum.",
    )


def _summary() -> Summary:
    return Summary(
        who="215 families answered between April and September 2026.",
        findings=(
            Finding(
                "Most families reported long waits",
                120,
                200,
                60.0,
                53.1,
                66.5,
                "no earlier pack",
                "Identifying needs",
                "T2",
                ("Q-001",),
            ),
        ),
        waits_table_id="T3",
        working=("The SENCO listens (positive comments: 35)",),
        caveats=("Families chose to answer: they may not be typical of all families.",),
        questions=("How do leaders know how long EHC needs assessments take? (T3)",),
    )


def _methodology() -> tuple[Section, ...]:
    return (
        Section("How the survey was run", ("An online survey, anonymous, open to all families.",)),
        Section(
            "Disclosure control", ("Counts of 1 to 7 are shown as [c]; others are rounded to the nearest 5.",)
        ),
    )


def full_sample_pack() -> Pack:
    """The sample pack with a profile table (T7), a partnership response and an Easy Read page."""
    t7 = Table(
        "T7",
        "Who responded compared with the local SEND population",
        "Respondents by age band against children with an EHC plan in the area",
        (Column("characteristic", "Characteristic"), Column("respondents", "Families", "count")),
        ({"characteristic": "Age 11 to 15", "respondents": 60},),
    )
    pack = sample_pack()
    return replace(
        pack,
        tables=(*pack.tables, t7),
        meta=replace(
            pack.meta,
            partnership_seen_on="2026-10-20",
            partnership_response="We thank the forum.\n\nWe will act on waits:\nfirst, EHC needs "
            "assessments.",
        ),
        easy_read=("We asked families what help is like.", "About 6 in 10 families talked about waiting."),
    )
