"""The reliability figures of a double-coded sample, and a summary of them for evidence packs.

Per theme, Cohen's kappa and percentage agreement over the answers both people coded (an answer coded by
one person only is left out, and the report says how many were); Krippendorff's alpha over every theme
decision and for sentiment; and the automatic coder's agreement with each person and with the agreed
coding (what both chose where they chose the same, else what a lead settled). The statistics themselves
are ``statistics.compare``; this module chooses what goes into them. Nothing here writes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import krippendorff
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding
from forum_app.agreement.sampling import (
    Choice,
    Progress,
    SampleError,
    percent_of_answers,
    progress,
    theme_choices,
)
from forum_app.agreement.statistics import compare
from forum_app.codebook.models import CodebookVersion
from forum_app.coding.models import CodedAnswer, CodingDecision

# Landis and Koch (1977): how strong an agreement a kappa describes.
BANDS = ((0.80, "almost perfect"), (0.60, "substantial"), (0.40, "moderate"), (0.20, "fair"), (0.0, "slight"))


# --- formatting (the report's figures as they are printed) -------------------------------------


def _rounded(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0: never "-0.00"


def kappa_text(value: float | None) -> str:
    return "not computable" if value is None else f"{_rounded(value):.2f}"


def percent_text(value: float | None) -> str:
    return "not computable" if value is None else f"{value:.1f}%"


def strength(kappa: float | None) -> str:
    """The Landis and Koch band of a kappa (or alpha): "poor" below 0, up to "almost perfect"."""
    if kappa is None:
        return ""
    value = _rounded(kappa)
    if value < 0:
        return "poor"
    return next(band for floor, band in BANDS if value > floor or floor == 0.0)


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    label: str
    n: int
    both: int
    either: int
    percent: float | None
    kappa: float | None

    @property
    def kappa_text(self) -> str:
        return kappa_text(self.kappa)

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)

    @property
    def strength(self) -> str:
        return strength(self.kappa)


@dataclass(frozen=True)
class SentimentAgreement:
    n: int
    percent: float | None
    kappa: float | None  # Cohen's kappa over the four categories
    alpha: float | None  # Krippendorff's alpha, nominal

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)

    @property
    def kappa_text(self) -> str:
        return kappa_text(self.kappa)

    @property
    def alpha_text(self) -> str:
        return kappa_text(self.alpha)


@dataclass(frozen=True)
class Comparison:
    """Two codings of the same answers compared: per theme, over all theme decisions, and sentiment."""

    label: str
    against: str  # for the automatic coder: the person or coding it is compared with
    n: int
    rows: list[ThemeRow]
    alpha: float | None
    sentiment: SentimentAgreement

    @property
    def computable(self) -> int:
        return sum(row.kappa is not None for row in self.rows)

    @property
    def mean_kappa(self) -> float | None:
        """The macro average: the mean of the per-theme kappas that could be computed."""
        kappas = [row.kappa for row in self.rows if row.kappa is not None]
        return sum(kappas) / len(kappas) if kappas else None

    @property
    def mean_percent(self) -> float | None:
        percents = [row.percent for row in self.rows if row.percent is not None]
        return sum(percents) / len(percents) if percents else None

    @property
    def mean_kappa_text(self) -> str:
        return kappa_text(self.mean_kappa)

    @property
    def mean_strength(self) -> str:
        return strength(self.mean_kappa)

    @property
    def mean_percent_text(self) -> str:
        return percent_text(self.mean_percent)

    @property
    def alpha_text(self) -> str:
        return kappa_text(self.alpha)

    def row(self, theme: str) -> ThemeRow:
        return next(row for row in self.rows if row.theme == theme)


@dataclass(frozen=True)
class AutoRow:
    """One theme's kappa between the automatic coder and each reference, for the report's table."""

    label: str
    kappas: list[str]


@dataclass(frozen=True)
class SampleReport:
    sample_id: int
    name: str
    created_on: date
    percent: str
    codebook_version: int
    progress: Progress
    people: Comparison  # the two people, over the answers both coded
    auto: list[Comparison]  # the automatic coder against the first person, the second, the agreed coding
    disagreements: int
    resolved: int

    @property
    def excluded(self) -> int:
        """Answers coded by one person only: left out of every figure, as reviewers expect."""
        return self.progress.one

    @property
    def auto_rows(self) -> list[AutoRow]:
        return [
            AutoRow(row.label, [comparison.rows[i].kappa_text for comparison in self.auto])
            for i, row in enumerate(self.people.rows)
        ]


def nominal_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa for two coders' choices among several categories (such as sentiment)."""
    n = len(first)
    if n == 0 or n != len(second):
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    expected = sum((first.count(c) / n) * (second.count(c) / n) for c in set(first) | set(second))
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def sentiment_agreement(first: Mapping[str, str], second: Mapping[str, str]) -> SentimentAgreement:
    """Sentiment agreement over the answers both codings cover."""
    shared = sorted(set(first) & set(second))
    a, b = [first[key] for key in shared], [second[key] for key in shared]
    if not shared:
        return SentimentAgreement(0, None, None, None)
    percent = 100 * sum(x == y for x, y in zip(a, b, strict=True)) / len(shared)
    alpha = None
    if len(set(a) | set(b)) > 1:
        codes = {value: float(i) for i, value in enumerate(sorted(set(a) | set(b)))}
        data = np.array([[codes[x] for x in a], [codes[y] for y in b]])
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return SentimentAgreement(len(shared), percent, nominal_kappa(a, b), alpha)


