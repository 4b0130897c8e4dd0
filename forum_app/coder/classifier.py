"""The statistical part of the coder: features, training, and the shipped parameters.

Features for each text (after jargon normalisation, with negated phrases blanked out):

- word 1-2-grams and character 2-5-grams (``char_wb``), TF-IDF weighted with sublinear term frequency;
- a small block of explainable features: for each theme, how many codebook indicator phrases were
  found and whether a cross-theme rule fired; the sentiment cue counts; TextBlob's polarity and
  subjectivity.

Themes: one-vs-rest logistic regression (``class_weight="balanced"``), one threshold per theme chosen
on out-of-fold predictions (never on the lines it is judged on). Texts of several sentences are also
scored sentence by sentence and combined (``Model.scored``, ``sentence_weight``); themes the words
alone suggest too often need one of their codebook phrases or a high probability (``phrase_gate``).
Sentiment: a multinomial logistic regression on the same features.

Training is deterministic. The default model is trained on the labelled lines packaged in ``data/``
(``shipped_model``); a model is saved and read as plain arrays, never pickled (``model_files``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import sparse

from forum_app.codebook.shipped import Codebook, default_codebook
from forum_app.coder.indicators import Hit, TextIndex, find_indicators, mask_negated
from forum_app.coder.jargon import Normalised, normalise
from forum_app.coder.rules import RuleHit, find_rules
from forum_app.coder.sentences import blank_tags, sentence_spans
from forum_app.coder.sentiment import (
    CUE_NAMES,
    LABELS,
    Cue,
    contrast_features,
    cue_counts,
    find_cues,
    textblob_sentiment,
)

# Texts longer than this are coded on their first LONGEST_TEXT characters.
LONGEST_TEXT = 20_000

DEFAULT_PARAMS: dict[str, Any] = {
    "word_ngrams": [1, 2],
    "char_ngrams": [2, 5],
    "min_df": 2,
    "theme_c": 10.0,
    "sentiment_c": 4.0,
    "extra_weight": 0.5,
    "threshold_folds": 5,
    "threshold_grid": [0.1, 0.9, 0.01],
    "threshold_smoothing": 0.05,
    # "group": threshold folds keep each example group (register, forum) together, so thresholds
    # are chosen for text unlike the training text; "random": near-duplicate-aware random folds.
    "threshold_folds_by": "group",
    "seed": 20250601,
    # A theme's probability in a multi-sentence text: the whole text's, raised by this share of the
    # gap to its best sentence's (0: the whole text only; 1: the maximum of the two).
    "sentence_weight": 0.7,
    # Themes suggested from the words alone far too often: without one of their codebook phrases
    # (or a cross-theme rule) only the part of their probability above this floor counts.
    "phrase_gate": {"leadership_commissioning": 0.6},
}


@dataclass(frozen=True)
class Example:
    """One labelled text: what the coder learns from (and a forum's confirmed codings later)."""

    text: str
    themes: tuple[str, ...]
    sentiment: str
    # Where the text came from (a register, a forum): training folds keep groups apart.
    group: str = ""


@dataclass(frozen=True)
class Prepared:
    """Everything the coder reads from one text before the statistical model."""

    normalised: Normalised
    model_text: str
    hits: tuple[Hit, ...]
    rule_hits: tuple[RuleHit, ...]
    cues: dict[str, list[Cue]]
    contrast: tuple[float, ...]
    polarity: float
    subjectivity: float
    truncated: bool
    # Sentences (or pieces of a run-on answer) of ``model_text``; empty for a single sentence.
    sentences: tuple[tuple[int, int], ...] = ()


def prepare(text: str) -> Prepared:
    truncated = len(text) > LONGEST_TEXT
    normalised = normalise(blank_tags(text[:LONGEST_TEXT]))
    index = TextIndex.of(normalised.text)
    hits = tuple(find_indicators(index))
    rule_hits = tuple(find_rules(index))
    polarity, subjectivity = textblob_sentiment(normalised.text)
    cues = find_cues(normalised.text, index)
    model_text = mask_negated(normalised.text, hits)
    return Prepared(
        normalised=normalised,
        model_text=model_text,
        hits=hits,
        rule_hits=rule_hits,
        cues=cues,
        contrast=tuple(contrast_features(normalised.text, cues)),
        polarity=polarity,
        subjectivity=subjectivity,
        truncated=truncated,
        sentences=sentence_spans(model_text),
    )


def extra_feature_names(theme_ids: Sequence[str]) -> list[str]:
    return (
        [f"codebook phrases: {theme}" for theme in theme_ids]
        + [f"cross-theme rule: {theme}" for theme in theme_ids]
        + [f"sentiment cue: {name}" for name in CUE_NAMES]
        + ["TextBlob polarity", "TextBlob positive", "TextBlob negative", "TextBlob subjectivity"]
        + [
            "contrast (but/however)",
            "polarity after the contrast",
            "negative cues after it",
            "positive cues after it",
        ]
    )


def extra_features(
    prepared: Prepared, theme_ids: Sequence[str], span: tuple[int, int] | None = None
) -> list[float]:
    """The explainable features of a text, or of the sentence ``span`` of it (its codebook phrases
    and rules; the sentiment features are the whole text's)."""
    position = {theme: index for index, theme in enumerate(theme_ids)}
    start, end = span or (0, len(prepared.model_text))
    phrases = [0.0] * len(theme_ids)
    for hit in prepared.hits:
        if not hit.negated and hit.theme in position and start <= hit.start < end:
            phrases[position[hit.theme]] += 1.0
    rules = [0.0] * len(theme_ids)
    for rule_hit in prepared.rule_hits:
        if start <= rule_hit.start < end:
            for theme in rule_hit.rule.themes:
                if theme in position:
                    rules[position[theme]] = 1.0
    return (
        [math.log1p(count) for count in phrases]
        + rules
        + [math.log1p(count) for count in cue_counts(prepared.cues)]
        + [
            prepared.polarity,
            max(prepared.polarity, 0.0),
            max(-prepared.polarity, 0.0),
            prepared.subjectivity,
        ]
        + [
            prepared.contrast[0],
            prepared.contrast[1],
            math.log1p(prepared.contrast[2]),
            math.log1p(prepared.contrast[3]),
        ]
    )


def _vectorizer(kind: str, params: dict[str, Any], vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "word":
        return TfidfVectorizer(
            ngram_range=tuple(params["word_ngrams"]),
            sublinear_tf=True,
            min_df=params["min_df"],
            vocabulary=vocabulary,
            dtype=np.float64,
        )
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(params["char_ngrams"]),
        sublinear_tf=True,
        min_df=params["min_df"],
        vocabulary=vocabulary,
        dtype=np.float64,
    )


@dataclass
class Model:
    """A trained coder: plain arrays, so it can be saved without pickle and rebuilt anywhere."""

    theme_ids: tuple[str, ...]
    word_terms: np.ndarray
    word_idf: np.ndarray
    char_terms: np.ndarray
    char_idf: np.ndarray
    theme_coef: np.ndarray
    theme_intercept: np.ndarray
    thresholds: np.ndarray
    sentiment_coef: np.ndarray
    sentiment_intercept: np.ndarray
    params: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    _vectorizers: tuple[Any, Any] | None = field(default=None, repr=False, compare=False)
    _names: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def feature_names(self) -> np.ndarray:
        """Readable names of every feature column (character n-grams in quotes)."""
        if self._names is None:
            names = [str(t) for t in self.word_terms] + [f"“{t}”" for t in self.char_terms]
            self._names = np.array(names + extra_feature_names(self.theme_ids), dtype=object)
        return self._names

    def vectorizers(self) -> tuple[Any, Any]:
        if self._vectorizers is None:
            word = _vectorizer("word", self.params, {str(t): i for i, t in enumerate(self.word_terms)})
            word.idf_ = self.word_idf
            char = _vectorizer("char", self.params, {str(t): i for i, t in enumerate(self.char_terms)})
            char.idf_ = self.char_idf
            self._vectorizers = (word, char)
        return self._vectorizers

    def features(self, prepared: Sequence[Prepared]) -> sparse.csr_matrix:
        """One feature row per text."""
        return self._vectorised(prepared, with_sentences=False)[0]

    def _vectorised(
        self, prepared: Sequence[Prepared], with_sentences: bool
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray, list[tuple[int, int]]]:
        """Feature rows of the texts, n-gram counts of their pieces, each piece's text and span.

        The texts are vectorised once, sentence by sentence: a text's n-gram counts are the sum of
        its sentences' (spans end at whitespace), so both come from one pass of each vectoriser.
        """
        from sklearn.feature_extraction.text import CountVectorizer

        word, char = self.vectorizers()
        pieces: list[str] = []
        piece_owner: list[int] = []
        piece_spans: list[tuple[int, int]] = []
        for row, item in enumerate(prepared):
            spans = item.sentences if with_sentences else ()
            if spans:
                pieces.extend(item.model_text[a:b] for a, b in spans)
                piece_owner.extend([row] * len(spans))
                piece_spans.extend(spans)
            else:
                pieces.append(item.model_text)
                piece_owner.append(row)
                piece_spans.append((0, len(item.model_text)))
        owner = np.asarray(piece_owner, dtype=np.int64)
        counts = sparse.hstack(
            [CountVectorizer.transform(word, pieces), CountVectorizer.transform(char, pieces)], format="csr"
        )
        idf = np.concatenate([self.word_idf, self.char_idf])
        n_texts = len(prepared)
        summing = sparse.csr_matrix(
            (np.ones(len(pieces)), (owner, np.arange(len(pieces)))), shape=(n_texts, len(pieces))
        )
        whole = self._weighted(summing @ counts, idf)
        extra = [extra_features(item, self.theme_ids) for item in prepared]
        return self._with_extra(whole, extra), counts, owner, piece_spans

    def scored(self, prepared: Sequence[Prepared]) -> Scored:
        """Feature rows of the texts and of their sentences, and the combined theme probabilities."""
        features, counts, owner, piece_spans = self._vectorised(prepared, with_sentences=True)
        idf = np.concatenate([self.word_idf, self.char_idf])
        n_texts = len(prepared)
        whole_probabilities = self.theme_probabilities(features)
        counted = np.bincount(owner, minlength=n_texts)
        rows = np.flatnonzero(counted[owner] > 1)
        if len(rows) == 0:
            combined = self._gated(whole_probabilities.copy(), prepared)
            empty = sparse.csr_matrix((0, features.shape[1]))
            none = np.zeros((0, len(self.theme_ids)))
            return Scored(features, combined, whole_probabilities, empty, owner[rows], none)
        sentence_owner = owner[rows]
        sentence_extra = [
            extra_features(prepared[int(owner[r])], self.theme_ids, piece_spans[int(r)]) for r in rows
        ]
        sentence_features = self._with_extra(self._weighted(counts[rows], idf), sentence_extra)
        sentence_probabilities = self.theme_probabilities(sentence_features)
        best = np.zeros_like(whole_probabilities)
        np.maximum.at(best, sentence_owner, sentence_probabilities)
        weight = float(self.params.get("sentence_weight", 0.0))
        combined = whole_probabilities + weight * np.clip(best - whole_probabilities, 0.0, None)
        combined = self._gated(combined, prepared)
        return Scored(
            features, combined, whole_probabilities, sentence_features, sentence_owner, sentence_probabilities
        )

    def _gated(self, probabilities: np.ndarray, prepared: Sequence[Prepared]) -> np.ndarray:
        """Lower the probability of a gated theme in texts with none of its phrases nor rules."""
        gates = dict(self.params.get("phrase_gate") or {})
        for column, theme in enumerate(self.theme_ids):
            floor = gates.get(theme)
            if floor is None:
                continue
            for row, item in enumerate(prepared):
                if not any(hit.theme == theme and not hit.negated for hit in item.hits) and not any(
                    theme in rule_hit.rule.themes for rule_hit in item.rule_hits
                ):
                    above = max(0.0, probabilities[row, column] - float(floor))
                    probabilities[row, column] = above / max(1.0 - float(floor), 1e-6)
        return probabilities

    def _weighted(self, counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
        """TF-IDF as the vectorisers weight it: sublinear term frequency, IDF, each block L2-normalised."""
        weighted = sparse.csr_matrix(counts, dtype=np.float64)
        weighted.sum_duplicates()
        data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
        row_of = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
        is_word = weighted.indices < len(self.word_terms)
        squares = data * data
        n_rows = weighted.shape[0]
        word_norm = np.sqrt(np.bincount(row_of[is_word], squares[is_word], minlength=n_rows))
        char_norm = np.sqrt(np.bincount(row_of[~is_word], squares[~is_word], minlength=n_rows))
        norm = np.where(is_word, word_norm[row_of], char_norm[row_of])
        weighted.data = data / np.where(norm > 0, norm, 1.0)
        return weighted

    def _with_extra(self, text_features: sparse.csr_matrix, extra: list[list[float]]) -> sparse.csr_matrix:
        block = np.array(extra, dtype=np.float64).reshape(text_features.shape[0], -1)
        block = block * float(self.params["extra_weight"])
        return sparse.hstack([text_features, sparse.csr_matrix(block)], format="csr")

    def theme_probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        return _sigmoid(features @ self.theme_coef.T.astype(np.float64) + self.theme_intercept)

    def sentiment_probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        scores = features @ self.sentiment_coef.T.astype(np.float64) + self.sentiment_intercept
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class Scored:
    """Feature rows and theme probabilities of some texts (``Model.scored``)."""

    features: sparse.csr_matrix
    # Per text and theme: the whole text's probability combined with its best sentence's.
    probabilities: np.ndarray
    whole_probabilities: np.ndarray
    # One row per sentence of the multi-sentence texts, and the text each belongs to.
    sentence_features: sparse.csr_matrix
    sentence_owner: np.ndarray
    sentence_probabilities: np.ndarray


def _sigmoid(scores: Any) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(np.asarray(scores, dtype=np.float64), -35, 35))))


