"""Honest figures for the automatic coder: it is never scored on lines it was trained on.

    .venv/bin/python bench/evaluate_coder.py [--skip-baseline] [--out bench/out/coder_evaluation.json]

Two protocols over the 2,340 packaged labelled lines (the shared data, copied into the package):

1. 5-fold cross-validation. Near-duplicate texts (character n-gram cosine >= 0.8) are kept in one fold.
2. Each register held out in turn: train on the other five registers and the development set, test on
   the held-out register (news, ombudsman, inspection, survey, youth, forum, and the development set).

In each split the coder is trained from scratch with ``train()`` on the training lines only: the
vocabularies, weights and per-theme thresholds (chosen by cross-validation inside the training lines)
never see the test lines. The hand-written parts (jargon, codebook phrases, cross-theme rules and
sentiment cues) have no fitted state, so the text preparation is done once and shared.

Also reported, from the same splits:
- "without rules": the same trained models with the cross-theme rule overrides switched off;
- "thresholds 0.5": the same models with every threshold at 0.5 instead of the tuned ones;
- "baseline": plain TF-IDF (word 1-2 + char_wb 2-5 n-grams on the raw text) + one-vs-rest logistic
  regression (balanced) at 0.5, and a logistic regression for sentiment: the TOOLCHAIN.md baseline;
- TextBlob polarity alone, and always answering "negative", for sentiment.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from forum_app.codebook.shipped import theme_ids
from forum_app.coder.classifier import (
    DEFAULT_PARAMS,
    Example,
    Model,
    Prepared,
    forced_matrix,
    label_matrix,
    near_duplicate_groups,
    prepare,
    train,
)
from forum_app.coder.evaluation import score
from forum_app.coder.pipeline import code_prepared
from forum_app.coder.shipped_model import packaged_examples

MESSY_DEV = Path(__file__).resolve().parent / "data" / "coder_dev_messy.jsonl"
REGISTERS = ("news", "ombudsman", "inspection", "survey", "youth", "forum", "realistic", "dev")
VARIANTS = ("coder", "without rules", "thresholds 0.5", "baseline", "textblob only", "always negative")


def cv_splits(examples: Sequence[Example], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    groups = near_duplicate_groups([example.text for example in examples])
    splitter = GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    return [(np.asarray(a), np.asarray(b)) for a, b in splitter.split(np.zeros(len(examples)), groups=groups)]


def register_splits(examples: Sequence[Example]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    splits = []
    for register in REGISTERS:
        test = np.array([i for i, e in enumerate(examples) if e.group == register])
        train_rows = np.array([i for i, e in enumerate(examples) if e.group != register])
        splits.append((register, train_rows, test))
    return splits


def predictions_from(
    model: Model, prepared: Sequence[Prepared], texts: Sequence[str]
) -> dict[str, tuple[list[tuple[str, ...]], list[str]]]:
    """Theme sets and sentiment labels for the coder and its two ablations."""
    codings = code_prepared(prepared, texts, model)
    features = model.features(prepared)
    probabilities = model.theme_probabilities(features)
    forced = forced_matrix(prepared, model.theme_ids)
    sentiments = [coding.sentiment.label for coding in codings]
    ids = model.theme_ids

    def themes(mask: np.ndarray) -> list[tuple[str, ...]]:
        return [tuple(ids[j] for j in np.flatnonzero(row)) for row in mask]

    return {
        "coder": ([coding.theme_ids for coding in codings], sentiments),
        "without rules": (themes(probabilities >= model.thresholds), sentiments),
        "thresholds 0.5": (themes((probabilities >= 0.5) | forced), sentiments),
    }


def baseline_predictions(
    train_examples: Sequence[Example], test_examples: Sequence[Example], ids: Sequence[str]
) -> tuple[list[tuple[str, ...]], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    vectorizer = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    x_train = vectorizer.fit_transform([e.text for e in train_examples])
    x_test = vectorizer.transform([e.text for e in test_examples])
    labels = label_matrix(train_examples, ids)
    predicted = np.zeros((len(test_examples), len(ids)), dtype=bool)
    for column in range(len(ids)):
        if labels[:, column].min() == labels[:, column].max():
            continue
        classifier = LogisticRegression(
            C=DEFAULT_PARAMS["theme_c"], class_weight="balanced", solver="newton-cg"
        )
        classifier.fit(x_train, labels[:, column])
        predicted[:, column] = classifier.predict_proba(x_test)[:, 1] >= 0.5
    sentiment = LogisticRegression(C=DEFAULT_PARAMS["sentiment_c"], solver="newton-cg")
    sentiment.fit(x_train, [e.sentiment for e in train_examples])
    return [tuple(ids[j] for j in np.flatnonzero(row)) for row in predicted], list(sentiment.predict(x_test))


def textblob_labels(prepared: Sequence[Prepared]) -> list[str]:
    return [
        "positive" if p.polarity > 0.1 else "negative" if p.polarity < -0.1 else "neutral" for p in prepared
    ]


def evaluate_split(
    examples: Sequence[Example],
    prepared: Sequence[Prepared],
    train_rows: np.ndarray,
    test_rows: np.ndarray,
    ids: Sequence[str],
    with_baseline: bool,
) -> dict[str, tuple[list[tuple[str, ...]], list[str]]]:
    train_examples = [examples[i] for i in train_rows]
    test_examples = [examples[i] for i in test_rows]
    test_prepared = [prepared[i] for i in test_rows]
    model = train(train_examples, prepared=[prepared[i] for i in train_rows])
    found = predictions_from(model, test_prepared, [e.text for e in test_examples])
    if with_baseline:
        found["baseline"] = baseline_predictions(train_examples, test_examples, ids)
    empty: list[tuple[str, ...]] = [() for _ in test_rows]
    found["textblob only"] = (empty, textblob_labels(test_prepared))
    found["always negative"] = (empty, ["negative"] * len(test_rows))
    return found


def scores_for(
    examples: Sequence[Example],
    rows: Sequence[int],
    themes: Sequence[tuple[str, ...]],
    sentiments: Sequence[str],
) -> dict[str, Any]:
    return score(
        [examples[i].themes for i in rows],
        themes,
        theme_ids(),
        [examples[i].sentiment for i in rows],
        sentiments,
    )


def table(rows: list[list[str]], header: list[str]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def cross_validation(
    examples: Sequence[Example], prepared: Sequence[Prepared], ids: Sequence[str], with_baseline: bool
) -> dict[str, dict[str, Any]]:
    """Five-fold cross-validation: the scores of each variant over the pooled out-of-fold predictions."""
    pooled: dict[str, tuple[list[Any], list[str]]] = {}
    order: list[int] = []
    for fold, (train_rows, test_rows) in enumerate(cv_splits(examples, DEFAULT_PARAMS["seed"]), start=1):
        found = evaluate_split(examples, prepared, train_rows, test_rows, ids, with_baseline)
        order.extend(int(i) for i in test_rows)
        for name, (themes, sentiments) in found.items():
            pooled.setdefault(name, ([], []))
            pooled[name][0].extend(themes)
            pooled[name][1].extend(sentiments)
        print(
            f"fold {fold}: coder macro-F1 {scores_for(examples, test_rows, *found['coder'])['macro_f1']:.3f}",
            flush=True,
        )
    return {name: scores_for(examples, order, *pooled[name]) for name in pooled}


def registers_held_out(
    examples: Sequence[Example], prepared: Sequence[Prepared], ids: Sequence[str], with_baseline: bool
) -> dict[str, dict[str, Any]]:
    """Each register held out in turn: the scores of each variant on it, by register."""
    held_out: dict[str, dict[str, Any]] = {}
    for register, train_rows, test_rows in register_splits(examples):
        found = evaluate_split(examples, prepared, train_rows, test_rows, ids, with_baseline)
        held_out[register] = {name: scores_for(examples, test_rows, *found[name]) for name in found}
        print(
            f"held out {register}: coder macro-F1 {held_out[register]['coder']['macro_f1']:.3f}", flush=True
        )
    return held_out


def cross_validation_table(cv: dict[str, dict[str, Any]]) -> str:
    names = [name for name in VARIANTS if name in cv]
    return table(
        [
            [
                name,
                fmt(cv[name]["macro_f1"]),
                fmt(cv[name]["micro_f1"]),
                fmt(cv[name]["sentiment_accuracy"]),
            ]
            for name in names
        ],
        ["", "macro-F1", "micro-F1", "sentiment accuracy"],
    )


def held_out_table(held_out: dict[str, dict[str, Any]], with_baseline: bool) -> str:
    """A row per register held out, then the mean over the registers."""
    rows = []
    for register, result in held_out.items():
        coder, base = result["coder"], result.get("baseline")
        rows.append(
            [
                register,
                str(coder["n"]),
                fmt(coder["macro_f1"]),
                fmt(coder["micro_f1"]),
                fmt(coder["sentiment_accuracy"]),
                fmt(base["macro_f1"]) if base else "-",
                fmt(base["sentiment_accuracy"]) if base else "-",
            ]
        )
    means = {
        key: float(np.mean([r["coder"][key] for r in held_out.values()]))
        for key in ("macro_f1", "micro_f1", "sentiment_accuracy")
    }
    base_means = (
        {
            key: float(np.mean([r["baseline"][key] for r in held_out.values()]))
            for key in ("macro_f1", "sentiment_accuracy")
        }
        if with_baseline
        else None
    )
    rows.append(
        [
            "**mean**",
            "",
            fmt(means["macro_f1"]),
            fmt(means["micro_f1"]),
            fmt(means["sentiment_accuracy"]),
            fmt(base_means["macro_f1"]) if base_means else "-",
            fmt(base_means["sentiment_accuracy"]) if base_means else "-",
        ]
    )
    return table(
        rows,
        [
            "held out",
            "n",
            "macro-F1",
            "micro-F1",
            "sentiment acc.",
            "baseline macro-F1",
            "baseline sentiment",
        ],
    )


def per_theme_table(cv: dict[str, dict[str, Any]], ids: Sequence[str]) -> str:
    theme_rows = []
    for theme in ids:
        coder_theme = cv["coder"]["per_theme"][theme]
        base_theme = cv["baseline"]["per_theme"][theme] if "baseline" in cv else None
        theme_rows.append(
            [
                f"`{theme}`",
                str(coder_theme["support"]),
                fmt(coder_theme["precision"]),
                fmt(coder_theme["recall"]),
                fmt(coder_theme["f1"]),
                fmt(base_theme["f1"]) if base_theme else "-",
            ]
        )
    return table(theme_rows, ["theme", "support", "precision", "recall", "F1", "baseline F1"])


def messy_dev(examples: Sequence[Example], prepared: Sequence[Prepared], path: Path) -> dict[str, Any]:
    """Train on every packaged line, code the hand-written messy set: overall, per theme, per register."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = train(examples, prepared=prepared)
    texts = [row["text"] for row in rows]
    started = time.perf_counter()
    codings = code_prepared([prepare(text) for text in texts], texts, model)
    seconds = time.perf_counter() - started
    truth = [tuple(row["themes"]) for row in rows]
    found = [coding.theme_ids for coding in codings]
    sentiments = [coding.sentiment.label for coding in codings]
    result = score(truth, found, theme_ids(), [row["sentiment"] for row in rows], sentiments)
    result["by_register"] = {}
    for register in sorted({row["register"] for row in rows}):
        keep = [i for i, row in enumerate(rows) if row["register"] == register]
        part = score(
            [truth[i] for i in keep],
            [found[i] for i in keep],
            theme_ids(),
            [rows[i]["sentiment"] for i in keep],
            [sentiments[i] for i in keep],
        )
        result["by_register"][register] = {k: part[k] for k in ("n", "macro_f1", "sentiment_accuracy")}
    result["wall_seconds"] = round(seconds, 3)
    return result


