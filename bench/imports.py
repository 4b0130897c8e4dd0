"""How long importing a forum's past responses takes, and its peak memory, as the command runs it.

    .venv/bin/python bench/imports.py [--rows 50000] [--seed 1]

A Google Forms export (CSV, the tool's header layout with its timestamp and email columns) of ``--rows``
synthetic families is written from the default survey's choice, number and free-text questions
(answers from the demo generator). Then, each in its own process on a fresh SQLite file database
(WAL, full sync, as in production on SQLite):

1. baseline: ``flask forums create``, the same start-up and set-up the import pays, without importing;
2. ``flask surveys import`` of the file into a new survey: every row stored, every free-text answer
   held, redacted, checked for safeguarding risk and duplicates, as a parent's report;
3. the same import again: every row found already imported.

Reported: wall time, CPU time and peak memory (maximum resident set size) of each process, the import's
time per 1,000 rows, and the ratio of each step's wall time to the baseline's. Results also go to
``bench/out/imports.json``. The machine's other load is not controlled: read CPU time beside wall time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum_app.surveys.definitions import Question, load_packaged, parse_definition  # noqa: E402
from forum_app.surveys.demo_answers import generate_answers  # noqa: E402

OUT = ROOT / "bench" / "out" / "imports.json"
KINDS = ("radio", "checkboxes", "number", "rating", "text")
FIRST_DAY = date(2023, 9, 1)


def _cell(question: Question, value: Any) -> str:
    """An answer as Google Forms writes it: option labels, checkboxes joined by ', '."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(question.option_label(str(item)) for item in value)
    return question.option_label(str(value)) if question.options else str(value)


def write_export(path: Path, rows: int, seed: int) -> int:
    """A Google Forms CSV export of ``rows`` families; returns the number of question columns."""
    definition = parse_definition(load_packaged())
    questions = [q for q in definition.questions if q.kind in KINDS]
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Email address", *(q.title for q in questions)])
        for number in range(rows):
            answers = generate_answers(definition, rng, today=date(2026, 11, 30))
            day = FIRST_DAY + timedelta(days=rng.randrange(900))
            stamp = f"{day:%d/%m/%Y} {rng.randrange(8, 22):02d}:{rng.randrange(60):02d}:00"
            email = f"parent{number}@example.org" if rng.random() < 0.4 else ""
            writer.writerow([stamp, email, *(_cell(q, answers.get(q.key)) for q in questions)])
    return len(questions)


def run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``flask ARGS`` in its own process; its wall time, CPU time and peak memory."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        flask = str(ROOT / ".venv" / "bin" / "flask")
        child = subprocess.Popen([flask, *args], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own usage, not every child's
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{err.read()[-2000:]}")
        lines = out.read().strip().splitlines()
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "last_line": lines[-1] if lines else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "past-responses.csv"
        columns = write_export(export, options.rows, options.seed)
        env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": f"sqlite:///{folder}/bench.db"}
        run(["db", "upgrade"], env)
        baseline = run(["forums", "create", "--slug", "bench", "--name", "Bench Forum"], env)
        command = ["surveys", "import", str(export), "--forum", "bench", "--survey", "past"]
        first = run(command, env)
        again = run(command, env)
        size_mb = export.stat().st_size / 1_000_000
    results = {
        "rows": options.rows,
        "question_columns": columns,
        "file_mb": round(size_mb, 1),
        "baseline": baseline,
        "import": first,
        "import_again": again,
        "import_s_per_1000_rows": round(first["wall_s"] * 1000 / options.rows, 2),
        "ratio_import_to_baseline": round(first["wall_s"] / baseline["wall_s"], 1),
        "ratio_again_to_baseline": round(again["wall_s"] / baseline["wall_s"], 1),
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
