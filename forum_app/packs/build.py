"""Building an evidence pack: exact figures in, published (disclosure-controlled) figures out.

Every count passes ``disclosure`` before anything is computed from it; percentages and intervals
come from the published counts (so an interval cannot be inverted to recover a suppressed count).
Reporting thresholds follow PACK.md: a base of 50 or more gives a percentage and its 95% interval, 20
to 49 the same marked [u], 8 to 19 the rounded count only, 1 to 7 [c]. The tables are in
``tables.py``, the methodology's words in ``methodology.py``; this module adds the charts, quotes and
summary around them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.agreement.reliability import forum_agreement_summary, sample_report
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.shipped import Codebook, default_codebook
from forum_app.codebook.versions import current_version
from forum_app.forum_settings import DisclosureSettings, read_section
from forum_app.moderation.settings import moderation_settings
from forum_app.packs import disclosure
from forum_app.packs.annex import codebook_table, questionnaire_table
from forum_app.packs.blocks import QuestionCells
from forum_app.packs.contents import (
    LOW_BASE,
    Cell,
    Finding,
    Meta,
    Pack,
    Quote,
    Summary,
    Table,
)
from forum_app.packs.data import (
    Gathered,
    PackRequest,
    PackRequestError,
    check_sizes,
    find,
    gather,
    minimum_families,
    period_of,
    previous_period,
)
from forum_app.packs.differences import period_change
from forum_app.packs.easy_read import Point, easy_read
from forum_app.packs.figures import pack_charts
from forum_app.packs.methodology import GLOSSARY, methodology
from forum_app.packs.population import LocalPopulation, coverage_words, local_population, population_table
from forum_app.packs.quotes import select_quotes
from forum_app.packs.reply import independence, reply_problem
from forum_app.packs.tables import (
    Publisher,
    ThemeFigures,
    area_table,
    closed_table,
    fmt,
    groups_table,
    lower_first,
    period_words,
    question_figures,
    theme_figures,
    theme_table,
    trend_table,
)
from forum_app.packs.waits import waits_table
from forum_app.surveys.reads import SurveyOutline


def _kappas(session: Session, forum_id: int) -> tuple[dict[str, float | None], str, str]:
    """Each theme's kappa, the methodology's paragraph on agreement, and a caution for page 1 and T2's
    note when the kappas rest on few double-coded answers (empty otherwise)."""
    summary = forum_agreement_summary(session, forum_id)
    if summary is None:
        return (
            {},
            "No answers have been double-coded yet, so there are no agreement figures: every theme's kappa "
            "is shown as [x].",
            "",
        )
    report = sample_report(session, summary.sample_id)
    return {row.theme: row.kappa for row in report.people.rows}, summary.methodology, summary.caution


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
    forum, survey = find(session, request)
    start, end = period_of(session, survey.id, request)
    rules, minimum = _disclosure_settings(forum)
    check_sizes(session, survey.id, request, minimum)
    publisher = Publisher(rules)
    now = gather(session, forum.id, survey, start, end, request.filters)
    before_start, before_end = previous_period(start, end)
    before = gather(session, forum.id, survey, before_start, before_end, request.filters)

    codebook = default_codebook()
    area_labels = dict(codebook.framework_areas)
    stored = current_version(session, forum.id)
    themes = _themes(stored, codebook)
    kappas, agreement_words, kappa_caution = _kappas(session, forum.id)
    questions = dict(survey.questions)

    moderation = moderation_settings(forum)
    quotes = select_quotes(publisher, now, themes, area_labels, moderation.deny_names, moderation.deny_list)
    population = local_population(forum)
    tables, answers, earlier = pack_tables(
        publisher, now, before, themes, list(codebook.framework_areas), kappas, questions, quotes, population
    )
    tables = _with_kappa_caution(tables, kappa_caution)
    t2, t3 = tables[1], tables[2]
    respondents = publisher.count(now.respondents)
    refused = reply_problem(request.partnership_seen_on, request.partnership_response, built_on)
    if refused is not None:
        raise PackRequestError(refused[1] + ".")
    meta = _meta(request, forum, survey, (start, end), built_on, respondents, stored)
    summary = _summary(
        publisher,
        now,
        earlier,
        t2,
        t3,
        quotes,
        respondents,
        coverage_words(publisher, now, population, answers),
        {theme_id: areas for theme_id, _, areas in themes},
        [area_id for area_id, _ in codebook.framework_areas],
        kappa_caution,
    )
    sections = methodology(publisher, forum, survey, now, meta, agreement_words, minimum)
    annex = (
        codebook_table(
            stored.themes if stored is not None else codebook.themes, area_labels, meta.codebook_version
        ),
        questionnaire_table(questions, meta.survey_versions),
    )
    easy = _easy_read(meta, summary, t2, t3, now)
    return Pack(
        meta,
        summary,
        tables,
        pack_charts(tables, forum.name),
        quotes,
        sections,
        GLOSSARY,
        easy_read=tuple(point.text for point in easy),
        easy_read_pictures=tuple(point.picture for point in easy),
        annex=annex,
    )


def _disclosure_settings(forum: Forum) -> tuple[disclosure.DisclosureRules, int]:
    """The forum's disclosure rules and the fewest families a pack may describe."""
    settings = read_section(forum, DisclosureSettings).values
    try:
        return disclosure.rules_for(settings), minimum_families(settings)
    except ValueError as problem:
        raise PackRequestError(f"The forum's disclosure settings cannot be used: {problem}.") from problem


