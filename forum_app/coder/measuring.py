"""What the CLI (and later the coding views) ask of the coder, as plain functions."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from forum_app.coder.classifier import Model
from forum_app.coder.evaluation import LabelledFile, read_labelled, score
from forum_app.coder.pipeline import code_texts
from forum_app.coder.shipped_model import default_model


@dataclass(frozen=True)
class EvaluationReport:
    labelled: LabelledFile
    result: dict[str, Any]
    theme_ids: tuple[str, ...]


def measure_coding(texts: list[str], model: Model) -> tuple[list[Any], float]:
    """Code ``texts`` on one thread and return the codings and texts per CPU-second (one core)."""
    from threadpoolctl import threadpool_limits

    code_texts(["Warm-up: we waited two years for SALT."], model)  # imports and caches first
    with threadpool_limits(limits=1):
        started = time.process_time()
        codings = code_texts(texts, model)
        elapsed = time.process_time() - started
    return codings, (len(texts) / elapsed if elapsed > 0 else float(len(texts)))


def evaluate_default(lines: Iterable[str], model: Model | None = None) -> EvaluationReport:
    """Score the shipped default coder (or ``model``) on labelled JSON lines; it never trains on them."""
    model = model or default_model()
    labelled = read_labelled(lines, model.theme_ids)
    if not labelled.examples:
        return EvaluationReport(labelled, {}, model.theme_ids)
    texts = [example.text for example in labelled.examples]
    codings, per_second = measure_coding(texts, model)
    result = score(
        [example.themes for example in labelled.examples],
        [coding.theme_ids for coding in codings],
        model.theme_ids,
        [example.sentiment for example in labelled.examples],
        [coding.sentiment.label for coding in codings],
    )
    result["texts_per_second"] = round(per_second, 1)
    return EvaluationReport(labelled, result, model.theme_ids)
