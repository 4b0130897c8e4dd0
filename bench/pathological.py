"""Time per call of redaction, safeguarding flags, the near-duplicate fingerprint, the theme coder and
the language detector on hostile answers, against ordinary text of the same length in the same run.

    .venv/bin/python bench/pathological.py [--lengths 1000 5000 10000] [--repeats 3]

Each family repeats one piece ("St ", "Mr ", all digits, punctuation, invisible characters...) to
each length. A call is timed in CPU seconds of this process (best of ``--repeats``), so other load on
the machine does not count against it. Fails (exit code 1) when a call takes longer than
``BOUND_SECONDS`` or more than ``RATIO`` times the same function on ordinary text of the same length
(ordinary times under ``FLOOR_SECONDS`` count as that floor). Results: bench/out/pathological.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum_app.coder.pipeline import code_text  # noqa: E402
from forum_app.moderation.duplicates import bands  # noqa: E402
from forum_app.moderation.language import detect_language  # noqa: E402
from forum_app.moderation.redact import redact  # noqa: E402
from forum_app.moderation.safeguarding import flag  # noqa: E402
from forum_app.quotes.check import check_quote  # noqa: E402

OUT = ROOT / "bench" / "out" / "pathological.json"
BOUND_SECONDS = 0.25
RATIO = 10.0
FLOOR_SECONDS = 0.01
ORDINARY = "We waited 40 weeks for the plan and nobody rang us back, so I rang the SENCO again. "
FAMILIES: dict[str, str] = {
    "ordinary": ORDINARY,
    "'St ' repeated": "St ",
    "'St. ' repeated": "St. ",
    "'Saint Mary ' repeated": "Saint Mary ",
    "'Mr ' repeated": "Mr ",
    "capitalised words": "Oak ",
    "'The ' repeated": "The ",
    "capitals": "ABCD ",
    "'Primary ' repeated": "Primary ",
    "lower-case words, setting": "oak park school ",
    "'Our Lady of ' repeated": "Our Lady of ",
    "'Bishop ' repeated": "Bishop ",
    "'King Edward ' repeated": "King Edward ",
    "'little ' repeated": "at little ",
    "role at a name": "head of year at Oak ",
    "list of names": "alfie and poppy, ",
    "'school on ' repeated": "school on Oak ",
    "'me and ' repeated": "me and ",
    "'excluded from ' repeated": "excluded from Oak ",
    "names before a school's role": "Oak Hill's Oak ",
    "school verbs before names": "goes to Oak Hill have ",
    "'sir ' repeated": "sir john ",
    "lower-case faith schools": "at holy family st. mary's c of e ",
    "all digits": "0",
    "spaced digits": "1 ",
    "digits and dashes": "1-",
    "digits and dots": "1.",
    "punctuation": ".-/,",
    "'a.b@' repeated": "a.b@",
    "' at ' repeated": "a at b dot ",
    "'www.' repeated": "www.",
    "hyphenated letters": "a-",
    "apostrophes": "a'",
    "no spaces": "abcdefghij",
    "spaces": " ",
    "spaces and tabs": " \t",
    "spaces before line breaks": "a      \n",
    "zero-width": "a\u200b",
    "right-to-left": "\u202eabc\u202c ",
    "emoji": "🙂👩\u200d👧",
    "mixed scripts": "Свя我的مر ab ",
    "'st ' lower case": "st ",
    "'at QEGS ' repeated": "at QEGS ",
    "handles": "@jo ",
    "outward codes": "NG3 ",
    "phrase word, apostrophes": "cut " + "'" * 200 + " ",
    "phrase word, hyphens": "approv" + "'-" * 100 + " ",
}
FUNCTIONS: dict[str, Callable[[str], Any]] = {
    "redact": redact,
    "flag": flag,
    "duplicates bands": bands,
    "coder": code_text,
    "quote check": check_quote,
    "language": detect_language,
}


def _text(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _time(function: Callable[[str], Any], text: str, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        function(text)
        best = min(best, time.process_time() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lengths", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for function in FUNCTIONS.values():
        function("Warm up: load the lists and the model once.")
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for length in args.lengths:
        ordinary = {name: _time(f, _text(ORDINARY, length), args.repeats) for name, f in FUNCTIONS.items()}
        print(f"\n{length:,} characters (ms per call, CPU; ordinary text first)")
        print(f"  {'family':<26}" + "".join(f"{name:>18}" for name in FUNCTIONS))
        for family, unit in FAMILIES.items():
            text = _text(unit, length)
            cells = []
            for name, function in FUNCTIONS.items():
                seconds = ordinary[name] if family == "ordinary" else _time(function, text, args.repeats)
                ratio = seconds / max(ordinary[name], FLOOR_SECONDS)
                rows.append(
                    {"family": family, "length": length, "function": name, "seconds": seconds, "ratio": ratio}
                )
                if seconds > BOUND_SECONDS or ratio > RATIO:
                    failures.append(f"{name}, {family}, {length:,}: {seconds * 1000:.0f} ms, x{ratio:.1f}")
                cells.append(f"{seconds * 1000:>12.1f} ({ratio:>3.1f})")
            print(f"  {family:<26}" + "".join(cells))
    slowest = max((row for row in rows if row["family"] != "ordinary"), key=lambda row: row["seconds"])
    print(
        f"\nSlowest pathological input: {slowest['function']} on {slowest['family']} at {slowest['length']:,}"
        f" characters, {slowest['seconds'] * 1000:.1f} ms (ratio to ordinary text {slowest['ratio']:.1f})"
    )
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"rows": rows, "slowest": slowest, "failures": failures}, indent=1))
    for failure in failures:
        print("TOO SLOW:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
