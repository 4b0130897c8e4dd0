"""Reading labelled files and scoring the coder against them.

Scores follow the usual definitions: per theme precision, recall and F1; macro-F1 is the mean F1
over the themes that appear in the labels or the predictions; micro-F1 pools every (text, theme)
decision; sentiment accuracy is the share of texts whose label matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from forum_app.coder.classifier import Example
from forum_app.coder.sentiment import LABELS


@dataclass
class LabelledFile:
    """The usable examples of a labelled file, and what was wrong with the rest."""

    examples: list[Example] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    # Unknown theme id -> the line numbers that used it (those labels are ignored).
    unknown_themes: dict[str, list[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_labelled(lines: Iterable[str], theme_ids: Sequence[str]) -> LabelledFile:
    """Parse JSON lines ``{"text", "themes", "sentiment"}``; never raises on bad lines."""
    known = set(theme_ids)
    result = LabelledFile()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            result.problems.append(f"line {number}: expected a JSON object")
            continue
        text = row.get("text")
        if not isinstance(text, str):
            result.problems.append(f'line {number}: "text" is missing or not a string')
            continue
        themes = row.get("themes", [])
        if not isinstance(themes, list) or not all(isinstance(theme, str) for theme in themes):
            result.problems.append(f'line {number}: "themes" must be a list of theme ids')
            continue
        sentiment = row.get("sentiment")
        if sentiment is not None and sentiment not in LABELS:
            result.problems.append(
                f"line {number}: sentiment {sentiment!r} is not one of {', '.join(LABELS)}; sentiment ignored"
            )
            sentiment = None
        for theme in themes:
            if theme not in known:
                result.unknown_themes.setdefault(theme, []).append(number)
        kept = tuple(dict.fromkeys(theme for theme in themes if theme in known))
        result.examples.append(Example(text, kept, sentiment or ""))
        result.line_numbers.append(number)
    return result


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(
    truth: Sequence[Iterable[str]],
    predicted: Sequence[Iterable[str]],
    theme_ids: Sequence[str],
    true_sentiment: Sequence[str] = (),
    predicted_sentiment: Sequence[str] = (),
) -> dict[str, Any]:
    """Macro- and micro-F1, per-theme scores and sentiment accuracy (over texts that have one)."""
    per_theme: dict[str, dict[str, float]] = {}
    total_tp = total_fp = total_fn = 0
    f1s = []
    true_sets = [set(item) for item in truth]
    predicted_sets = [set(item) for item in predicted]
    for theme in theme_ids:
        tp = sum(1 for t, p in zip(true_sets, predicted_sets, strict=True) if theme in t and theme in p)
        fp = sum(1 for t, p in zip(true_sets, predicted_sets, strict=True) if theme not in t and theme in p)
        fn = sum(1 for t, p in zip(true_sets, predicted_sets, strict=True) if theme in t and theme not in p)
        precision, recall, f1 = _f1(tp, fp, fn)
        per_theme[theme] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp + fn,
        }
        if tp + fn + fp:
            f1s.append(f1)
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    pairs = [(t, p) for t, p in zip(true_sentiment, predicted_sentiment, strict=False) if t]
    accuracy = sum(t == p for t, p in pairs) / len(pairs) if pairs else None
    return {
        "n": len(true_sets),
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "micro_f1": round(_f1(total_tp, total_fp, total_fn)[2], 4),
        "per_theme": per_theme,
        "sentiment_accuracy": round(accuracy, 4) if accuracy is not None else None,
    }