@dataclass(frozen=True)
class _Coding:
    """One coding of a sample's answers, keyed by item id (as text): each one's themes and sentiment."""

    themes: dict[str, list[str]]
    sentiment: dict[str, str]


def _comparison(
    label: str, against: str, first: _Coding, second: _Coding, themes: list[Choice]
) -> Comparison:
    result = compare(first.themes, second.themes, [choice.value for choice in themes])
    rows = [
        ThemeRow(
            choice.value,
            choice.label,
            result.per_theme[choice.value].n,
            result.per_theme[choice.value].both,
            result.per_theme[choice.value].either,
            result.per_theme[choice.value].percent,
            result.per_theme[choice.value].kappa,
        )
        for choice in themes
    ]
    return Comparison(
        label, against, result.n, rows, result.alpha, sentiment_agreement(first.sentiment, second.sentiment)
    )


@dataclass(frozen=True)
class SampleCodings:
    """Everything the figures need about one sample, read in a few queries."""

    items: list[AgreementItem]
    first: dict[int, BlindCoding]  # item id -> coding
    second: dict[int, BlindCoding]
    auto: dict[int, CodedAnswer]  # answer id -> its automatic coding
    resolutions: dict[int, dict[str, Any]]  # answer id -> the state a "resolve" decision set


def sample_codings(session: Session, sample: AgreementSample) -> SampleCodings:
    items = list(
        session.scalars(
            select(AgreementItem).where(AgreementItem.sample_id == sample.id).order_by(AgreementItem.position)
        )
    )
    first: dict[int, BlindCoding] = {}
    second: dict[int, BlindCoding] = {}
    for coding in session.scalars(
        select(BlindCoding)
        .join(AgreementItem, AgreementItem.id == BlindCoding.item_id)
        .where(AgreementItem.sample_id == sample.id)
    ):
        if coding.coder_id == sample.first_coder_id:
            first[coding.item_id] = coding
        elif coding.coder_id == sample.second_coder_id:
            second[coding.item_id] = coding
    answer_ids = [item.answer_id for item in items]
    auto = {
        coded.answer_id: coded
        for coded in session.scalars(select(CodedAnswer).where(CodedAnswer.answer_id.in_(answer_ids)))
    }
    resolved_ids = [item.answer_id for item in items if item.resolved_at is not None]
    resolutions: dict[int, dict[str, Any]] = {}
    # The latest resolution of each resolved answer that has not been undone.
    for decision in session.scalars(
        select(CodingDecision)
        .where(
            CodingDecision.answer_id.in_(resolved_ids),
            CodingDecision.kind == "resolve",
            CodingDecision.undone.is_(False),
        )
        .order_by(CodingDecision.decided_at, CodingDecision.id)
    ):
        resolutions[decision.answer_id] = decision.after
    return SampleCodings(items, first, second, auto, resolutions)


