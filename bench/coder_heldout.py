"""The shipped coder on a held-out set of realistic parents', young people's and officials' writing.

    .venv/bin/python bench/coder_heldout.py [--repeat N] [--errors] [--out bench/out/coder_heldout.json]

The set, ``bench/data/coder_heldout.jsonl``, was written and labelled by hand with the codebook, apart
from the training data and the coder's word lists, in registers unlike the training lines (long
rambling answers, text-speak, officialese, answers naming three services, one-liners, young people's
own words, praise and mixed answers). It is never used for training or tuning: it only measures.

Reported: macro- and micro-F1 over the 16 themes, precision/recall/F1/support per theme, sentiment
accuracy, the same by wording (whole set, codebook-worded, plain-worded; per theme for the plain part)
and by register, and texts coded per second on one core (CPU seconds of this process,
pinned to one CPU with one BLAS thread, the whole set coded ``--repeat`` times; median and best pass).
``--errors`` lists every text whose themes or sentiment differ from the labels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threadpoolctl import threadpool_limits

from forum_app.codebook.shipped import theme_ids
from forum_app.coder.evaluation import read_labelled, score
from forum_app.coder.pipeline import code_texts
from forum_app.coder.shipped_model import default_model

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "coder_heldout.jsonl"
REGISTERS = ("rambling", "textspeak", "officialese", "multi", "short", "youth", "positive")
# "codebook": the line leans on the codebook's "parent language" phrases and jargon ("section F",
# "annual review", "cliff edge"); "plain": written avoiding them, in everyday words (the plan, not "EHCP";
# the yearly meeting, not "annual review"; the people at the top, not "leadership").
WORDINGS = ("codebook", "plain")


@dataclass(frozen=True)
class Line:
    id: str
    text: str
    themes: tuple[str, ...]
    sentiment: str
    register: str
    wording: str


def load(path: Path = DATA) -> list[Line]:
    """The held-out lines; stops with a message if any line is malformed or uses an unknown theme."""
    raw = path.read_text(encoding="utf-8").splitlines()
    parsed = read_labelled(raw, theme_ids())
    if parsed.problems or parsed.unknown_themes:
        raise SystemExit(f"{path}: {parsed.problems} unknown themes {sorted(parsed.unknown_themes)}")
    lines = []
    for number, example in zip(parsed.line_numbers, parsed.examples, strict=True):
        row = json.loads(raw[number - 1])
        lines.append(
            Line(row["id"], example.text, example.themes, example.sentiment, row["register"], row["wording"])
        )
    return lines


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(rows: list[list[str]], header: list[str]) -> str:
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    return "\n".join(out + ["| " + " | ".join(row) + " |" for row in rows])


def scores(
    lines: Sequence[Line], themes: Sequence[Sequence[str]], sentiments: Sequence[str]
) -> dict[str, Any]:
    return score(
        [line.themes for line in lines], themes, theme_ids(), [line.sentiment for line in lines], sentiments
    )


def by_register(
    lines: Sequence[Line], themes: Sequence[Sequence[str]], sentiments: Sequence[str]
) -> dict[str, dict[str, Any]]:
    result = {}
    for register in REGISTERS:
        rows = [i for i, line in enumerate(lines) if line.register == register]
        result[register] = scores(
            [lines[i] for i in rows], [themes[i] for i in rows], [sentiments[i] for i in rows]
        )
    return result


def by_wording(
    lines: Sequence[Line], themes: Sequence[Sequence[str]], sentiments: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Scores for the whole set and for each wording (codebook-worded, plain-worded)."""
    result = {"whole set": scores(lines, themes, sentiments)}
    for wording in WORDINGS:
        rows = [i for i, line in enumerate(lines) if line.wording == wording]
        result[wording] = scores(
            [lines[i] for i in rows], [themes[i] for i in rows], [sentiments[i] for i in rows]
        )
    return result


