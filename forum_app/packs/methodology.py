"""A pack's methodology in words: how the survey was run, who answered, coding, statistics, disclosure
control, quotes, data protection and the right of reply, each a section of plain English, and the
glossary. Every figure in it is published (``Publisher``), as everywhere in the pack."""

from __future__ import annotations

from datetime import date
from typing import Any

from forum_app.moderation.settings import moderation_settings
from forum_app.packs import disclosure
from forum_app.packs.about import about_paragraphs, pack_about
from forum_app.packs.contents import CI_WORDING, Meta, Section
from forum_app.packs.data import Gathered
from forum_app.packs.manifest import software_version
from forum_app.packs.quotes import (
    MAX_QUOTE_WORDS,
    MIN_DESCRIPTOR_GROUP,
    MIN_REPORTS_FOR_QUOTES,
    SELECTION_RULE,
)
from forum_app.packs.tables import Publisher, fmt, period_words
from forum_app.surveys.reads import IN_PROGRESS, SPAM, SUBMITTED, WITHDRAWN
from forum_app.surveys.support import forum_support
from forum_app.templating import format_date


def methodology(
    publisher: Publisher, forum: Any, survey: Any, now: Gathered, meta: Meta, agreement: str, minimum: int
) -> tuple[Section, ...]:
    """The methodology's sections, in the order the pack prints them. ``agreement``: the paragraph on
    coding agreement; ``minimum``: the fewest families a pack may describe."""
    about = pack_about(forum)
    return (
        Section("Purpose and independence", (_purpose(forum), *about_paragraphs(about, "independence"))),
        Section("Questionnaire and fieldwork", _fieldwork(publisher, survey, now, meta, about)),
        Section("Who answered, and who did not", WHO_ANSWERED),
        Section("Missing answers and 'don't know'", _missing_answers(publisher, now)),
        Section("Coding", _coding(publisher, now, meta, agreement)),
        Section("Statistics", STATISTICS),
        Section("Disclosure control", _disclosure_control(publisher.rules, minimum)),
        Section("Quotes", QUOTES),
        Section("Comparisons with official figures", (OFFICIAL_FIGURES,)),
        Section("Quality assurance and reproducibility", _reproducibility()),
        Section(
            "Data protection",
            (_protection(forum), *about_paragraphs(about, "lawful_basis"), *about_paragraphs(about, "dpia")),
        ),
        Section("Right of reply", (_right_of_reply(meta),)),
        *_contact(forum),
    )


def _purpose(forum: Any) -> str:
    area = forum.local_area or "the area"
    return (
        f"{forum.name} asked families about their experience of SEND services in {area}, to give "
        "inspectors and the local partnership families' view. It produced this pack itself."
    )


def _fieldwork(publisher: Publisher, survey: Any, now: Gathered, meta: Meta, about: Any) -> tuple[str, ...]:
    return (
        f"Survey: {survey.title} (version {meta.survey_versions}). Answers were sent online and "
        f"anonymously, {period_words(now)}.",
        *about_paragraphs(about, "coproduction"),
        *about_paragraphs(about, "formats"),
        *about_paragraphs(about, "reach"),
        _reach(publisher, now, bool(meta.filters)),
        f"{fmt(meta.responses)} families' answers are counted. Answers that looked automated, or that a "
        f"moderator moved to the spam folder, were left out ({fmt(publisher.count(now.spam))}). "
        f"{fmt(publisher.count(now.possible_duplicates))} counted responses were marked as possibly "
        "repeating an earlier one, for a moderator to check; they count unless a moderator rejected them.",
        "Every question, word for word, with who was asked it, is in the annex (the Questionnaire "
        "worksheet of the spreadsheet, questionnaire.csv, and the JSON file).",
    )


WHO_ANSWERED = (
    "One response is one family's report. Families chose to take part: those most unhappy, or most "
    "in touch with the forum, may be over-represented; families who do not use the internet, or "
    "read English less easily, may be under-represented.",
    "T7 sets who answered beside the area's children and young people with SEND, where the forum has "
    "entered the local figures (DfE SEN2 and school census): a ratio above 1 means a group answered "
    "more than its share of the area's families.",
)


def _coding(publisher: Publisher, now: Gathered, meta: Meta, agreement: str) -> tuple[str, ...]:
    return (
        "Free-text answers had personal details removed, were checked by a moderator, given suggested "
        "themes by an automatic coder and then coded by a person, using version "
        f"{meta.codebook_version or 1} of the forum's codebook (16 themes mapped to the inspection "
        "framework). Only answers a person has coded are counted.",
        f"Not yet counted: {fmt(publisher.count(now.awaiting_moderation))} answers awaiting moderation "
        f"and {fmt(publisher.count(now.awaiting_coding))} approved answers not yet coded.",
        agreement,
    )


STATISTICS = (
    "No weighting. Percentages have 95% Wilson score intervals, differences Newcombe's hybrid score "
    "intervals and medians distribution-free intervals, all from the published (rounded) counts.",
    CI_WORDING,
)


