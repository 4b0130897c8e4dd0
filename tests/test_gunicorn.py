"""Several worker processes share one database and nothing else: a parent's journey moves between
gunicorn workers freely, and the access log holds no IP address."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from forum_app.extensions import db
from tests.conftest import TEST_SECRET, empty_database, make_test_app
from tests.factories import JOURNEY, SURVEY_URL, make_forum, make_survey, receipt_code
from tests.system import free_port

ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(b)s %(M)sms"


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    app = make_test_app(database_url)
    with app.app_context():
        make_survey(db.session, make_forum(db.session))
    port = free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET, "FORUM_ENV": "testing"}
    env["MIN_COMPLETION_SECONDS"] = "0"  # its journeys send at once
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "3",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(log),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--control-socket",
        str(tmp_path / "gunicorn.ctl"),
        "wsgi:app",
    ]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # workers start slowly on a busy machine
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)  # noqa: S310  (our own server)
            break
        except OSError:  # refused, reset or timed out: not ready yet
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    yield base, log
    server.terminate()
    server.wait(timeout=10)
    empty_database(app)
    db.engine(app).dispose()


def _form_post(opener: urllib.request.OpenerDirector, url: str, data: dict[str, object]) -> BeautifulSoup:
    with opener.open(url) as page:  # GET for the CSRF token (and a fresh connection: any worker)
        soup = BeautifulSoup(page.read().decode(), "html.parser")
    token = soup.find("input", attrs={"name": "csrf_token"})
    assert token is not None, url
    fields: list[tuple[str, str]] = [("csrf_token", str(token["value"]))]
    for name, value in data.items():
        fields += [(name, str(v)) for v in value] if isinstance(value, list) else [(name, str(value))]
    hidden = soup.find("input", attrs={"name": "idempotency_key"})
    if hidden is not None:
        fields.append(("idempotency_key", str(hidden["value"])))
    body = urllib.parse.urlencode(fields).encode()
    with opener.open(url, data=body) as response:  # redirects followed, as a browser would
        return BeautifulSoup(response.read().decode(), "html.parser")


def test_journey_across_worker_processes(served: tuple[str, Path]) -> None:
    base, log = served
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _form_post(opener, base + SURVEY_URL, {})
    for key, data in JOURNEY:
        soup = _form_post(opener, f"{base}{SURVEY_URL}q/{key}", data)
        assert soup.find(class_="error-summary") is None, (key, soup.get_text(" ")[:500])
    done = _form_post(opener, f"{base}{SURVEY_URL}check", {})
    assert receipt_code(done) is not None
    time.sleep(0.2)  # let the workers flush their access logs
    lines = log.read_text().splitlines()
    assert len(lines) > 2 * len(JOURNEY)
    assert not any("127.0.0.1" in line for line in lines)