# ---------------------------------------------------------------------------------------------------
# Training


def label_matrix(examples: Sequence[Example], theme_ids: Sequence[str]) -> np.ndarray:
    position = {theme: index for index, theme in enumerate(theme_ids)}
    matrix = np.zeros((len(examples), len(theme_ids)), dtype=np.int8)
    for row, example in enumerate(examples):
        for theme in example.themes:
            if theme in position:
                matrix[row, position[theme]] = 1
    return matrix


def forced_matrix(prepared: Sequence[Prepared], theme_ids: Sequence[str]) -> np.ndarray:
    """Which themes the cross-theme rules switch on, text by text."""
    position = {theme: index for index, theme in enumerate(theme_ids)}
    matrix = np.zeros((len(prepared), len(theme_ids)), dtype=bool)
    for row, item in enumerate(prepared):
        for rule_hit in item.rule_hits:
            for theme in rule_hit.rule.themes:
                if theme in position:
                    matrix[row, position[theme]] = True
    return matrix


def fit(
    prepared: Sequence[Prepared],
    labels: np.ndarray,
    sentiments: Sequence[str],
    theme_ids: Sequence[str],
    params: dict[str, Any],
) -> Model:
    """Fit vocabularies and both classifiers (thresholds left at 0.5)."""
    from sklearn.linear_model import LogisticRegression

    texts = [item.model_text for item in prepared]
    word = _vectorizer("word", params).fit(texts)
    char = _vectorizer("char", params).fit(texts)
    model = Model(
        theme_ids=tuple(theme_ids),
        word_terms=_terms(word.vocabulary_),
        word_idf=np.asarray(word.idf_, dtype=np.float64),
        char_terms=_terms(char.vocabulary_),
        char_idf=np.asarray(char.idf_, dtype=np.float64),
        theme_coef=np.zeros((0, 0), dtype=np.float32),
        theme_intercept=np.zeros(len(theme_ids)),
        thresholds=np.full(len(theme_ids), 0.5),
        sentiment_coef=np.zeros((0, 0), dtype=np.float32),
        sentiment_intercept=np.zeros(len(LABELS)),
        params=dict(params),
    )
    features = model.features(prepared)
    n_features = features.shape[1]
    coef = np.zeros((len(theme_ids), n_features), dtype=np.float32)
    intercept = np.zeros(len(theme_ids))
    for column in range(len(theme_ids)):
        target = labels[:, column]
        if target.min() == target.max():
            # Never (or always) seen: a constant, very unsure guess.
            intercept[column] = -6.0 if target.max() == 0 else 6.0
            continue
        classifier = LogisticRegression(
            C=params["theme_c"], class_weight="balanced", solver="newton-cg", max_iter=200
        )
        classifier.fit(features, target)
        coef[column] = classifier.coef_[0]
        intercept[column] = classifier.intercept_[0]
    model.theme_coef = coef
    model.theme_intercept = intercept

    targets = np.array([LABELS.index(s) if s in LABELS else 0 for s in sentiments])
    sentiment_coef = np.zeros((len(LABELS), n_features), dtype=np.float32)
    sentiment_intercept = np.zeros(len(LABELS))
    present = sorted(set(targets.tolist()))
    if len(present) > 1:
        classifier = LogisticRegression(C=params["sentiment_c"], solver="newton-cg", max_iter=200)
        classifier.fit(features, targets)
        rows = (
            classifier.coef_ if len(present) > 2 else np.vstack([-classifier.coef_[0], classifier.coef_[0]])
        )
        bias = classifier.intercept_ if len(present) > 2 else np.array([-1, 1]) * classifier.intercept_[0]
        for index, label in enumerate(present):
            sentiment_coef[label] = rows[index]
            sentiment_intercept[label] = bias[index]
        for label in set(range(len(LABELS))) - set(present):
            sentiment_intercept[label] = -30.0
    else:
        sentiment_intercept[:] = -30.0
        sentiment_intercept[present[0] if present else 0] = 0.0
    model.sentiment_coef = sentiment_coef
    model.sentiment_intercept = sentiment_intercept
    return model


