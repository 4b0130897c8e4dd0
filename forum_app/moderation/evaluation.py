"""Score the redactor and the safeguarding flags against labelled lines (used by the bench and tests).

A labelled line is ``{"text": ..., "entities": [[kind, substring], ...], "safeguarding": bool}``.
A found span counts as a hit when it overlaps a labelled span of the same kind; each labelled span
counts once. Lines with no entities count every detection as a false positive.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forum_app.moderation.redact import TAGS, redact
from forum_app.moderation.safeguarding import flag


@dataclass
class KindScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def precision(self) -> float | None:
        found = self.tp + self.fp
        return self.tp / found if found else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "support": self.support,
            "found": self.tp + self.fp,
            "recall": self.recall,
            "precision": self.precision,
            "misses": self.misses,
            "false_alarms": self.false_alarms,
        }


def _gold_spans(row: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    text: str = row["text"]
    spans: list[tuple[str, int, int]] = []
    taken: set[int] = set()
    for kind, substring in row.get("entities", []):
        start = text.find(substring)
        while start in taken:
            start = text.find(substring, start + 1)
        if start < 0:
            raise ValueError(f"label {substring!r} is not in {text!r}")
        taken.add(start)
        spans.append((kind, start, start + len(substring)))
    return spans


def score_redaction(rows: Iterable[Mapping[str, Any]]) -> dict[str, KindScore]:
    scores = {kind: KindScore() for kind in TAGS}
    for row in rows:
        text: str = row["text"]
        gold = _gold_spans(row)
        found = redact(text).found
        matched: set[int] = set()
        for item in found:
            hits = [
                i
                for i, (kind, start, end) in enumerate(gold)
                if kind == item.kind and start < item.end and item.start < end
            ]
            if hits:
                matched.update(hits)
                scores[item.kind].tp += len(hits)
            else:
                scores[item.kind].fp += 1
                scores[item.kind].false_alarms.append(text[item.start : item.end])
        for i, (kind, start, end) in enumerate(gold):
            if i not in matched:
                scores[kind].fn += 1
                scores[kind].misses.append(text[start:end])
    return scores


def score_flags(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    positives = [row for row in rows if row.get("safeguarding")]
    negatives = [row for row in rows if not row.get("safeguarding")]
    missed = [row["text"] for row in positives if not flag(row["text"])]
    extra = [row["text"] for row in negatives if flag(row["text"])]
    return {
        "positives": len(positives),
        "negatives": len(negatives),
        "recall": (len(positives) - len(missed)) / len(positives) if positives else None,
        "false_positive_rate": len(extra) / len(negatives) if negatives else None,
        "missed": missed,
        "extra": extra,
    }


def throughput(texts: Sequence[str], repeat: int = 3) -> float:
    """Texts per second for redact + flag on one core (best of ``repeat`` passes)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            redact(text)
            flag(text)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best if best > 0 else float("inf")
