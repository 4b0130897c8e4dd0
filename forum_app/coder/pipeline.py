"""The automatic coder: themes with confidence and evidence, and sentiment, for each answer.

``code_texts`` runs the whole chain: redaction tags blanked out (never features nor evidence), jargon
normalisation, codebook phrases (with negation), the codebook's cross-theme rules, and the statistical
model. A multi-sentence answer is scored as a whole and sentence by sentence (``Model.scored``); a
theme's probability is the whole text's raised towards its best sentence's, and the model evidence then
comes from that sentence. A theme is suggested when the model's
probability reaches that theme's threshold, or when a cross-theme rule fires. Confidence is the
model's probability rescaled so that 0.5 is the theme's threshold (so "above 0.5" always means
"suggested"); a rule lifts it to at least ``RULE_CONFIDENCE``.

Every suggestion carries its evidence, so a human coder can see why: the codebook phrases found
(quoted from the text as written), the cross-theme rule that fired, and the words that weighed most
in the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from forum_app.codebook.shipped import default_codebook
from forum_app.coder.classifier import LONGEST_TEXT, Model, Prepared, Scored, prepare
from forum_app.coder.sentiment import LABELS
from forum_app.coder.shipped_model import default_model

RULE_CONFIDENCE = 0.6
MODEL_EVIDENCE = 3
_ENGLISH = frozenset(
    (
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "have",
        "has",
        "had",
        "not",
        "no",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "my",
        "our",
        "his",
        "her",
        "their",
        "this",
        "that",
        "there",
        "what",
        "when",
        "which",
        "who",
        "school",
        "plan",
        "said",
        "says",
    )
)
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Evidence:
    """Why a theme was suggested. ``kind`` is "phrase", "rule" or "model"."""

    kind: str
    text: str
    detail: str = ""
    weight: float | None = None


@dataclass(frozen=True)
class ThemeSuggestion:
    theme: str
    label: str
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class SentimentResult:
    label: str
    # P(positive) - P(negative): -1 (clearly negative) to 1 (clearly positive).
    score: float
    probabilities: dict[str, float]
    textblob_polarity: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Coding:
    themes: tuple[ThemeSuggestion, ...]
    sentiment: SentimentResult
    # Confidence for every theme, suggested or not.
    scores: dict[str, float]
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Codebook phrases that were found but negated ("we never needed CAMHS").
    negated: tuple[str, ...] = field(default_factory=tuple)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(suggestion.theme for suggestion in self.themes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for theme in data["themes"]:
            theme["evidence"] = [
                {k: v for k, v in item.items() if v not in ("", None)} for item in theme["evidence"]
            ]
        return data


def rescale(probability: float, threshold: float) -> float:
    """Map a probability to a confidence where the theme's threshold becomes 0.5."""
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    if probability < threshold:
        return 0.5 * probability / threshold
    return 0.5 + 0.5 * (probability - threshold) / (1 - threshold)


def _notes(text: str, prepared: Prepared) -> list[str]:
    notes = []
    if prepared.truncated:
        notes.append(f"Only the first {LONGEST_TEXT:,} characters were coded.")
    words = [word.lower() for word in _WORDS.findall(text[:LONGEST_TEXT])]
    if not words:
        notes.append("No words to code.")
    elif len(words) >= 6 and sum(word in _ENGLISH for word in words) / len(words) < 0.08:
        notes.append("This text may not be in English: the suggestions are unreliable.")
    return notes


def _phrase_evidence(prepared: Prepared, theme: str) -> list[Evidence]:
    seen = set()
    evidence = []
    for hit in prepared.hits:
        if hit.theme == theme and not hit.negated:
            quote = prepared.normalised.quote(hit.start, hit.end)
            if quote.lower() not in seen:
                seen.add(quote.lower())
                evidence.append(Evidence("phrase", quote, f"codebook phrase “{hit.phrase}”"))
    for rule_hit in prepared.rule_hits:
        if theme in rule_hit.rule.themes:
            quote = prepared.normalised.quote(rule_hit.start, rule_hit.end)
            evidence.append(Evidence("rule", quote, rule_hit.rule.description))
    return evidence


