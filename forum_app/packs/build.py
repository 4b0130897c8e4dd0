"""Building an evidence pack: exact figures in, published (disclosure-controlled) figures out.

Every count passes ``disclosure`` before anything is computed from it; percentages and intervals
come from the published counts (so an interval cannot be inverted to recover a suppressed count).
Reporting thresholds follow PACK.md: a base of 50 or more gives a percentage and its 95% interval, 20
to 49 the same marked [u], 8 to 19 the rounded count only, 1 to 7 [c]. The tables are in
``tables.py``; this module adds the charts, quotes, summary and methodology around them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from forum_app.moderation.settings import moderation_settings
from forum_app.packs import disclosure
from forum_app.packs.data import (
    Gathered,
    PackRequest,
    PackRequestError,
    find,
    gather,
    period_of,
    previous_period,
)
from forum_app.packs.figures import pack_charts
from forum_app.packs.model import (
    CI_WORDING,
    Cell,
    Finding,
    Meta,
    Pack,
    Quote,
    Section,
    Summary,
    Table,
)
from forum_app.packs.quotes import (
    MAX_QUOTE_WORDS,
    MAX_QUOTES_PER_THEME,
    MIN_REPORTS_FOR_QUOTES,
    select_quotes,
)
from forum_app.packs.tables import (
    Publisher,
    area_table,
    closed_table,
    fmt,
    groups_table,
    lower_first,
    period_words,
    theme_table,
    trend_table,
    waits_table,
)
from forum_app.surveys.support import forum_support
from forum_app.themes.codebook import default_codebook
from forum_app.themes.codebooks import current_version
from forum_app.themes.reliability import forum_agreement_summary, sample_report


def _kappas(session: Session, forum_id: int) -> tuple[dict[str, float | None], str]:
    summary = forum_agreement_summary(session, forum_id)
    if summary is None:
        return {}, (
            "No answers have been double-coded yet, so there are no agreement figures: every theme's kappa "
            "is shown as [x]."
        )
    report = sample_report(session, summary.sample_id)
    return {row.theme: row.kappa for row in report.people.rows}, summary.methodology


def pack_id_for(request: PackRequest, start: date, end: date, built_on: date) -> str:
    """A stable id for the same pack asked for on the same day."""
    key = json.dumps(
        [
            request.forum_slug,
            request.survey_slug,
            start.isoformat(),
            end.isoformat(),
            sorted(request.filters.items()),
        ]
    )
    return f"P-{built_on:%Y%m%d}-{hashlib.sha256(key.encode()).hexdigest()[:6].upper()}"


def build_pack(session: Session, request: PackRequest, built_on: date | None = None) -> Pack:
    """The pack for ``request``: read-only, the same inputs give the same pack."""
    built_on = built_on or date.today()
    forum, survey, versions = find(session, request)
    start, end = period_of(session, survey, request)
    try:
        rules = disclosure.rules_for(forum.settings if isinstance(forum.settings, dict) else {})
    except ValueError as problem:
        raise PackRequestError(f"The forum's disclosure settings cannot be used: {problem}.") from problem
    publisher = Publisher(rules)
    now = gather(session, forum, survey, versions, start, end, request.filters)
    before_start, before_end = previous_period(start, end)
    before = gather(session, forum, survey, versions, before_start, before_end, request.filters)

    codebook = default_codebook()
    area_labels = dict(codebook.framework_areas)
    stored = current_version(session, forum.id)
    if stored is not None:
        themes = [(row.theme_id, row.label, list(row.framework_areas)) for row in stored.themes]
    else:
        themes = [(theme.id, theme.label, list(theme.framework_areas)) for theme in codebook.themes]
    kappas, agreement_words = _kappas(session, forum.id)
    questions: dict[str, dict[str, Any]] = {}
    for version in versions:
        questions.update({q["key"]: q for q in version.definition.get("questions", [])})

    quotes = select_quotes(publisher, now, themes, area_labels)
    t2 = theme_table(publisher, now, before, themes, area_labels, kappas, Counter(q.theme_id for q in quotes))
    t1 = area_table(publisher, now, themes, list(codebook.framework_areas))
    t3 = waits_table(publisher, now)
    t4 = closed_table(publisher, now, questions)
    t5 = groups_table(publisher, now, t2)
    t6 = trend_table(publisher, now, before, t2)
    respondents = publisher.count(now.respondents)
    meta = Meta(
        pack_id=pack_id_for(request, start, end, built_on),
        forum=forum.name,
        local_area=forum.local_area,
        survey=survey.title,
        survey_versions=", ".join(str(v.number) for v in versions),
        period_from=start.isoformat(),
        period_to=end.isoformat(),
        responses=respondents,
        built_on=built_on.isoformat(),
        codebook_version=stored.version if stored is not None else None,
        filters=dict(request.filters),
        independence=f"Produced independently by {forum.name}.",
    )
    summary = _summary(publisher, now, t2, t3, quotes, respondents)
    methodology = _methodology(publisher, forum, survey, now, meta, agreement_words)
    tables = (t1, t2, t3, t4, t5, t6)
    return Pack(meta, summary, tables, pack_charts(tables, forum.name), quotes, methodology, GLOSSARY)


def _summary(
    publisher: Publisher, now: Gathered, t2: Table, t3: Table, quotes: tuple[Quote, ...], respondents: Cell
) -> Summary:
    quote_ids: dict[str, list[str]] = {}
    for quote in quotes:
        quote_ids.setdefault(quote.theme_id, []).append(quote.id)
    findings = []
    top = [r for r in t2.rows if isinstance(r["percent"], float)][:5]
    # The five most reported themes, in framework order (area labels are numbered "(1) ...", "(2) ...").
    for row in sorted(top, key=lambda r: str(r["framework_area"])):
        findings.append(
            Finding(
                text=f"{row['percent']:.0f}% of families raised {lower_first(str(row['theme_label']))}",
                count=row["respondents"],
                base=row["base"],
                percent=row["percent"],
                low=row["low"],
                high=row["high"],
                change=str(row["change"]),
                framework_area=str(row["framework_area"]),
                table_id="T2",
                quote_ids=tuple(quote_ids.get(str(row["theme_id"]), [])[:2]),
            )
        )
    positives = sorted(
        (r for r in t2.rows if isinstance(r["positive"], int) and r["positive"] > 0),
        key=lambda r: -int(r["positive"]),  # type: ignore[arg-type]
    )[:2]
    working = tuple(f"{r['theme_label']}: {fmt(r['positive'])} families wrote positively" for r in positives)
    questions = [
        f"What do leaders know about {str(f.text).split('raised ', 1)[-1]}, and how? (T2)"
        for f in findings[:3]
    ]
    ehcna = t3.rows[0]
    if isinstance(ehcna["over_percent"], float):
        questions.append("How many EHC needs assessments finish within 20 weeks, and for whom not? (T3)")
    return Summary(
        who=f"{fmt(respondents)} families answered between {period_words(now)}; "
        f"{fmt(publisher.count(now.text_base))} had free-text answers coded.",
        findings=tuple(findings),
        waits_table_id="T3",
        working=working,
        caveats=(
            "Families chose to answer, so they may not be typical of all families with children with SEND "
            "in the area.",
            "Percentages are of families who answered the question, not of all families.",
            "Waits are as families remember them, not official records.",
        ),
        questions=tuple(questions),
    )


def _methodology(
    publisher: Publisher, forum: Any, survey: Any, now: Gathered, meta: Meta, agreement: str
) -> tuple[Section, ...]:
    rules = publisher.rules
    area = forum.local_area or "the area"
    purpose = (
        f"{forum.name} asked families about their experience of SEND services in {area}, to give "
        "inspectors and the local partnership families' view. It produced this pack itself."
    )
    fieldwork = (
        f"Survey: {survey.title} (version {meta.survey_versions}). Answers were sent online and "
        f"anonymously, {period_words(now)}.",
        f"{fmt(meta.responses)} families sent answers. Answers that looked automated, or that a "
        f"moderator moved to the spam folder, were left out ({fmt(publisher.count(now.spam))}).",
    )
    who = (
        "One response is one family's report. Families chose to take part: those most unhappy, or most "
        "in touch with the forum, may be over-represented; families who do not use the internet, or "
        "read English less easily, may be under-represented."
    )
    coding = (
        "Free-text answers had personal details removed, were checked by a moderator, given suggested "
        "themes by an automatic coder and then coded by a person, using version "
        f"{meta.codebook_version or 1} of the forum's codebook (16 themes mapped to the inspection "
        "framework). Only answers a person has coded are counted.",
        f"Not yet counted: {fmt(publisher.count(now.awaiting_moderation))} answers awaiting moderation "
        f"and {fmt(publisher.count(now.awaiting_coding))} approved answers not yet coded.",
        agreement,
    )
    statistics_words = (
        "No weighting. Percentages have 95% Wilson score intervals, differences Newcombe's hybrid score "
        "intervals and medians distribution-free intervals, all from the published (rounded) counts.",
        CI_WORDING,
    )
    disclosure_words = (
        f"Counts of 1 to {rules.threshold} are shown as [c]; other counts are rounded to the nearest "
        f"{rules.base}; 0 stays 0. Totals are rounded from the exact figures. Where one part of a total "
        "is suppressed another is too, so it cannot be worked out by subtraction. Percentages need a "
        "base of at least 20 and are marked [u] below 50; medians need at least 8 values."
    )
    quotes = (
        f"Quotes come only from themes with at least {MIN_REPORTS_FOR_QUOTES} reports, from families who "
        "ticked a separate box agreeing to be quoted, after personal details were removed and a "
        f"moderator approved them: at most {MAX_QUOTES_PER_THEME} per theme, the typical view first, "
        f"each at most {MAX_QUOTE_WORDS} words, none repeated."
    )
    protection = (
        "No names, IP addresses or exact times are stored with answers. The original words of an "
        "answer are deleted once a moderator approves it, or after "
        f"{moderation_settings(forum).original_days} days. Answers are kept for "
        f"{forum_support(forum).retention_months} months."
    )
    return (
        Section("Purpose and independence", (purpose,)),
        Section("Questionnaire and fieldwork", fieldwork),
        Section("Who answered", (who,)),
        Section("Coding", coding),
        Section("Statistics", statistics_words),
        Section("Disclosure control", (disclosure_words,)),
        Section("Quotes", (quotes,)),
        Section("Data protection", (protection,)),
    )


GLOSSARY: tuple[tuple[str, str], ...] = (
    ("EHC plan", "Education, health and care plan: a legal document describing a child's needs and support."),
    ("EHC needs assessment", "The assessment that decides whether a child needs an EHC plan."),
    ("CAMHS", "Child and adolescent mental health services."),
    ("SENCO", "Special educational needs co-ordinator, in a school or setting."),
    ("95% CI", "95% confidence interval: see the Statistics section."),
    ("pp", "Percentage points: the difference between two percentages."),
    ("Kappa", "Cohen's kappa: agreement between two coders beyond chance (1 is perfect, 0 is chance)."),
)