def _themes(stored: CodebookVersion | None, codebook: Codebook) -> list[tuple[str, str, list[str]]]:
    """Each theme's id, label and framework areas: the forum's current codebook, else the shipped one."""
    if stored is not None:
        return [(row.theme_id, row.label, list(row.framework_areas)) for row in stored.themes]
    return [(theme.id, theme.label, list(theme.framework_areas)) for theme in codebook.themes]


def _with_kappa_caution(tables: tuple[Table, ...], kappa_caution: str) -> tuple[Table, ...]:
    """T2 with a note that its kappas rest on few double-coded answers, when they do."""
    if not kappa_caution:
        return tables
    return (
        tables[0],
        replace(tables[1], notes=(*tables[1].notes, f"Kappa is {kappa_caution}")),
        *tables[2:],
    )


def _meta(
    request: PackRequest,
    forum: Forum,
    survey: SurveyOutline,
    period: tuple[date, date],
    built_on: date,
    respondents: Cell,
    stored: CodebookVersion | None,
) -> Meta:
    """What the pack is of: the forum, the survey, the period, the filters, and the partnership's reply."""
    start, end = period
    return Meta(
        pack_id=pack_id_for(request, start, end, built_on),
        forum=forum.name,
        local_area=forum.local_area,
        survey=survey.title,
        survey_versions=", ".join(str(number) for number in survey.versions),
        period_from=start.isoformat(),
        period_to=end.isoformat(),
        responses=respondents,
        built_on=built_on.isoformat(),
        codebook_version=stored.version if stored is not None else None,
        filters=dict(request.filters),
        independence=independence(forum.name, request.partnership_seen_on),
        partnership_seen_on=request.partnership_seen_on.isoformat() if request.partnership_seen_on else "",
        partnership_response=request.partnership_response.strip(),
    )


def pack_tables(
    publisher: Publisher,
    now: Gathered,
    before: Gathered,
    themes: list[tuple[str, str, list[str]]],
    areas: list[tuple[str, str]],
    kappas: dict[str, float | None],
    questions: dict[str, dict[str, Any]],
    quotes: tuple[Quote, ...],
    population: LocalPopulation | None,
) -> tuple[tuple[Table, ...], dict[str, QuestionCells], ThemeFigures]:
    """T1 to T7, the published answers to the questions with set options and the earlier period's
    theme counts (for the summary).

    Figures that share families are protected together (``blocks``): each theme's T2 counts with
    its T5 groups and the T1 areas it is in; each question's T4 answers with T7's categories; the
    earlier period as a pack for it would publish it (T6, and the change columns)."""
    theme_ids = [theme_id for theme_id, _, _ in themes]
    figures, earlier = theme_figures(publisher, now, theme_ids), theme_figures(publisher, before, theme_ids)
    answers = question_figures(publisher, now, questions, figures)
    area_labels = dict(areas)
    quoted = Counter(quote.theme_id for quote in quotes)
    t2 = theme_table(publisher, now, before, themes, area_labels, kappas, quoted, figures, earlier)
    return (
        (
            area_table(publisher, now, before, themes, areas, quotes, figures, earlier),
            t2,
            waits_table(publisher, now, population.official if population else None),
            closed_table(publisher, now, questions, answers),
            groups_table(publisher, now, t2, figures),
            trend_table(publisher, now, before, t2, earlier),
            population_table(publisher, now, population, answers),
        ),
        answers,
        earlier,
    )


def short_areas(areas: str) -> str:
    """ "(1) Identification and assessment: needs identified ...; (3) Right help at the right time" ->
    "(1) Identification and assessment; (3) Right help at the right time": page 1 names the areas, T1
    describes them."""
    return "; ".join(area.split(": ", 1)[0] for area in areas.split("; "))


def _positives(t2: Table) -> list[dict[str, Cell]]:
    """The two themes most families wrote positively about (published counts)."""
    rows = [row for row in t2.rows if isinstance(row["positive"], int) and row["positive"] > 0]
    return sorted(rows, key=lambda row: -int(row["positive"]))[:2]  # type: ignore[arg-type]


def _easy_read(meta: Meta, summary: Summary, t2: Table, t3: Table, now: Gathered) -> tuple[Point, ...]:
    theme_ids = {str(row["theme_label"]): str(row["theme_id"]) for row in t2.rows}
    return easy_read(
        meta.forum,
        meta.local_area,
        meta.responses,
        period_words(now),
        [(theme_ids.get(f.theme_label, ""), f.theme_label, f.percent) for f in summary.findings],
        [(str(row["service"]), row["over_percent"]) for row in t3.rows],
        [(str(row["theme_id"]), str(row["theme_label"])) for row in _positives(t2)],
    )


