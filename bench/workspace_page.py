"""How fast the coding workspace's pages are with 10,000 answers, against baselines measured alongside.

    .venv/bin/python bench/workspace_page.py [--answers 10000] [--runs 15] [--database PATH]

A temporary SQLite database (WAL, full sync, as in production on SQLite) gets the demo forum with
at least ``--answers`` coded free-text answers (``seed_demo``; every answer coded automatically, as
at submission) and a small forum of about 100 answers. A lead of each signs in through the Flask test
client (the whole request: routing, the guard, the session, the queries, the templates; no network).
Each page is fetched ``--runs`` times after two warm-up fetches; the table gives the median and the
slowest run in milliseconds, and each median as a ratio to two baselines measured in the same run:
the same queue page at 100 answers, and the plain list of responses (``/staff/responses``) at
10,000 answers. Saves code a different answer each run. Last, one bulk acceptance of every answer
left to code (at 50% or more) and the undo of that run are timed once. Results also go to
``bench/out/workspace_page.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum_app import create_app
from forum_app.accounts.models import Forum, User
from forum_app.accounts.services import create_user
from forum_app.coding.bulk import BATCH, bulk_accept
from forum_app.coding.filters import Filters
from forum_app.coding.models import PENDING, CodedAnswer
from forum_app.coding.undo import undo_last
from forum_app.dbcli import upgrade
from forum_app.demo import seed_demo
from forum_app.extensions import db
from forum_app.surveys.models import Answer

OUT = Path(__file__).resolve().parent / "out" / "workspace_page.json"
PASSWORD = "benchmark password for the lead"  # noqa: S105  (a throw-away database)
ANSWERS_PER_RESPONSE = 2.4  # about, for the default survey's three free-text questions
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_SEEN = re.compile(r'name="seen" value="([^"]*)"')


def _forum_id(app: Flask, slug: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(Forum.id).where(Forum.slug == slug))


def _count(app: Flask, slug: str) -> int:
    forum_id = _forum_id(app, slug)
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count()).select_from(CodedAnswer).where(CodedAnswer.forum_id == forum_id)
            )
            or 0
        )


def seed(app: Flask, slug: str, answers: int, seed_number: int) -> int:
    """Add demo responses to the forum ``slug`` until it has at least ``answers`` coded answers."""
    have = _count(app, slug)
    while have < answers:
        responses = max(10, int((answers - have) / ANSWERS_PER_RESPONSE) + 5)
        with app.app_context():
            seed_demo(db.session, responses=responses, seed=seed_number, forum_slug=slug)
        seed_number += 1
        have = _count(app, slug)
    with app.app_context():
        create_user(db.session, f"lead@{slug}.example", slug, "lead", password=PASSWORD)
    return have


def signed_in(app: Flask, slug: str) -> FlaskClient:
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = _TOKEN.search(page)
    assert token, "no CSRF token on the sign-in page"
    response = client.post(
        "/staff/login", data={"email": f"lead@{slug}.example", "password": PASSWORD, "csrf_token": token[1]}
    )
    assert response.status_code == 302 and "password" not in response.location, response.location
    return client


def measure(fetch: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls of ``fetch``, after two warm-up calls."""
    for _ in range(2):
        fetch()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    return times


def getter(client: FlaskClient, url: str) -> Callable[[], None]:
    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return fetch


def saver(app: Flask, client: FlaskClient) -> tuple[Callable[[], None], Callable[[], None]]:
    """(prepare, save): open the next answer to code (not timed), then save it ("Save and next")."""
    form: dict[str, Any] = {}
    forum_id = _forum_id(app, "demo")

    def prepare() -> None:
        with app.app_context():
            answer_id = db.session.scalar(
                select(Answer.public_id)
                .join(CodedAnswer, CodedAnswer.answer_id == Answer.id)
                .where(CodedAnswer.forum_id == forum_id, CodedAnswer.status == PENDING)
                .order_by(CodedAnswer.submitted_on.desc(), CodedAnswer.answer_id.desc())
                .limit(1)
            )
        page = client.get(f"/staff/coding/{answer_id}").get_data(as_text=True)
        token, seen = _TOKEN.search(page), _SEEN.search(page)
        assert token and seen
        form.update(
            url=f"/staff/coding/{answer_id}",
            data={
                "csrf_token": token[1],
                "seen": seen[1],
                "theme": ["family_impact"],
                "sentiment": "negative",
            },
        )

    def save() -> None:
        response = client.post(form["url"], data=form["data"])
        assert response.status_code == 303, response.status_code

    return prepare, save


def measure_saves(prepare: Callable[[], None], save: Callable[[], None], runs: int) -> list[float]:
    times = []
    for number in range(runs + 2):
        prepare()
        started = time.perf_counter()
        save()
        if number >= 2:
            times.append((time.perf_counter() - started) * 1000)
    return times