def speed(texts: Sequence[str], repeat: int) -> dict[str, Any]:
    """Texts per CPU second of one core, one pass per repeat (the model is loaded and warm first)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    model = default_model()
    rates, wall_rates = [], []
    with threadpool_limits(limits=1):
        code_texts(list(texts[:50]), model)
        for _ in range(repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            code_texts(list(texts), model)
            rates.append(len(texts) / (time.process_time() - cpu))
            wall_rates.append(len(texts) / (time.perf_counter() - wall))
    return {
        "texts": len(texts),
        "repeats": repeat,
        "texts_per_cpu_second_median": round(statistics.median(rates), 1),
        "texts_per_cpu_second_best": round(max(rates), 1),
        "texts_per_wall_second_median": round(statistics.median(wall_rates), 1),
    }


def theme_rows(overall: dict[str, Any], counts: Counter[str]) -> list[list[str]]:
    rows = []
    for theme in theme_ids():
        found = overall["per_theme"][theme]
        rows.append(
            [
                f"`{theme}`",
                str(counts[theme]),
                fmt(found["precision"]),
                fmt(found["recall"]),
                fmt(found["f1"]),
            ]
        )
    return rows


def _in_group(line: Line, group: str) -> bool:
    if group in REGISTERS:
        return line.register == group
    if group in WORDINGS:
        return line.wording == group
    return True


def register_rows(registers: dict[str, dict[str, Any]], lines: Sequence[Line]) -> list[list[str]]:
    return [
        [
            register,
            str(found["n"]),
            str(sum(len(line.themes) for line in lines if _in_group(line, register))),
            fmt(found["macro_f1"]),
            fmt(found["micro_f1"]),
            fmt(found["sentiment_accuracy"]),
        ]
        for register, found in registers.items()
    ]


def print_errors(lines: Sequence[Line], themes: Sequence[Sequence[str]], sentiments: Sequence[str]) -> None:
    print("\n## Disagreements (label -> coder)\n")
    for line, found, sentiment in zip(lines, themes, sentiments, strict=True):
        missed = sorted(set(line.themes) - set(found))
        extra = sorted(set(found) - set(line.themes))
        if missed or extra or sentiment != line.sentiment:
            note = f" sentiment {line.sentiment}->{sentiment}" if sentiment != line.sentiment else ""
            print(f"{line.id} [{line.register}] missed {missed} extra {extra}{note}")
            print(f"    {line.text[:160]}")


def print_report(
    lines: Sequence[Line],
    overall: dict[str, Any],
    wordings: dict[str, dict[str, Any]],
    registers: dict[str, dict[str, Any]],
    rate: dict[str, Any],
) -> None:
    counts = Counter(theme for line in lines for theme in line.themes)
    plain_counts = Counter(theme for line in lines if line.wording == "plain" for theme in line.themes)
    print(
        f"{len(lines)} held-out lines, {sum(counts.values())} theme labels, "
        f"{sum(not line.themes for line in lines)} with no theme\n"
    )
    print(
        table(
            [[fmt(overall["macro_f1"]), fmt(overall["micro_f1"]), fmt(overall["sentiment_accuracy"])]],
            ["macro-F1", "micro-F1", "sentiment accuracy"],
        )
    )
    print("\n## Per theme\n")
    print(table(theme_rows(overall, counts), ["theme", "support", "precision", "recall", "F1"]))
    print("\n## By wording\n")
    print(
        table(
            register_rows(wordings, lines),
            ["wording", "texts", "theme labels", "macro-F1", "micro-F1", "sentiment acc."],
        )
    )
    print("\n## Per theme, plain-worded lines\n")
    print(
        table(theme_rows(wordings["plain"], plain_counts), ["theme", "support", "precision", "recall", "F1"])
    )
    print("\n## Per register\n")
    print(
        table(
            register_rows(registers, lines),
            ["register", "texts", "theme labels", "macro-F1", "micro-F1", "sentiment acc."],
        )
    )
    print(
        f"\nSpeed: {rate['texts_per_cpu_second_median']:,.0f} texts/s (CPU, one core, median of "
        f"{rate['repeats']} passes over {rate['texts']} texts; "
        f"best {rate['texts_per_cpu_second_best']:,.0f}; "
        f"wall {rate['texts_per_wall_second_median']:,.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the set for the speed (default 5)")
    parser.add_argument("--errors", action="store_true", help="list every disagreement with the labels")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "coder_heldout.json")
    args = parser.parse_args()
    warnings.simplefilter("ignore", category=UserWarning)
    lines = load()
    codings = code_texts([line.text for line in lines], default_model())
    themes = [coding.theme_ids for coding in codings]
    sentiments = [coding.sentiment.label for coding in codings]
    overall = scores(lines, themes, sentiments)
    registers = by_register(lines, themes, sentiments)
    wordings = by_wording(lines, themes, sentiments)
    counts = Counter(theme for line in lines for theme in line.themes)
    rate = speed([line.text for line in lines], max(1, args.repeat))
    print_report(lines, overall, wordings, registers, rate)
    if args.errors:
        print_errors(lines, themes, sentiments)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    predictions = [
        {"id": line.id, "themes": list(found), "sentiment": sentiment}
        for line, found, sentiment in zip(lines, themes, sentiments, strict=True)
    ]
    args.out.write_text(
        json.dumps(
            {
                "overall": overall,
                "registers": registers,
                "wordings": wordings,
                "wording_counts": dict(Counter(line.wording for line in lines)),
                "theme_counts": dict(counts),
                "register_counts": dict(Counter(line.register for line in lines)),
                "speed": rate,
                "predictions": predictions,
            },
            indent=1,
        )
    )
    print(f"\nWrote {args.out}")


if __name__ == "__main__":
    main()
