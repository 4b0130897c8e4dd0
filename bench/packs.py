"""Time and peak memory of building an evidence pack in every format, at several sizes.

    .venv/bin/python bench/packs.py [--sizes 1000,10000,100000] [--keep DIR]

For each size a SQLite database gets that many demo responses (``seed_demo``: redacted, approved,
coded automatically) and every suggestion is accepted as a person would in bulk, so every answer
counts. Seeding is not timed. Then a fresh process builds the pack (``build_pack``) and renders
every format with the manifest (``render_files``), and reports the wall time of each step and its
peak resident memory (``ru_maxrss`` of that process, which includes the interpreter and the
libraries: the line "baseline" is the same process doing everything but the build). Each time is
also given per 1,000 responses as a ratio to the smallest size, to show how the cost grows. Results
go to ``bench/out/packs.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

UNTIL = date(2026, 6, 30)


def _app(database: Path):  # type: ignore[no-untyped-def]
    from forum_app import create_app

    config = {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench", "FORUM_ENV": "testing"}
    return create_app(config)


def seed(database: Path, responses: int) -> None:
    from sqlalchemy import select

    from forum_app.accounts.models import Forum, User
    from forum_app.coding.bulk import bulk_accept
    from forum_app.coding.filters import Filters
    from forum_app.dbcli import upgrade
    from forum_app.demo import seed_demo
    from forum_app.extensions import db

    upgrade(f"sqlite:///{database}")
    app = _app(database)
    with app.app_context():
        seed_demo(db.session, responses=responses, seed=3, until=UNTIL)
        forum = db.session.scalars(select(Forum)).one()
        lead = db.session.scalars(select(User)).one()
        bulk_accept(db.session, forum.id, lead.id, 0.5, Filters())


def measure(database: Path, build: bool) -> dict[str, float]:
    """In this (fresh) process: import everything, then build and render unless ``build`` is False."""
    import scipy.stats  # noqa: F401  (loaded before timing, like the renderers)

    from forum_app.extensions import db
    from forum_app.packs import render_html, render_pdf, render_xlsx  # noqa: F401
    from forum_app.packs.build import build_pack
    from forum_app.packs.data import PackRequest
    from forum_app.packs.files import FORMATS, render_files

    app = _app(database)
    result: dict[str, float] = {}
    with app.app_context():
        if build:
            started = time.perf_counter()
            pack = build_pack(db.session, PackRequest("demo", "send-experience"), built_on=UNTIL)
            result["build_s"] = time.perf_counter() - started
            started = time.perf_counter()
            files = render_files(pack, list(FORMATS))
            result["render_s"] = time.perf_counter() - started
            result["bytes"] = float(sum(len(data) for data in files.values()))
            result["responses"] = float(pack.meta.responses) if isinstance(pack.meta.responses, int) else 0.0
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _child(database: Path, build: bool) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(database), "--build" if build else "--no-build"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--keep", type=Path, default=None, help="Keep the databases in this folder.")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--build", action=argparse.BooleanOptionalAction, default=True, help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.build)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="forum-bench-packs-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        database = folder / f"packs-{size}.db"
        if not database.exists():
            started = time.perf_counter()
            seed(database, size)
            print(f"seeded {size:,} responses in {time.perf_counter() - started:.0f} s", flush=True)
        baseline = _child(database, build=False)
        measured = _child(database, build=True)
        row = {"size": size, **measured, "baseline_mb": baseline["peak_mb"]}
        rows.append(row)
        print(
            f"{size:>8,} responses: build {row['build_s']:.2f} s, "
            f"render all formats {row['render_s']:.2f} s, "
            f"total {row['build_s'] + row['render_s']:.2f} s; peak {row['peak_mb']:.0f} MB "
            f"(baseline process {row['baseline_mb']:.0f} MB)",
            flush=True,
        )
        if args.keep is None:
            os.remove(database)
    first = rows[0]
    per_first = (first["build_s"] + first["render_s"]) / first["size"]
    print("\nTotal time per response, as a ratio to the smallest size (1.0 = linear; below 1 = better):")
    for row in rows:
        print(f"{row['size']:>8,}: {((row['build_s'] + row['render_s']) / row['size']) / per_first:.2f}")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "packs.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