def messy_table(result: dict[str, Any]) -> str:
    rows = [
        [name, str(r["n"]), fmt(r["macro_f1"]), fmt(r["sentiment_accuracy"])]
        for name, r in result["by_register"].items()
    ]
    rows.append(["**all**", str(result["n"]), fmt(result["macro_f1"]), fmt(result["sentiment_accuracy"])])
    themes = [
        f"`{theme}` {fmt(values['f1'])} (P {fmt(values['precision'])}, R {fmt(values['recall'])})"
        for theme, values in result["per_theme"].items()
        if values["support"]
    ]
    return table(rows, ["register", "n", "macro-F1", "sentiment"]) + "\n\n" + "; ".join(themes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-baseline", action="store_true", help="do not fit the plain TF-IDF baseline")
    parser.add_argument("--messy-only", action="store_true", help="only the hand-written messy set")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "out" / "coder_evaluation.json"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", category=UserWarning)
    started = time.perf_counter()
    examples = packaged_examples()
    ids = theme_ids()
    prepared = [prepare(example.text) for example in examples]
    n_groups = len(set(near_duplicate_groups([e.text for e in examples])))
    print(
        f"{len(examples)} labelled lines, {n_groups} near-duplicate groups, {len(ids)} themes\n", flush=True
    )
    messy = messy_dev(examples, prepared, MESSY_DEV)
    print("## Hand-written messy set (bench/data/coder_dev_messy.jsonl), trained on every packaged line\n")
    print(messy_table(messy), flush=True)
    if args.messy_only:
        return
    cv = cross_validation(examples, prepared, ids, not args.skip_baseline)
    held_out = registers_held_out(examples, prepared, ids, not args.skip_baseline)
    print("\n## 5-fold cross-validation (near-duplicates kept together), pooled out-of-fold predictions\n")
    print(cross_validation_table(cv))
    print("\n## Each register held out (trained on the other six sources)\n")
    print(held_out_table(held_out, "baseline" in cv))
    print("\n## Per theme, 5-fold cross-validation\n")
    print(per_theme_table(cv, ids))
    print(f"\n{time.perf_counter() - started:.0f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"cross_validation": cv, "held_out": held_out, "messy": messy}, indent=1))
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