def _terms(vocabulary: dict[str, int]) -> np.ndarray:
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[index] = term
    return np.array(terms, dtype=str)


def choose_thresholds(
    probabilities: np.ndarray, labels: np.ndarray, forced: np.ndarray, params: dict[str, Any]
) -> np.ndarray:
    """Per theme, the threshold with the best (smoothed) F1 on out-of-fold predictions."""
    low, high, step = params["threshold_grid"]
    grid = np.round(np.arange(low, high + step / 2, step), 6)
    half = max(0, round(params["threshold_smoothing"] / step))
    thresholds = np.full(labels.shape[1], 0.5)
    for column in range(labels.shape[1]):
        truth = labels[:, column].astype(bool)
        if not truth.any():
            continue
        scores = []
        for threshold in grid:
            predicted = (probabilities[:, column] >= threshold) | forced[:, column]
            tp = float(np.sum(predicted & truth))
            scores.append(2 * tp / (predicted.sum() + truth.sum()) if tp else 0.0)
        smoothed = np.convolve(np.array(scores), np.ones(2 * half + 1) / (2 * half + 1), mode="same")
        thresholds[column] = float(grid[int(np.argmax(smoothed))])
    return thresholds


def folds(
    examples: Sequence[Example], n_folds: int, seed: int, by_group: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test splits that keep near-identical texts together (and each group, if ``by_group``
    and there are at least three groups)."""
    from sklearn.model_selection import GroupKFold

    groups: list[Any] = near_duplicate_groups([example.text for example in examples])
    named = sorted({example.group for example in examples})
    if by_group and len(named) >= 3:
        groups = [example.group for example in examples]
    n_folds = max(2, min(n_folds, len(set(groups))))
    splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return [(np.asarray(a), np.asarray(b)) for a, b in splitter.split(np.zeros(len(examples)), groups=groups)]


def near_duplicate_groups(texts: Sequence[str], threshold: float = 0.8) -> list[int]:
    """Group ids joining texts whose character-n-gram TF-IDF cosine similarity is >= ``threshold``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return list(range(len(texts)))
    cleaned = [" ".join(text.lower().split()) or f"<empty {i}>" for i, text in enumerate(texts)]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(cleaned)
    similar = (matrix @ matrix.T).tocoo()
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, value in zip(similar.row, similar.col, similar.data, strict=True):
        if i < j and value >= threshold:
            parent[root(int(i))] = root(int(j))
    return [root(i) for i in range(len(texts))]


def train(
    examples: Sequence[Example],
    params: dict[str, Any] | None = None,
    codebook: Codebook | None = None,
    prepared: Sequence[Prepared] | None = None,
) -> Model:
    """Train a coder on labelled examples (the shipped data, or a forum's own confirmed codings).

    Thresholds come from ``threshold_folds``-fold cross-validation inside ``examples`` (texts that
    are near-duplicates stay in one fold), then the final model is fitted on all of them.
    """
    params = {**DEFAULT_PARAMS, **(params or {})}
    theme_ids = (codebook or default_codebook()).ids
    if not examples:
        raise ValueError("No examples to train on.")
    prepared = list(prepared) if prepared is not None else [prepare(example.text) for example in examples]
    labels = label_matrix(examples, theme_ids)
    sentiments = [example.sentiment for example in examples]
    forced = forced_matrix(prepared, theme_ids)
    out_of_fold = np.zeros(labels.shape, dtype=np.float64)
    if params["threshold_folds"] >= 2 and len(examples) >= 2 * params["threshold_folds"]:
        by_group = params["threshold_folds_by"] == "group"
        for train_rows, test_rows in folds(examples, params["threshold_folds"], params["seed"], by_group):
            fold_model = fit(
                [prepared[i] for i in train_rows],
                labels[train_rows],
                [sentiments[i] for i in train_rows],
                theme_ids,
                params,
            )
            out_of_fold[test_rows] = fold_model.scored([prepared[i] for i in test_rows]).probabilities
        thresholds = choose_thresholds(out_of_fold, labels, forced, params)
    else:
        thresholds = np.full(len(theme_ids), 0.5)
    model = fit(prepared, labels, sentiments, theme_ids, params)
    model.thresholds = thresholds
    model.meta = {"examples": len(examples)}
    return model


def with_thresholds(model: Model, thresholds: np.ndarray) -> Model:
    return replace(model, thresholds=np.asarray(thresholds, dtype=np.float64))
