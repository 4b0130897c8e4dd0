"""How many answers a moderator can get through per minute with the keyboard, in a real Chromium.

    .venv/bin/python bench/queue_keyboard.py [--answers 60] [--database PATH]

A temporary SQLite database (WAL, full sync, as in production on SQLite) gets demo responses
(``seed_demo``) until at least ``--answers`` free-text answers wait in the moderation queue: the last
fortnight's answers and every flagged one wait, with their automatic redactions. A live server (the
app under werkzeug, threaded, on 127.0.0.1) serves them to the system Chromium driven by Playwright.
A lead signs in, opens the first answer and presses one key per answer: "h" holds a safeguarding
concern (to ask the forum's safeguarding lead), "a" approves any other answer; each key sends the form
and the next answer's page loads. The time runs from the first key to the last page loaded.

The baseline is the same work with the mouse: answers alternate between the two, so both get the same
mix of concerns and plain answers, the one decided by its key, the next by clicking its "Approve" or
"Hold" button (found on the page as a person would). Per minute is answers / total time of that method.
The figure is what the software allows, with no time to read: a person reading each answer is slower,
and the difference between the two methods is what the keyboard saves per answer on top of reading.
Results also go to ``bench/out/queue_keyboard.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

from forum_app import create_app
from forum_app.accounts.services import create_user
from forum_app.dbcli import upgrade
from forum_app.demo import seed_demo
from forum_app.extensions import db
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.surveys.models import SUBMITTED, Response

OUT = Path(__file__).resolve().parent / "out" / "queue_keyboard.json"
CHROMIUM = "/usr/bin/chromium"
MODERATOR = "moderator@demo.example"
PASSWORD = "benchmark password for the moderator"  # noqa: S105  (a throw-away database)
PUBLIC_ID = re.compile(r"[0-9a-f]{16}")  # an answer's id in staff addresses
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def waiting(app: Flask) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count())
                .select_from(ModerationItem)
                .join(Response, Response.id == ModerationItem.response_id)
                .where(ModerationItem.status == PENDING, Response.status == SUBMITTED)
            )
            or 0
        )


def seed(app: Flask, answers: int) -> int:
    """Demo responses until at least ``answers`` wait in the queue; a lead to moderate them."""
    number = 1
    while waiting(app) < answers:
        with app.app_context():
            seed_demo(db.session, responses=400, seed=number, until=date.today())
        number += 1
    with app.app_context():
        create_user(db.session, MODERATOR, "demo", "lead", password=PASSWORD)
    return waiting(app)


def statuses(app: Flask) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(ModerationItem.status, func.count()).group_by(ModerationItem.status)
        ).all()
    return {status: count for status, count in rows}


def _answer_id(page: Page) -> str | None:
    """The public id of the answer the page shows, or None once the queue is done."""
    path = page.url.split("?")[0].split("#")[0]
    tail = path.rsplit("/", 1)[1]
    return tail if "/staff/moderation/" in path and PUBLIC_ID.fullmatch(tail) else None


def decide(page: Page, count: int, methods: dict[str, Callable[[Page, bool], None]]) -> dict[str, Any]:
    """Decide ``count`` answers with each method in turn, from the one open; per method, each answer's
    milliseconds (key or click to the next answer's page loaded) and how many were held."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    held = dict.fromkeys(methods, 0)
    names = list(methods)
    for turn in range(count * len(names)):
        if _answer_id(page) is None:
            break
        name = names[turn % len(names)]
        flagged = page.locator(".moderation-warning").count() > 0
        held[name] += flagged
        step = time.perf_counter()
        with page.expect_navigation():
            methods[name](page, flagged)
        page.wait_for_load_state("load")
        times[name].append((time.perf_counter() - step) * 1000)
    return {
        name: {
            "answers": len(times[name]),
            "held": held[name],
            "seconds": round(sum(times[name]) / 1000, 2),
            "per_minute": round(len(times[name]) / sum(times[name]) * 60_000, 1) if times[name] else 0.0,
            "median_ms": round(statistics.median(times[name]), 1) if times[name] else None,
            "slowest_ms": round(max(times[name]), 1) if times[name] else None,
        }
        for name in names
    }


def by_key(page: Page, flagged: bool) -> None:
    page.keyboard.press("h" if flagged else "a")


def by_mouse(page: Page, flagged: bool) -> None:
    page.get_by_role("button", name="Hold" if flagged else "Approve", exact=True).click()


def run(app: Flask, url: str, answers: int) -> dict[str, Any]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/staff/login")
        page.get_by_label("Email address").fill(MODERATOR)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.goto(f"{url}/staff/moderation")
        with page.expect_navigation():
            page.locator(".moderation-queue__title a").first.click()
        page.evaluate("document.activeElement && document.activeElement.blur()")
        results = decide(page, answers, {"keyboard": by_key, "mouse (baseline)": by_mouse})
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=60, help="answers decided by each method")
    parser.add_argument("--database", type=Path, help="a SQLite file to use (default: a temporary one)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is not installed (apt package chromium)")
    with tempfile.TemporaryDirectory() as folder:
        path = args.database or Path(folder) / "queue.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        # The moderator signs in with a password only: two-factor sign-in is not what is measured here.
        app = create_app(
            {
                "FORUM_ENV": "testing",
                "DATABASE_URL": url,
                "SECRET_KEY": "bench-" + "x" * 40,
                "LEADS_NEED_TWO_FACTOR": False,
            }
        )
        started = time.perf_counter()
        queued = seed(app, args.answers * 2)
        print(f"{queued} answers waiting, seeded in {time.perf_counter() - started:.1f} s", flush=True)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            results = run(app, f"http://127.0.0.1:{server.server_port}", args.answers)
        finally:
            server.shutdown()
        final = statuses(app)
        db.engine(app).dispose()
    decided = sum(result["answers"] for result in results.values())
    held = sum(result["held"] for result in results.values())
    assert final.get(HELD, 0) >= held, final  # every key and click reached the database
    print(f"{'method':<18} {'answers':>7} {'held':>5} {'seconds':>8} {'per minute':>11} {'median ms':>10}")
    for name, result in results.items():
        print(
            f"{name:<18} {result['answers']:>7} {result['held']:>5} {result['seconds']:>8} "
            f"{result['per_minute']:>11} {result['median_ms']:>10}"
        )
    print(f"decided {decided}: {final.get(APPROVED, 0)} approved in all (seeded ones included), {held} held")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"waiting_at_start": queued, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