def codings_differ(a: BlindCoding, b: BlindCoding) -> bool:
    return sorted(a.themes) != sorted(b.themes) or a.sentiment != b.sentiment


def _person(codings: dict[int, BlindCoding]) -> _Coding:
    """One person's blind coding of the sample."""
    return _Coding(
        {str(item_id): list(coding.themes) for item_id, coding in codings.items()},
        {str(item_id): coding.sentiment for item_id, coding in codings.items()},
    )


def _automatic(data: SampleCodings) -> _Coding:
    """The automatic coder's suggestions for the sample's answers (those it has coded)."""
    found = _Coding({}, {})
    for item in data.items:
        coded = data.auto.get(item.answer_id)
        if coded is not None:
            found.themes[str(item.id)] = [str(s["theme"]) for s in coded.suggestions]
            found.sentiment[str(item.id)] = coded.auto_sentiment
    return found


def _both_coded(data: SampleCodings) -> Iterator[tuple[AgreementItem, BlindCoding, BlindCoding]]:
    """The sample's answers both people have coded, with their two codings."""
    for item in data.items:
        a, b = data.first.get(item.id), data.second.get(item.id)
        if a is not None and b is not None:
            yield item, a, b


def _agreed(data: SampleCodings) -> _Coding:
    """The agreed coding: what a lead settled, else what both chose where they chose the same."""
    found = _Coding({}, {})
    for item, a, b in _both_coded(data):
        key = str(item.id)
        resolution = data.resolutions.get(item.answer_id) if item.resolved_at is not None else None
        if resolution is not None:
            found.themes[key] = list(resolution["themes"])
            found.sentiment[key] = str(resolution["sentiment"])
            continue
        if sorted(a.themes) == sorted(b.themes):
            found.themes[key] = list(a.themes)
        if a.sentiment == b.sentiment:
            found.sentiment[key] = a.sentiment
    return found


def _count_disagreements(data: SampleCodings) -> tuple[int, int]:
    """How many answers the two people coded differently, and how many of those a lead has resolved."""
    disagreements = resolved = 0
    for item, a, b in _both_coded(data):
        if codings_differ(a, b):
            disagreements += 1
            resolved += item.resolved_at is not None
    return disagreements, resolved


def sample_report(session: Session, sample_id: int) -> SampleReport:
    """The reliability figures of one sample (the caller has checked it is the forum's own)."""
    sample = session.get(AgreementSample, sample_id)
    if sample is None:
        raise SampleError("There is no such sample.")
    state = progress(session, sample)
    themes = theme_choices(session, sample)
    data = sample_codings(session, sample)
    first, second, auto = _person(data.first), _person(data.second), _automatic(data)
    first_name, second_name = state.first.name, state.second.name
    disagreements, resolved = _count_disagreements(data)
    version = session.get(CodebookVersion, sample.codebook_version_id)
    return SampleReport(
        sample_id=sample.id,
        name=sample.name,
        created_on=sample.created_at.date(),
        percent=percent_of_answers(sample.fraction),
        codebook_version=version.version if version else 0,
        progress=state,
        people=_comparison("The two people", "", first, second, themes),
        auto=[
            _comparison(f"Automatic coder and {first_name}", first_name, auto, first, themes),
            _comparison(f"Automatic coder and {second_name}", second_name, auto, second, themes),
            _comparison(
                "Automatic coder and the agreed coding", "The agreed coding", auto, _agreed(data), themes
            ),
        ],
        disagreements=disagreements,
        resolved=resolved,
    )


