"""How long the near-duplicate check takes per response as a survey grows: 1,000 and 20,000 earlier ones.

    .venv/bin/python bench/duplicates.py [--sizes 1000 20000] [--probes 300] [--repeats 3]

A temporary SQLite file database (WAL, full sync, foreign keys, as in production on SQLite) gets the
default survey and synthetic responses from the demo generator (``generate_answers``: its sentences
come from shared templates, so texts overlap far more than real parents' do), inserted directly with
their LSH bands, as intake would have recorded them. The same ``--probes`` new responses are then
checked with ``find_and_record`` (candidate query, verification, recording the bands) at each size,
each timed on its own, in one transaction rolled back afterwards; of ``--repeats`` such runs the one
with the lowest median is reported (the least disturbed by other load on the machine). "rows read" is
the mean number of stored band rows the candidate query finds per check. Results also go to
``bench/out/duplicates.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from forum_app.accounts.services import ensure_forum
from forum_app.db import make_engine, make_sessionmaker
from forum_app.dbcli import upgrade
from forum_app.moderation.duplicates import bands, find_and_record, response_text
from forum_app.moderation.models import DuplicateBand
from forum_app.surveys.codes import new_token
from forum_app.surveys.definitions import keys_of_kind, load_packaged, parse_definition
from forum_app.surveys.demo_answers import generate_answers
from forum_app.surveys.models import SUBMITTED, Answer, Response, SurveyVersion
from forum_app.surveys.services import publish_survey

OUT = Path(__file__).resolve().parent / "out" / "duplicates.json"
DAY = date(2026, 11, 2)
BATCH = 1000


def add_responses(
    session: Session, version: SurveyVersion, count: int, rng: random.Random, record: bool
) -> list[tuple[str, str]]:
    """Insert ``count`` submitted responses (with their bands when ``record``); returns (id, text)."""
    definition = parse_definition(version.definition)
    text_keys = keys_of_kind(version.definition, "text")
    made = []
    for start in range(0, count, BATCH):
        rows: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        found: list[dict[str, Any]] = []
        for _ in range(min(BATCH, count - start)):
            response_id = new_token()
            values = generate_answers(definition, rng, today=DAY)
            rows.append(
                {
                    "id": response_id,
                    "forum_id": version.survey.forum_id,
                    "survey_version_id": version.id,
                    "status": SUBMITTED,
                    "started_on": DAY,
                    "submitted_on": DAY,
                    "idempotency_key": new_token(),
                }
            )
            answers += [
                {"response_id": response_id, "question_key": k, "value": v} for k, v in values.items()
            ]
            text = response_text(values, text_keys)
            made.append((response_id, text))
            if record:
                found += [
                    {"survey_id": version.survey_id, "response_id": response_id, "band": band}
                    for band in bands(text)
                ]
        session.execute(insert(Response), rows)
        session.execute(insert(Answer), answers)
        if found:
            session.execute(insert(DuplicateBand), found)
        session.commit()
    return made


def _matching_rows(session: Session, survey_id: int, text: str) -> int:
    """How many stored band rows of earlier responses the candidate query reads for ``text``."""
    signature = bands(text)
    if not signature:
        return 0
    query = select(func.count()).where(
        DuplicateBand.survey_id == survey_id, DuplicateBand.band.in_(signature)
    )
    return session.scalar(query) or 0


def time_checks(session: Session, survey_id: int, probes: list[tuple[str, str]]) -> dict[str, Any]:
    times, marked, matched = [], 0, []
    for response_id, text in probes:
        matched.append(_matching_rows(session, survey_id, text))  # not timed: shows the work done
        began = time.perf_counter()
        duplicate = find_and_record(session, survey_id, response_id, text)
        times.append((time.perf_counter() - began) * 1000)
        marked += duplicate is not None
    session.rollback()
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "mean_ms": statistics.fmean(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "max_ms": times[-1],
        "marked_duplicate": marked,
        "matching_band_rows_mean": statistics.fmean(matched),
        "matching_band_rows_max": max(matched),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        session = make_sessionmaker(engine)()
        forum = ensure_forum(session, "bench", name="Bench Forum", local_area="Benchshire")
        version = publish_survey(session, forum, load_packaged())
        survey_id = version.survey_id
        probes = add_responses(session, version, args.probes, random.Random(99), record=False)
        have = 0
        print(
            f"{'earlier responses':>17} {'band rows':>9} {'median ms':>9} {'mean ms':>8} {'p95 ms':>7}"
            f" {'rows read':>9}  marked"
        )
        for size in sorted(args.sizes):
            add_responses(session, version, size - have, rng, record=True)
            have = size
            rows = session.scalar(select(func.count()).select_from(DuplicateBand)) or 0
            time_checks(session, survey_id, probes[:20])  # warm the caches
            runs = [time_checks(session, survey_id, probes) for _ in range(args.repeats)]
            result = min(runs, key=lambda run: run["median_ms"])  # the run least disturbed by other load
            results[str(size)] = {**result, "band_rows": rows}
            print(
                f"{size:>17,} {rows:>9,} {result['median_ms']:>9.2f} {result['mean_ms']:>8.2f}"
                f" {result['p95_ms']:>7.2f} {result['matching_band_rows_mean']:>9.2f}"
                f"  {result['marked_duplicate']}/{len(probes)}"
            )
        session.close()
        engine.dispose()
    sizes = sorted(args.sizes)
    if len(sizes) > 1:
        first, last = results[str(sizes[0])], results[str(sizes[-1])]
        ratio = last["median_ms"] / first["median_ms"]
        results["ratio_median"] = ratio
        print(f"median at {sizes[-1]:,} / median at {sizes[0]:,}: {ratio:.2f}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
