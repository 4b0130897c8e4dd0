"""How many texts per second the automatic coder codes on one core, against a TF-IDF-only baseline.

    .venv/bin/python bench/coder_speed.py [--repeat N]

Both run in this process, pinned to one CPU core with one BLAS thread, on the same texts (the 2,340
packaged labelled lines, repeated N times). The baseline is the TF-IDF + logistic-regression step
alone (the shipped model's word and character vectorisers and theme coefficients, on the raw text):
what a plain classifier would cost. The full coder adds jargon normalisation, codebook phrases with
negation, the cross-theme rules, TextBlob, the sentiment cues and model, and evidence for every
suggestion. Times are CPU seconds of this process (one core), so other load on the machine does not
count against the coder; wall-clock figures are printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from threadpoolctl import threadpool_limits

from forum_app.coder.classifier import prepare
from forum_app.coder.indicators import TextIndex, find_indicators
from forum_app.coder.jargon import normalise
from forum_app.coder.pipeline import code_prepared, code_texts
from forum_app.coder.rules import find_rules
from forum_app.coder.sentiment import contrast_features, find_cues, textblob_sentiment
from forum_app.coder.shipped_model import default_model, packaged_examples


def timed(function: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) for one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="times to code the 2,340 texts (default 2)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    # The 2,340 short lines measured since the start (the longer realistic answers are left out, so
    # figures stay comparable from one version to the next).
    texts = [example.text for example in packaged_examples() if example.group != "realistic"] * args.repeat
    model = default_model()
    word, char = model.vectorizers()
    n_text = len(model.word_terms) + len(model.char_terms)
    coef = model.theme_coef[:, :n_text].T.astype(np.float64)

    def baseline() -> None:
        from scipy import sparse

        features = sparse.hstack([word.transform(texts), char.transform(texts)], format="csr")
        probabilities = 1 / (1 + np.exp(-(features @ coef + model.theme_intercept)))
        _ = [np.flatnonzero(row >= 0.5) for row in probabilities]

    with threadpool_limits(limits=1):
        code_texts(texts[:50], model)  # imports, caches
        baseline_cpu, baseline_wall = timed(baseline)
        full_cpu, full_wall = timed(lambda: code_texts(texts, model))
        sample = texts[: len(texts) // args.repeat]
        stages = {
            "jargon normalisation": lambda: [normalise(t) for t in sample],
            "codebook phrases + negation": lambda: [find_indicators(TextIndex.of(t)) for t in sample],
            "cross-theme rules": lambda: [find_rules(TextIndex.of(t)) for t in sample],
            "TextBlob polarity": lambda: [textblob_sentiment(t) for t in sample],
            "sentiment cues": lambda: [(find_cues(t), contrast_features(t)) for t in sample],
        }
        stage_times = {name: timed(run)[0] for name, run in stages.items()}
        prepared = [prepare(t) for t in sample]
        stage_times["features + models + evidence"] = timed(lambda: code_prepared(prepared, sample, model))[0]

    n = len(texts)
    print(f"{n} texts (the 2,340 packaged lines x {args.repeat}), one core, one BLAS thread\n")
    print("| coder | texts/s (CPU, one core) | texts/s (wall) | ms per text |")
    print("|---|---:|---:|---:|")
    print(
        f"| TF-IDF + logistic regression only (baseline) | {n / baseline_cpu:,.0f} | "
        f"{n / baseline_wall:,.0f} | "
        f"{1000 * baseline_cpu / n:.3f} |"
    )
    print(
        f"| full coder (themes, evidence, sentiment) | {n / full_cpu:,.0f} | {n / full_wall:,.0f} | "
        f"{1000 * full_cpu / n:.3f} |"
    )
    print(
        f"\nfull coder / baseline speed: {baseline_cpu / full_cpu:.2f} (the full coder takes "
        f"{full_cpu / baseline_cpu:.1f}x the baseline's time)\n"
    )
    print("| stage (one pass over 2,340 texts) | ms per text |")
    print("|---|---:|")
    for name, seconds in stage_times.items():
        print(f"| {name} | {1000 * seconds / len(sample):.3f} |")


if __name__ == "__main__":
    main()
