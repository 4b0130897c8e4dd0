"""Safeguarding flags and redaction measured on held-out sets written apart from the rules and models.

    .venv/bin/python bench/moderation_heldout.py [--quiet]

Reads tests/moderation/heldout/safeguarding.jsonl (risk texts in twelve categories, ordinary complaints
full of risky-sounding idioms, and bad input: 5,000-character answers, mixed scripts, emoji, capitals,
no spaces) and tests/moderation/heldout/redaction.jsonl (identifiers written as people write them, and
clean texts full of capitalised jargon and word-names used as words). Only the public functions are
called: `flag(text).reasons` and `redact(text).found` (start, end, kind in the original text).

A risk text counts as caught when it is flagged at all (any reason). A labelled span counts as caught
when every one of its characters lies inside some redacted span, whatever its kind. Over-redaction is
the share of the words (runs of letters and digits) of the clean texts that no redacted span touches.
An exception raised by either function counts as a miss and is listed. Results, with every miss, are
written to bench/out/moderation_heldout.json.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum_app.moderation.redact import redact  # noqa: E402
from forum_app.moderation.safeguarding import flag  # noqa: E402

DATA = ROOT / "tests" / "moderation" / "heldout"
OUT = ROOT / "bench" / "out" / "moderation_heldout.json"
WORD = re.compile(r"\w+")
KINDS = (
    *("name", "school", "address", "postcode", "phone", "email"),
    *("nhs", "nino", "dob", "reference", "url", "handle"),
)


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _short(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _ratio(hit: int, total: int) -> str:
    return f"{hit}/{total} = {hit / total:.3f}" if total else "-"


def _is_bad_input(row: dict[str, Any]) -> bool:
    return str(row.get("register", "")).startswith("bad input")


def score_flags(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Flag every text; recall per category, false flags on ordinary texts, the slowest call."""
    results: list[dict[str, Any]] = []
    slowest = 0.0
    for row in rows:
        started = time.perf_counter()
        try:
            reasons = [str(reason) for reason in flag(row["text"]).reasons]
            error = None
        except Exception as exc:  # a crash on any input is a finding, not a stop
            reasons, error = [], f"{type(exc).__name__}: {exc}"
        slowest = max(slowest, time.perf_counter() - started)
        results.append({**row, "flagged": bool(reasons), "reasons": reasons, "error": error})

    risk = [r for r in results if r["risk"]]
    ordinary = [r for r in results if not r["risk"]]
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in risk:
        per_category[r["category"]][1] += 1
        per_category[r["category"]][0] += r["flagged"]
    bad = [r for r in results if _is_bad_input(r)]
    return {
        "risk_texts": len(risk),
        "caught": sum(r["flagged"] for r in risk),
        "recall": sum(r["flagged"] for r in risk) / len(risk),
        "ordinary_texts": len(ordinary),
        "false_flags": sum(r["flagged"] for r in ordinary),
        "false_flag_rate": sum(r["flagged"] for r in ordinary) / len(ordinary),
        "per_category": {
            cat: {"caught": c, "of": n, "recall": c / n} for cat, (c, n) in sorted(per_category.items())
        },
        "bad_input": {
            "risk": sum(1 for r in bad if r["risk"]),
            "caught": sum(1 for r in bad if r["risk"] and r["flagged"]),
            "ordinary": sum(1 for r in bad if not r["risk"]),
            "false_flags": sum(1 for r in bad if not r["risk"] and r["flagged"]),
        },
        "errors": [{"id": r["id"], "error": r["error"]} for r in results if r["error"]],
        "slowest_call_ms": round(slowest * 1000, 1),
        "missed": [
            {"id": r["id"], "category": r["category"], "register": r["register"], "text": r["text"]}
            for r in risk
            if not r["flagged"]
        ],
        "false_flagged": [
            {"id": r["id"], "register": r["register"], "reasons": r["reasons"], "text": r["text"]}
            for r in ordinary
            if r["flagged"]
        ],
    }


def _covered(found: tuple[Any, ...], start: int, end: int) -> bool:
    """Every character of [start, end) lies inside some redacted span."""
    inside = [False] * (end - start)
    for item in found:
        for i in range(max(item.start, start), min(item.end, end)):
            inside[i - start] = True
    return all(inside)


