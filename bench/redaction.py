"""Recall and precision of the redactor per kind, safeguarding recall, and speed.

    .venv/bin/python bench/redaction.py

Reads the development set from ../shared/data/dev_reports.jsonl (beside the project). Its "pii" lines
are labelled span by span in tests/moderation/dev_labels.jsonl; every other dev line counts as having
no personal details, so anything found there is a false positive. tests/moderation/cases.jsonl adds
our own labelled cases (adversarial shapes, mixed scripts, negatives). Results: bench/out/redaction.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum_app.moderation.evaluation import score_flags, score_redaction, throughput  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "dev_reports.jsonl"
LABELS = ROOT / "tests" / "moderation" / "dev_labels.jsonl"
CASES = ROOT / "tests" / "moderation" / "cases.jsonl"
OUT = ROOT / "bench" / "out" / "redaction.json"


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "   -" if value is None else f"{value:.{digits}f}"


def _table(title: str, scores: dict[str, Any]) -> dict[str, Any]:
    print(f"\n{title}")
    print(f"  {'kind':<10} {'support':>7} {'found':>6} {'recall':>7} {'precision':>9}")
    out = {}
    for kind, score in scores.items():
        if score.support == 0 and score.fp == 0:
            continue
        print(
            f"  {kind:<10} {score.support:>7} {score.tp + score.fp:>6}"
            f" {_fmt(score.recall):>7} {_fmt(score.precision):>9}"
        )
        out[kind] = score.as_dict()
    return out


def main() -> int:
    if not DEV.exists():
        print(f"The development set is missing: {DEV} (it lives in shared/data beside the project).")
        return 1
    dev = _read(DEV)
    labels = {row["id"]: row for row in _read(LABELS)}
    dev_rows = [labels.get(row["id"], {**row, "entities": []}) for row in dev]
    for row in dev_rows:
        row["safeguarding"] = next(d["safeguarding"] for d in dev if d["id"] == row["id"])
    pii_rows = [row for row in dev_rows if row["id"] in labels]
    cases = _read(CASES)

    results: dict[str, Any] = {
        "dev_pii_lines": _table(f"Development set, {len(pii_rows)} 'pii' lines", score_redaction(pii_rows)),
        "dev_all_lines": _table(
            f"Development set, all {len(dev_rows)} lines (unlabelled lines: every find is a false positive)",
            score_redaction(dev_rows),
        ),
        "own_cases": _table(f"Own cases, {len(cases)} lines", score_redaction(cases)),
    }
    combined = score_redaction([*dev_rows, *cases])
    results["combined"] = _table("Development set (all lines) + own cases", combined)

    print("\nSafeguarding flags")
    for name, rows in (("dev", dev_rows), ("own cases", cases), ("both", [*dev_rows, *cases])):
        flags = score_flags(rows)
        results[f"safeguarding_{name.replace(' ', '_')}"] = flags
        print(
            f"  {name:<10} recall {_fmt(flags['recall'])} ({flags['positives'] - len(flags['missed'])}/"
            f"{flags['positives']}), false-positive rate {_fmt(flags['false_positive_rate'], 3)} "
            f"({len(flags['extra'])}/{flags['negatives']})"
        )

    texts = [row["text"] for row in dev]
    long_text = " ".join(texts)[:10_000]
    results["texts_per_second"] = round(throughput(texts))
    results["ms_per_10000_char_text"] = round(1000 / throughput([long_text], repeat=5), 2)
    print(
        f"\nSpeed (redact + flag, one core): {results['texts_per_second']} texts/s on the dev set; "
        f"{results['ms_per_10000_char_text']} ms for a 10,000-character text"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