def bulk_and_undo(app: Flask) -> dict[str, Any]:
    """One bulk acceptance of everything left to code at 50% or more, then its undo (seconds)."""
    forum_id = _forum_id(app, "demo")
    assert forum_id is not None
    with app.app_context():
        lead = db.session.scalar(select(User.id).where(User.email == "lead@demo.example"))
        assert lead is not None
        started = time.perf_counter()
        accepted = bulk_accept(db.session, forum_id, lead, 0.5, Filters())
        accept_s = time.perf_counter() - started
        started = time.perf_counter()
        undone = undo_last(db.session, forum_id, lead)
        undo_s = time.perf_counter() - started
    assert undone.count == accepted
    return {"accepted": accepted, "accept_s": round(accept_s, 3), "undo_s": round(undo_s, 3)}


def bench_app(url: str) -> Flask:
    """The app on the migrated database at ``url``."""
    upgrade(url)
    # The leads sign in with a password only: two-factor sign-in is not what is measured here.
    return create_app(
        {
            "FORUM_ENV": "testing",
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" + "x" * 40,
            "LEADS_NEED_TWO_FACTOR": False,
        }
    )


def first_answer(app: Flask, slug: str) -> str | None:
    """The public id of the forum's first coded answer."""
    with app.app_context():
        return db.session.scalar(
            select(Answer.public_id).where(
                Answer.id
                == select(func.min(CodedAnswer.answer_id))
                .where(CodedAnswer.forum_id == _forum_id(app, slug))
                .scalar_subquery()
            )
        )


def timed_pages(app: Flask, big: int, runs: int) -> dict[str, list[float]]:
    """Milliseconds of each page's ``runs`` timed fetches (or saves), the two baselines first."""
    client, baseline = signed_in(app, "demo"), signed_in(app, "small")
    first_id = first_answer(app, "demo")
    last_page = -(-big // 25)
    pages: list[tuple[str, Callable[[], list[float]]]] = [
        (
            "baseline: queue at ~100 answers",
            lambda: measure(getter(baseline, "/staff/coding"), runs),
        ),
        (
            "baseline: /staff/responses list",
            lambda: measure(getter(client, "/staff/responses"), runs),
        ),
        ("queue, first page", lambda: measure(getter(client, "/staff/coding"), runs)),
        (
            "queue, filtered (theme+sentiment+band)",
            lambda: measure(
                getter(client, "/staff/coding?theme=waiting_times&sentiment=negative&confidence=low"),
                runs,
            ),
        ),
        (
            "queue, all statuses, least sure first",
            lambda: measure(getter(client, "/staff/coding?status=all&order=unsure"), runs),
        ),
        (
            f"queue, deep page ({last_page})",
            lambda: measure(getter(client, f"/staff/coding?page={last_page}"), runs),
        ),
        (
            "coding page (one answer)",
            lambda: measure(getter(client, f"/staff/coding/{first_id}"), runs),
        ),
        ("bulk page (preview count)", lambda: measure(getter(client, "/staff/coding/bulk"), runs)),
        ("save and next (POST)", lambda: measure_saves(*saver(app, client), runs)),
    ]
    return {name: run() for name, run in pages}


def report(
    results: dict[str, list[float]], bulk: dict[str, Any], big: int, small: int, runs: int
) -> tuple[str, dict[str, Any]]:
    """The table printed, and the summary saved to ``OUT``."""
    small_queue = statistics.median(results["baseline: queue at ~100 answers"])
    responses = statistics.median(results["baseline: /staff/responses list"])
    lines = [
        f"Coding workspace at {big:,} answers (SQLite, Flask test client, median of {runs} runs)",
        "",
        f"| {'page':<40} | {'median ms':>9} | {'slowest':>7} | {'x queue@100':>11} | {'x responses':>11} |",
        f"|{'-' * 42}|{'-' * 10}:|{'-' * 8}:|{'-' * 12}:|{'-' * 12}:|",
    ]
    summary: dict[str, Any] = {"answers": big, "small_forum_answers": small, "runs": runs, "pages": {}}
    for name, times in results.items():
        median = statistics.median(times)
        lines.append(
            f"| {name:<40} | {median:>9.1f} | {max(times):>7.1f} | {median / small_queue:>11.2f} | "
            f"{median / responses:>11.2f} |"
        )
        summary["pages"][name] = {"median_ms": round(median, 2), "max_ms": round(max(times), 2)}
    lines.append(
        f"\nBulk acceptance of every answer left to code at 50% or more ({bulk['accepted']:,} answers, "
        f"batches of {BATCH}): {bulk['accept_s']:.2f} s; undoing that run: {bulk['undo_s']:.2f} s."
    )
    summary["bulk"] = bulk
    return "\n".join(lines), summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=10_000, help="coded answers in the big forum")
    parser.add_argument("--runs", type=int, default=15, help="timed fetches of each page (median)")
    parser.add_argument(
        "--database", type=Path, help="an SQLite file to use (kept); default: a temporary one"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(f"sqlite:///{args.database or Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        big = seed(app, "demo", args.answers, 1)
        small = seed(app, "small", 100, 1000)
        print(f"Seeded and coded {big:,} + {small:,} answers in {time.perf_counter() - started:.0f} s.")
        results = timed_pages(app, big, args.runs)
        bulk = bulk_and_undo(app)
        db.engine(app).dispose()

    table, summary = report(results, bulk, big, small, args.runs)
    print(table)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