def whole(value: Cell) -> Cell:
    """A percentage or an interval's end as page 1 prints it: a whole number (halves up). Counts are
    rounded to 5, so a decimal place would claim a precision the figures do not have."""
    return disclosure.round_half_up(value, 0) if isinstance(value, float) else value


def _findings(
    publisher: Publisher,
    earlier: ThemeFigures,
    t2: Table,
    quotes: tuple[Quote, ...],
    theme_areas: dict[str, list[str]],
    area_order: list[str],
) -> tuple[Finding, ...]:
    """Page 1's findings: the five themes with the largest share of families negative about them (of
    the families whose free text was coded), in framework order, the largest first within an area.

    Each says its direction and its base; a theme whose negative count is suppressed, or whose base
    is too small for a percentage, is not a finding."""
    quote_ids: dict[str, list[str]] = {}
    for quote in sorted(quotes, key=lambda q: q.sentiment != "negative"):  # negative quotes first
        quote_ids.setdefault(quote.theme_id, []).append(quote.id)
    candidates = []
    for row in t2.rows:
        negative, base = row["negative"], row["base"]
        if not (isinstance(negative, int) and negative > 0):
            continue
        percent, low, high, low_base = publisher.percent(negative, base)
        if isinstance(percent, float):
            candidates.append((row, whole(percent), whole(low), whole(high), low_base))
    top = sorted(candidates, key=lambda found: -float(found[1]))[:5]  # type: ignore[arg-type]
    rank = {area: place for place, area in enumerate(area_order)}

    def place(found: tuple[dict[str, Cell], Cell, Cell, Cell, bool]) -> tuple[int, float]:
        areas = theme_areas.get(str(found[0]["theme_id"]), [])
        return min((rank.get(area, len(rank)) for area in areas), default=len(rank)), -float(found[1])  # type: ignore[arg-type]

    findings = []
    for row, percent, low, high, low_base in sorted(top, key=place):
        flag = LOW_BASE if low_base else ""
        label = str(row["theme_label"])
        findings.append(
            Finding(
                text=f"{percent:.0f}%{' ' + flag if flag else ''} of families were negative about "
                f"{lower_first(label)}",
                count=row["negative"],
                base=row["base"],
                percent=percent,
                low=low,
                high=high,
                change=period_change(
                    row["negative"],
                    row["base"],
                    earlier.cells[str(row["theme_id"])].views["negative"],
                    earlier.base,
                ),
                framework_area=short_areas(str(row["framework_area"])),
                table_id="T2",
                quote_ids=tuple(quote_ids.get(str(row["theme_id"]), [])[:2]),
                flag=flag,
                theme_label=label,
            )
        )
    return tuple(findings)


def _questions(findings: tuple[Finding, ...], t3: Table) -> tuple[str, ...]:
    """Three questions for leaders, each tied to a finding on page 1 and citing its table: the two
    largest negative findings, and EHC needs assessments against the 20-week limit where families'
    waits can be published (else the third finding)."""
    waits_question = bool(t3.rows) and isinstance(t3.rows[0]["over_percent"], float)
    numbered = sorted(enumerate(findings, start=1), key=lambda pair: -float(pair[1].percent))  # type: ignore[arg-type]
    questions = [  # one line each: the finding, just above, says what "this" is
        f"Finding {number} ({finding.table_id}): what do leaders know about why families are negative about "
        "this, and what are they doing about it?"
        for number, finding in numbered[: 2 if waits_question else 3]
    ]
    if waits_question:
        questions.append(
            "Families' waits for EHC needs assessments (T3): how many finish within 20 weeks, and for "
            "whom not?"
        )
    return tuple(questions)


def _summary(
    publisher: Publisher,
    now: Gathered,
    earlier: ThemeFigures,
    t2: Table,
    t3: Table,
    quotes: tuple[Quote, ...],
    respondents: Cell,
    coverage: str | None,
    theme_areas: dict[str, list[str]],
    area_order: list[str],
    kappa_caution: str = "",
) -> Summary:
    findings = _findings(publisher, earlier, t2, quotes, theme_areas, area_order)
    text_base = publisher.count(now.text_base)
    working = tuple(
        f"{fmt(row['positive'])} of {fmt(row['base'])} families wrote positively about "
        f"{lower_first(str(row['theme_label']))} (T2)"
        for row in _positives(t2)
    )
    coded = f" {fmt(text_base)} of them had free-text answers coded"
    coded += f"; coding agreement (kappa, T2) is {lower_first(kappa_caution)}" if kappa_caution else "."
    return Summary(
        who=f"{fmt(respondents)} families answered from {period_words(now)}"
        + (f": {coverage}" if coverage else "")
        + "."
        + coded,
        findings=findings,
        waits_table_id="T3",
        working=working,
        caveats=(
            "Families chose to answer, so they may not be typical of all families with children with SEND "
            "in the area.",
            "Percentages are of families who answered the question, not of all families.",
            "Waits are as families remember them, not official records.",
        ),
        questions=_questions(findings, t3),
    )