def score_redaction(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall per kind on labelled spans; share of words kept on clean texts and outside labelled spans."""
    per_kind: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    missed: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    clean_words = clean_kept = other_words = other_kept = 0
    slowest = 0.0
    for row in rows:
        text = row["text"]
        started = time.perf_counter()
        try:
            found = tuple(redact(text).found)
        except Exception as exc:  # a crash on any input is a finding, not a stop
            found = ()
            errors.append({"id": row["id"], "error": f"{type(exc).__name__}: {exc}"})
        slowest = max(slowest, time.perf_counter() - started)
        labelled = []
        for span in row["spans"]:
            start = span["start"] if "start" in span else text.index(span["text"])
            end = start + len(span["text"])
            assert text[start:end] == span["text"], (row["id"], span)
            labelled.append((start, end))
            per_kind[span["kind"]][1] += 1
            if _covered(found, start, end):
                per_kind[span["kind"]][0] += 1
            else:
                missed.append({"id": row["id"], "kind": span["kind"], "span": span["text"], "text": text})
        for word in WORD.finditer(text):
            if any(s < word.end() and word.start() < e for s, e in labelled):
                continue
            touched = any(f.start < word.end() and word.start() < f.end for f in found)
            if row["spans"]:
                other_words += 1
                other_kept += not touched
            else:
                clean_words += 1
                clean_kept += not touched
                if touched:
                    removed.append({"id": row["id"], "word": word.group(), "text": text})
    spans_total = sum(n for _, n in per_kind.values())
    return {
        "texts_with_identifiers": sum(1 for r in rows if r["spans"]),
        "clean_texts": sum(1 for r in rows if not r["spans"]),
        "spans": spans_total,
        "caught": sum(c for c, _ in per_kind.values()),
        "recall": sum(c for c, _ in per_kind.values()) / spans_total,
        "per_kind": {kind: {"caught": c, "of": n, "recall": c / n} for kind, (c, n) in per_kind.items() if n},
        "clean_words": clean_words,
        "clean_words_kept": clean_kept,
        "clean_share_kept": clean_kept / clean_words,
        "other_words_in_identifier_texts": other_words,
        "other_words_kept": other_kept,
        "other_share_kept": other_kept / other_words if other_words else None,
        "errors": errors,
        "slowest_call_ms": round(slowest * 1000, 1),
        "missed": missed,
        "clean_words_removed": removed,
    }


def _print_flags(result: dict[str, Any], quiet: bool) -> None:
    print("Safeguarding flags, held-out set")
    print(f"  recall on risk texts      {_ratio(result['caught'], result['risk_texts'])}")
    print(f"  false flags on ordinary   {_ratio(result['false_flags'], result['ordinary_texts'])}")
    bad = result["bad_input"]
    print(
        f"  bad input                 risk caught {bad['caught']}/{bad['risk']},"
        f" false flags {bad['false_flags']}/{bad['ordinary']}"
    )
    print(f"  slowest call              {result['slowest_call_ms']} ms; errors: {len(result['errors'])}")
    print(f"\n  {'category':<28} {'caught':>6} {'of':>4} {'recall':>7}")
    for category, score in result["per_category"].items():
        print(f"  {category:<28} {score['caught']:>6} {score['of']:>4} {score['recall']:>7.2f}")
    for error in result["errors"]:
        print(f"  ERROR {error['id']}: {error['error']}")
    if quiet:
        return
    print(f"\n  Missed ({len(result['missed'])}):")
    for miss in result["missed"]:
        print(f"    {miss['id']} [{miss['category']}] {_short(miss['text'])}")
    print(f"\n  False flags ({len(result['false_flagged'])}):")
    for extra in result["false_flagged"]:
        print(f"    {extra['id']} ({'; '.join(extra['reasons'])[:60]}) {_short(extra['text'])}")


def _print_redaction(result: dict[str, Any], quiet: bool) -> None:
    print("\nRedaction, held-out set")
    print(
        f"  {result['texts_with_identifiers']} texts with identifiers, {result['clean_texts']} clean texts;"
        f" slowest call {result['slowest_call_ms']} ms; errors: {len(result['errors'])}"
    )
    print(f"  recall, all spans          {_ratio(result['caught'], result['spans'])}")
    print(f"  clean texts, words kept    {_ratio(result['clean_words_kept'], result['clean_words'])}")
    print(
        "  other words kept in texts with identifiers "
        f"{_ratio(result['other_words_kept'], result['other_words_in_identifier_texts'])}"
    )
    print(f"\n  {'kind':<10} {'caught':>6} {'of':>4} {'recall':>7}")
    for kind, score in result["per_kind"].items():
        print(f"  {kind:<10} {score['caught']:>6} {score['of']:>4} {score['recall']:>7.2f}")
    for error in result["errors"]:
        print(f"  ERROR {error['id']}: {error['error']}")
    if quiet:
        return
    print(f"\n  Missed spans ({len(result['missed'])}):")
    for miss in result["missed"]:
        print(f"    {miss['id']} {miss['kind']:<9} {miss['span']!r:<34} {_short(miss['text'], 70)}")
    print(f"\n  Words removed from clean texts ({len(result['clean_words_removed'])}):")
    for word in result["clean_words_removed"]:
        print(f"    {word['id']} {word['word']!r:<16} {_short(word['text'], 80)}")


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    flags = score_flags(_read(DATA / "safeguarding.jsonl"))
    redaction = score_redaction(_read(DATA / "redaction.jsonl"))
    _print_flags(flags, quiet)
    _print_redaction(redaction, quiet)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"safeguarding": flags, "redaction": redaction}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(f"\nWritten to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
