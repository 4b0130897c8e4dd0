"""A survey on paper, made from its definition: for families who will not fill in a web form, and for
forum staff to hand out at events. Every question in order, numbered, with its hint; tick boxes for
options, lines to write on, boxes for numbers and dates; the routing in words ("Answer this only if you
ticked ‘Yes’ at question 4"); the privacy summary; and where to send it back.

The same contents print as a web page (to print from a browser) and as an A4 tagged PDF (PDF/UA-1),
made by WeasyPrint with a URL fetcher that refuses every address, as the poster is. The words of the
page itself are in the template (``templates/builder/paper.html``), so they can be translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session
from weasyprint import HTML

from forum_app.builder.drafts import draft_of
from forum_app.builder.sharing import BASE_URL, PDF_VARIANT, RefuseAllURLs, published
from forum_app.surveys.definitions import Question, SurveyDefinition, parse_definition
from forum_app.surveys.models import Survey
from forum_app.surveys.support import forum_support

TEXT_LINES = 6  # lines to write on under a question asking for the family's own words
DEFAULT_DIGITS = 4  # boxes for a number with no maximum (the runner takes up to 10,000)
MAX_DIGITS = 6
# Hints written for the web form that the paper's own instruction ("Tick all that apply") replaces.
_WEB_ONLY_HINT = re.compile(r"(select|choose|tick) (all that apply|one( option)?)\.?", re.IGNORECASE)

# How each kind of question is printed: the template has one block for each of these.
LAYOUTS = {
    "radio": "tick_one",
    "rating": "tick_one",
    "checkboxes": "tick_many",
    "text": "lines",
    "number": "number",
    "duration": "duration",
    "month": "month",
    "consent": "consent",
}


@dataclass(frozen=True)
class PaperOption:
    label: str
    on_its_own: bool = False  # "None of these": ticked alone, never with another box


@dataclass(frozen=True)
class Routing:
    """Answer this question only if one of ``labels`` was ticked at question ``number``; if not, go on
    to question ``skip_to`` (None: the questions end here)."""

    number: int
    labels: tuple[str, ...]
    skip_to: int | None


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    title: str
    hint: str
    layout: str  # one of ``LAYOUTS``' values
    optional: bool = False
    options: tuple[PaperOption, ...] = ()
    routing: Routing | None = None
    label: str = ""  # a consent question's tick box
    digits: int = 0  # a number's boxes
    minimum: int | None = None
    maximum: int | None = None
    lines: int = 0


@dataclass(frozen=True)
class Paper:
    """What the paper version prints, ready made."""

    slug: str
    forum: str
    area: str  # the forum's local area, or ""
    title: str
    summary: str
    minutes: int
    questions: tuple[PaperQuestion, ...]
    retention_months: int
    contact_email: str  # or ""
    privacy_link: str  # the full privacy notice online, or "" for a survey not published
    version: int | None  # the published version printed; None: the draft (nothing is published yet)
    language: str  # the language its words are in
    languages: tuple[str, ...]  # the languages, besides English, it can be printed in


def printed_definition(
    session: Session, survey: Survey, language: str = "en"
) -> tuple[SurveyDefinition, int | None]:
    """What the paper prints, its words in ``language`` where translated: the latest published version
    and its number, or the draft (and None) when nothing is published. Raises LookupError for a survey
    with neither."""
    if published(survey):
        latest = survey.versions[-1]
        return parse_definition(latest.definition, language), latest.number
    return parse_definition(draft_of(session, survey.id).document, language), None


def print_languages(session: Session, survey: Survey, shipped: frozenset[str]) -> tuple[str, ...]:
    """The languages among ``shipped``, besides English, the paper version can be printed in."""
    try:
        definition, _version = printed_definition(session, survey)
    except LookupError:
        return ()
    return tuple(code for code in definition.languages if code in shipped)


def _hint(question: Question) -> str:
    hint = " ".join(question.hint.split())
    return "" if _WEB_ONLY_HINT.fullmatch(hint) else hint


def _digits(question: Question) -> int:
    if question.maximum is None:
        return DEFAULT_DIGITS
    widest = max(len(str(abs(question.maximum))), len(str(abs(question.minimum or 0))))
    return min(max(widest, 1), MAX_DIGITS)


def _routing(definition: SurveyDefinition, index: int) -> Routing | None:
    """The routing of the question at ``index`` in words' parts: which ticks at which question lead to
    it, and where to go otherwise: the next question neither asked on the same condition nor only after
    an answer to one skipped."""
    questions = definition.questions
    condition = questions[index].show_if
    if condition is None:
        return None
    numbers = {question.key: number for number, question in enumerate(questions, start=1)}
    asked = definition.question(condition.question)
    labels = tuple(asked.option_label(value) if asked else value for value in condition.any_of)
    skipped, skip_to = {questions[index].key}, None
    for later in questions[index + 1 :]:
        if later.show_if is None or (later.show_if != condition and later.show_if.question not in skipped):
            skip_to = numbers[later.key]
            break
        skipped.add(later.key)
    return Routing(numbers.get(condition.question, 0), labels, skip_to)


def paper_question(question: Question, number: int, routing: Routing | None) -> PaperQuestion:
    """One question as printed: its layout, options, boxes or lines."""
    layout = LAYOUTS[question.kind]
    return PaperQuestion(
        number=number,
        title=question.title,
        hint=_hint(question),
        layout=layout,
        optional=not question.required and question.kind != "consent",
        options=tuple(PaperOption(o.label, o.exclusive) for o in question.options),
        routing=routing,
        label=question.label,
        digits=_digits(question) if layout == "number" else 0,
        minimum=question.minimum,
        maximum=question.maximum,
        lines=TEXT_LINES if layout == "lines" else 0,
    )


def paper_contents(session: Session, survey: Survey, privacy_link: str = "", language: str = "en") -> Paper:
    """The paper version of ``survey`` (see ``printed_definition``) in ``language`` where translated;
    ``privacy_link``: the address of its full privacy notice, printed only for a published survey."""
    definition, version = printed_definition(session, survey, language)
    questions = tuple(
        paper_question(question, index + 1, _routing(definition, index))
        for index, question in enumerate(definition.questions)
    )
    support = forum_support(survey.forum)
    return Paper(
        slug=survey.slug,
        forum=survey.forum.name,
        area=survey.forum.local_area or "",
        title=definition.title,
        summary=definition.summary,
        minutes=definition.minutes,
        questions=questions,
        retention_months=support.retention_months,
        contact_email=support.contact_email or "",
        privacy_link=privacy_link if version is not None else "",
        version=version,
        language=definition.language,
        languages=definition.languages,
    )


def print_pdf(html: str) -> bytes:
    """The paper version's HTML (with its stylesheet inlined) printed as an A4 tagged PDF (PDF/UA-1):
    the document's title and language, headings, lists of tick boxes."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=RefuseAllURLs())
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