def _model_evidence(model: Model, indices: Any, values: Any, column: int, limit: int) -> list[Evidence]:
    """The words (or, failing those, character n-grams) that pushed this theme up most in this text.

    The codebook-phrase and rule features are left out here: the phrase and rule evidence already
    shows them, with the words quoted.
    """
    n_words = len(model.word_terms)
    n_text = n_words + len(model.char_terms)
    in_text = indices < n_text
    indices, values = indices[in_text], values[in_text]
    contributions = values * model.theme_coef[column, indices]
    order = np.argsort(-contributions)
    names = model.feature_names
    words: list[Evidence] = []
    chars: list[Evidence] = []
    for position in order:
        value = float(contributions[position])
        if value <= 0 or len(words) >= limit:
            break
        index = int(indices[position])
        if index < n_words:
            words.append(Evidence("model", str(names[index]), "word weight", round(value, 3)))
        elif len(chars) < limit:
            chars.append(Evidence("model", str(names[index]), "character n-gram weight", round(value, 3)))
    return words or chars


def _row(features: Any, row: int) -> tuple[Any, Any]:
    row_slice = slice(features.indptr[row], features.indptr[row + 1])
    return features.indices[row_slice], features.data[row_slice]


def _sentence_rows(owner: np.ndarray, n_texts: int) -> list[np.ndarray]:
    """For each text, the rows of its sentences in ``Scored.sentence_features``."""
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(n_texts + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n_texts)]


def _evidence_row(scored: Scored, rows: np.ndarray, column: int, whole: tuple[Any, Any]) -> tuple[Any, Any]:
    """The features of the sentence that carried a theme (if one scored above the whole text)."""
    if not len(rows):
        return whole
    best = int(rows[int(np.argmax(scored.sentence_probabilities[rows, column]))])
    owner = int(scored.sentence_owner[best])
    if scored.sentence_probabilities[best, column] <= scored.whole_probabilities[owner, column]:
        return whole
    return _row(scored.sentence_features, best)


def code_prepared(prepared: Sequence[Prepared], texts: Sequence[str], model: Model) -> list[Coding]:
    if not prepared:
        return []
    codebook = default_codebook()
    labels = {theme.id: theme.label for theme in codebook.themes}
    scored = model.scored(prepared)
    features, probabilities = scored.features, scored.probabilities
    sentiment = model.sentiment_probabilities(features)
    sentence_rows = _sentence_rows(scored.sentence_owner, len(prepared))
    codings = []
    for row_index, item in enumerate(prepared):
        whole_row = _row(features, row_index)
        forced = {theme for rule_hit in item.rule_hits for theme in rule_hit.rule.themes}
        scores: dict[str, float] = {}
        suggestions = []
        for column, theme in enumerate(model.theme_ids):
            confidence = rescale(float(probabilities[row_index, column]), float(model.thresholds[column]))
            if theme in forced:
                confidence = max(confidence, RULE_CONFIDENCE)
            confidence = round(min(max(confidence, 0.0), 1.0), 4)
            scores[theme] = confidence
            if confidence >= 0.5:
                evidence = _phrase_evidence(item, theme)
                indices, values = _evidence_row(scored, sentence_rows[row_index], column, whole_row)
                evidence.extend(_model_evidence(model, indices, values, column, MODEL_EVIDENCE))
                if not evidence:
                    evidence.append(Evidence("model", "the text as a whole", "no single feature stood out"))
                suggestions.append(
                    ThemeSuggestion(theme, labels.get(theme, theme), confidence, tuple(evidence))
                )
        suggestions.sort(key=lambda suggestion: -suggestion.confidence)
        probs = {label: round(float(sentiment[row_index, i]), 4) for i, label in enumerate(LABELS)}
        cue_quotes = [f"{name}: “{cues[0].quote}”" for name, cues in item.cues.items() if cues]
        codings.append(
            Coding(
                themes=tuple(suggestions),
                sentiment=SentimentResult(
                    label=LABELS[int(np.argmax(sentiment[row_index]))],
                    score=round(probs["positive"] - probs["negative"], 4),
                    probabilities=probs,
                    textblob_polarity=round(item.polarity, 4),
                    cues=tuple(cue_quotes),
                ),
                scores=scores,
                notes=tuple(_notes(texts[row_index], item)),
                negated=tuple(item.normalised.quote(hit.start, hit.end) for hit in item.hits if hit.negated),
            )
        )
    return codings


def code_texts(texts: Sequence[str], model: Model | None = None) -> list[Coding]:
    """Code many texts at once (faster than one by one)."""
    model = model or default_model()
    cleaned = [text if isinstance(text, str) else "" for text in texts]
    return code_prepared([prepare(text) for text in cleaned], cleaned, model)


def code_text(text: str, model: Model | None = None) -> Coding:
    """Code one free-text answer."""
    return code_texts([text], model)[0]
