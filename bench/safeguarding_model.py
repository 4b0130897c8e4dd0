"""Safeguarding detection: recall and false flags on lines the model was not trained on, and speed.

    .venv/bin/python bench/safeguarding_model.py

1. The dev splits, written apart from the training lines and never trained on (``dev.jsonl``, and
   ``dev_hard.jsonl``: idiom-laden complaints about services and risk written among such idioms): the
   classifier alone at several thresholds, ``flag()`` (rules + classifier), the rules alone, and
   ``flag()`` on each line with typing errors added (``risk_model.misspell``).
2. 5-fold cross-validation over the training lines (the model retrained on four fifths each time).
3. Training time, and ``flag()`` time per call on a typical answer and on a 5,000-character one;
   ``flag()`` on each dev line one by one against ``flag_many()`` on them all (as an import's check
   reads them).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum_app.moderation import risk_model, safeguarding
from forum_app.moderation.risk_model import ORDINARY, RiskModel


def _rates(flags: list[bool], labels: list[str]) -> tuple[float, float]:
    risk = [f for f, label in zip(flags, labels, strict=True) if label != ORDINARY]
    ordinary = [f for f, label in zip(flags, labels, strict=True) if label == ORDINARY]
    return sum(risk) / len(risk), sum(ordinary) / len(ordinary)


def main() -> None:
    rows = risk_model.training_rows()
    print("training lines:", len(rows), dict(Counter(row["label"] for row in rows)))
    started = time.perf_counter()
    model = RiskModel(rows)
    print(f"training time: {time.perf_counter() - started:.2f} s")

    risk_model._model = model
    for name in (risk_model.DEV_FILE, risk_model.HARD_DEV_FILE):
        dev = risk_model.read_rows(name)
        labels = [row["label"] for row in dev]
        risks = [model.read(row["text"]).risk for row in dev]
        for threshold in (0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
            recall, false_rate = _rates([r >= threshold for r in risks], labels)
            print(f"{name}, classifier at {threshold:.2f}: recall {recall:.3f}, false flags {false_rate:.3f}")
        results = [safeguarding.flag(row["text"]) for row in dev]
        recall, false_rate = _rates([bool(r) for r in results], labels)
        print(f"{name}, flag() (rules + classifier): recall {recall:.3f}, false flags {false_rate:.3f}")
        rule_only = [bool(safeguarding.rule_reasons(row["text"])) for row in dev]
        recall, false_rate = _rates(rule_only, labels)
        print(f"{name}, rules alone: recall {recall:.3f}, false flags {false_rate:.3f}")
        for row, result in zip(dev, results, strict=True):
            if (row["label"] == ORDINARY) == bool(result):
                print("  ", row["label"], "|", row["text"][:110], "|", result.reasons)
        typed = [safeguarding.flag(risk_model.misspell(risk_model.normalise(row["text"]))) for row in dev]
        recall, false_rate = _rates([bool(r) for r in typed], labels)
        print(f"{name} with typing errors, flag(): recall {recall:.3f}, false flags {false_rate:.3f}")
    dev = risk_model.read_rows(risk_model.DEV_FILE)

    shuffled = rows[:]
    random.Random(14).shuffle(shuffled)
    folds = [shuffled[i::5] for i in range(5)]
    cv_model: list[bool] = []
    cv_flags: list[bool] = []
    cv_labels: list[str] = []
    for i, held in enumerate(folds):
        train = [row for j, fold in enumerate(folds) if j != i for row in fold]
        risk_model._model = RiskModel(train)
        cv_model += [risk_model._model.read(row["text"]).flagged for row in held]
        cv_flags += [bool(safeguarding.flag(row["text"])) for row in held]
        cv_labels += [row["label"] for row in held]
    risk_model._model = model
    for name, flags in (("classifier", cv_model), ("flag()", cv_flags)):
        recall, false_rate = _rates(flags, cv_labels)
        print(f"5-fold CV over training lines, {name}: recall {recall:.3f}, false flags {false_rate:.3f}")
    for label in risk_model.CATEGORIES:
        hits = [f for f, lab in zip(cv_flags, cv_labels, strict=True) if lab == label]
        print(f"  CV recall, {label}: {sum(hits)}/{len(hits)}")

    typical = dev[0]["text"]
    long_text = " ".join(row["text"] for row in dev if row["label"] == ORDINARY)[:5000]
    for name, text in (("typical answer", typical), ("5,000 characters", long_text)):
        times = []
        for _ in range(20):
            started = time.perf_counter()
            safeguarding.flag(text)
            times.append(time.perf_counter() - started)
        print(f"flag() on a {name}: median {statistics.median(times) * 1000:.1f} ms")
    _one_by_one_or_together()


def _one_by_one_or_together() -> None:
    names = (risk_model.DEV_FILE, risk_model.HARD_DEV_FILE)
    texts = [row["text"] for name in names for row in risk_model.read_rows(name)]
    started = time.perf_counter()
    one_by_one = [safeguarding.flag(text) for text in texts]
    alone = time.perf_counter() - started
    started = time.perf_counter()
    same = safeguarding.flag_many(texts) == one_by_one
    together = time.perf_counter() - started
    print(
        f"flag() on {len(texts)} dev lines one by one: {alone:.2f} s; flag_many() on them all:"
        f" {together:.2f} s ({alone / together:.1f} times quicker; the same flags: {same})"
    )


if __name__ == "__main__":
    main()