# --- for the evidence pack's methodology ----------------------------------------------------------


# Fewer double-coded answers than this: the pack warns that the agreement figures are uncertain.
SMALL_SAMPLE = 50


@dataclass(frozen=True)
class AgreementSummary:
    """The reliability of a forum's coding, from its latest sample with answers coded by both people."""

    sample_id: int
    sample_name: str
    created_on: date
    percent: str  # the share of answers sampled, e.g. "15%"
    codebook_version: int
    n_sampled: int
    n_double_coded: int
    n_single_coded: int  # left out of the figures
    complete: bool
    mean_kappa: float | None  # the mean of the per-theme kappas that could be computed
    themes_with_kappa: int
    themes: int
    alpha: float | None  # Krippendorff's alpha over every theme decision
    sentiment_percent: float | None
    sentiment_alpha: float | None
    auto_vs_people_kappa: float | None  # the automatic coder against each person, per-theme kappas pooled
    auto_vs_agreed_kappa: float | None

    @property
    def caution(self) -> str:
        """ "based on 18 double-coded answers (fewer than 50), so treat it with caution." when the figures
        rest on few answers, else "": a kappa from a small sample varies widely by chance."""
        if self.n_double_coded >= SMALL_SAMPLE:
            return ""
        answers = "answer" if self.n_double_coded == 1 else "answers"
        return (
            f"based on {self.n_double_coded} double-coded {answers} (fewer than {SMALL_SAMPLE}), so treat it "
            "with caution."
        )

    @property
    def methodology(self) -> str:
        """A paragraph for the evidence pack, in plain English."""
        text = (
            f"To check that coding is consistent, two people coded a random {self.percent} sample of "
            f"answers ({self.n_sampled}) without seeing each other's coding or the automatic suggestions, "
            f"using version {self.codebook_version} of the codebook. Over the {self.n_double_coded} answers "
            f"both coded, the mean Cohen's kappa across {self.themes_with_kappa} of {self.themes} themes was "
            f"{kappa_text(self.mean_kappa)}"
        )
        if self.mean_kappa is not None:
            text += f" ({strength(self.mean_kappa)} agreement on the Landis and Koch scale)"
        text += f" and Krippendorff's alpha was {kappa_text(self.alpha)}."
        if self.n_single_coded:
            text += f" {self.n_single_coded} answers coded by only one person were left out."
        if self.auto_vs_people_kappa is not None:
            text += (
                f" The automatic coder's mean kappa against the two people was "
                f"{kappa_text(self.auto_vs_people_kappa)}."
            )
        if self.caution:
            text += f" This agreement is {self.caution}"
        return text


def _mean(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


def forum_agreement_summary(session: Session, forum_id: int) -> AgreementSummary | None:
    """The figures of the forum's latest sample that has answers coded by both people, or None."""
    for sample in session.scalars(
        select(AgreementSample)
        .where(AgreementSample.forum_id == forum_id)
        .order_by(AgreementSample.created_at.desc(), AgreementSample.id.desc())
    ):
        if progress(session, sample).both == 0:
            continue
        report = sample_report(session, sample.id)
        people = report.people
        return AgreementSummary(
            sample_id=sample.id,
            sample_name=report.name,
            created_on=report.created_on,
            percent=report.percent,
            codebook_version=report.codebook_version,
            n_sampled=report.progress.total,
            n_double_coded=people.n,
            n_single_coded=report.excluded,
            complete=report.progress.complete,
            mean_kappa=people.mean_kappa,
            themes_with_kappa=people.computable,
            themes=len(people.rows),
            alpha=people.alpha,
            sentiment_percent=people.sentiment.percent,
            sentiment_alpha=people.sentiment.alpha,
            auto_vs_people_kappa=_mean(
                row.kappa for comparison in report.auto[:2] for row in comparison.rows
            ),
            auto_vs_agreed_kappa=report.auto[2].mean_kappa,
        )
    return None