def _disclosure_control(rules: disclosure.DisclosureRules, minimum: int) -> tuple[str, ...]:
    return (
        f"Counts of 1 to {rules.threshold} are shown as [c]; other counts are rounded to the nearest "
        f"{rules.base}; 0 stays 0. Totals are rounded from the exact figures. Tables that count the same "
        "families (T2 with T1 and T5; T4 with T7; T3's rows) are protected together: where a [c] could "
        "be narrowed by subtracting published figures, in one table or across tables, further counts are "
        f"suppressed until every [c] could be anything from 1 to {rules.threshold}, and zeros inside a "
        "suppressed total are hidden too. Small groups are merged, never left out, so none can be worked "
        "out from the others. Percentages need a base of at least 20 and are marked [u] below 50; "
        "medians and their intervals need 20 values.",
        f"A pack describes at least {minimum} families. A pack for part of the survey (some months, or "
        f"a group such as an age band) is made only when it holds at least {minimum} families and "
        f"leaves out none or at least {minimum} of those a pack without one of its groups or dates would "
        "count, so that comparing it with such a pack cannot single out a few families. Periods are "
        "whole months, so two packs whose periods differ do so by at least a month.",
    )


QUOTES = (
    f"Quotes come only from themes with at least {MIN_REPORTS_FOR_QUOTES} reports, from families who "
    "ticked a separate box agreeing to be quoted, after personal details were removed and a "
    f"moderator approved them: {SELECTION_RULE}; each at most {MAX_QUOTE_WORDS} words, none repeated. "
    "Each was checked again automatically just before the pack was built: a quote giving a school "
    "year, a month or date, an exact age or a name was left out, not edited. "
    "A quote's descriptor (such as 'parent, secondary age, EHCP') is shown only when at least "
    f"{MIN_DESCRIPTOR_GROUP} families share it.",
)


def _protection(forum: Any) -> str:
    return (
        "No names, IP addresses or exact times are stored with answers. The original words of an "
        "answer are deleted once a moderator approves it, or after "
        f"{moderation_settings(forum).original_days} days. Answers are kept for "
        f"{forum_support(forum).retention_months} months."
    )


def _missing_answers(publisher: Publisher, now: Gathered) -> tuple[str, ...]:
    return (
        "Every question's base is the families who answered it: a question left blank, or not asked "
        "because of an earlier answer, is left out. 'Don't know' and 'not sure' are left out of the base "
        "too and counted beside it in T4.",
        f"Themes are counted over the {fmt(publisher.count(now.text_base))} families whose free-text "
        "answers were coded, not over every family who answered.",
    )


OFFICIAL_FIGURES = (
    "Families' waits are as they remember them, each over the interval its question asked about (T3 "
    "gives it, and compares a wait with a limit only where the two measure the same interval). "
    "Official figures count differently (for example, EHC plans issued within 20 weeks leave "
    "out exceptions and count from the request's date on the council's records), so the two can "
    "differ even when both are right. T3 has a column for the official figure, with its source and "
    "date, beside the families' figure."
)


def _reproducibility() -> tuple[str, ...]:
    return (
        "The same responses, settings and codebook give the same pack, file for file. manifest.json "
        "lists every file with its SHA-256 hash, the filters and the codebook version; the JSON file "
        "holds every figure, word and symbol of the pack, and the annex the codebook and the "
        f"questionnaire word for word. Made with the forum evidence app, version {software_version()}.",
    )


def _contact(forum: Any) -> tuple[Section, ...]:
    """Where to write about the pack: the forum's contact address, when it has given one."""
    email = forum_support(forum).contact_email
    if not email:
        return ()
    words = f"To ask about this pack or the survey, write to {forum.name} at {email}."
    return (Section("Contact", (words,)),)


def _reach(publisher: Publisher, now: Gathered, filtered: bool) -> str:
    """The reach funnel: starts, then what became of them (visits are not counted: no visitor is
    recorded)."""
    # One row whose parts add up to the total: suppressed together, so none can be worked out.
    (sent, unfinished, withdrawn, spam), started = publisher.row(
        [now.started[status] for status in (SUBMITTED, IN_PROGRESS, WITHDRAWN, SPAM)]
    )
    return (
        f"Of the {fmt(started)} families who started the survey in the period"
        + (" (all families, not only this pack's selection)" if filtered else "")
        + f", {fmt(sent)} sent their answers, {fmt(unfinished)} had not finished (unfinished answers are "
        f"never counted, and are deleted after the resume period), {fmt(withdrawn)} withdrew them "
        f"(deleted) and {fmt(spam)} were moved to spam. Visits to the survey page are not counted: the app "
        "keeps no record of visitors."
    )


def _right_of_reply(meta: Meta) -> str:
    if not meta.partnership_seen_on:
        return (
            "This pack does not record that the local area partnership has seen it. A forum may send the "
            "pack to the partnership first and make it again with the partnership's response."
        )
    seen = format_date(date.fromisoformat(meta.partnership_seen_on))
    if meta.partnership_response:
        return (
            f"The local area partnership received the pack on {seen}. Its response is printed as it was "
            "sent, unedited, at the end of the pack."
        )
    return f"The local area partnership received the pack on {seen}. This pack includes no response from it."


GLOSSARY: tuple[tuple[str, str], ...] = (
    ("EHC plan", "Education, health and care plan: a legal document describing a child's needs and support."),
    ("EHC needs assessment", "The assessment that decides whether a child needs an EHC plan."),
    ("CAMHS", "Child and adolescent mental health services."),
    ("SENCO", "Special educational needs co-ordinator, in a school or setting."),
    ("95% CI", "95% confidence interval: see the Statistics section."),
    ("pp", "Percentage points: the difference between two percentages."),
    ("Kappa", "Cohen's kappa: agreement between two coders beyond chance (1 is perfect, 0 is chance)."),
)
