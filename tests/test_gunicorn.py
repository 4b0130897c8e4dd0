"""Several worker processes share one database and nothing else: a parent's journey moves between
gunicorn workers freely; with ``gunicorn.conf.py`` neither log holds an IP address or a share token."""

from __future__ import annotations

import http.cookiejar
import os
import socket
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
from forum_app.gunicorn_logging import mask_secrets, private_message
from tests.conftest import TEST_SECRET, empty_database, make_test_app
from tests.factories import JOURNEY, SURVEY_URL, make_forum, make_survey, receipt_code
from tests.packs.stored import OPEN_TOKEN, make_link, make_stored_pack
from tests.system import free_port

ROOT = Path(__file__).parent.parent


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    app = make_test_app(database_url)
    with app.app_context():
        forum = make_forum(db.session)
        survey_id = make_survey(db.session, forum).survey_id
        make_link(db.session, make_stored_pack(db.session, forum.id, survey_id), OPEN_TOKEN)
    port = free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET, "FORUM_ENV": "testing"}
    env["MIN_COMPLETION_SECONDS"] = "0"  # its journeys send at once
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        "3",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(log),
        "--error-logfile",
        str(tmp_path / "error.log"),
        "--control-socket",
        str(tmp_path / "gunicorn.ctl"),
        "wsgi:app",
    ]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
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


def _raw_request(base: str, data: bytes) -> bytes:
    """Send bytes that are not a valid HTTP request, as a scanner would; return the answer."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        return connection.recv(4096)


def test_logs_hold_no_share_token_and_no_client_address(served: tuple[str, Path]) -> None:
    base, log = served
    for path in (f"/p/{OPEN_TOKEN}", f"/p/{OPEN_TOKEN}/view", f"/p/{OPEN_TOKEN}/files/pack.json"):
        with urllib.request.urlopen(base + path) as shared:  # noqa: S310  (our own server)
            assert shared.status == 200, path
    malformed = _raw_request(base, f"GET /p/{OPEN_TOKEN}?x=1 HTTP/1.1\r\nBad Header\r\n\r\n".encode())
    assert malformed.startswith(b"HTTP/1.1 400")
    for line in (f"GET /p/{OPEN_TOKEN} HTTP/9.9", f"GET /p/{OPEN_TOKEN}/view"):  # its error quotes the line
        assert _raw_request(base, f"{line}\r\n\r\n".encode()).startswith(b"HTTP/1.1 400"), line
    time.sleep(0.5)  # let the workers flush their logs
    access = log.read_text()
    errors = log.with_name("error.log").read_text()
    assert access.count("/p/…") >= 3 and "GET /p/…/files/pack.json 200" in access
    assert "Invalid request" in errors and "/p/…" in errors, errors
    for text in (access, errors):
        assert OPEN_TOKEN not in text
        assert "127.0.0.1" not in text.replace(f"Listening at: {base}", "")


def test_account_links_and_addresses_are_taken_out_of_log_lines() -> None:
    assert mask_secrets("POST /staff/invite/Abc-123_x?next=/p/tok3n HTTP/1.1") == (
        "POST /staff/invite/…?next=/p/… HTTP/1.1"
    )
    assert mask_secrets("/staff/reset/Zz9/done") == "/staff/reset/…/done"
    assert mask_secrets("/staff/packs/3f2a9c01b4d5e6f7/files/pack.json") == (
        "/staff/packs/3f2a9c01b4d5e6f7/files/pack.json"
    )
    assert private_message("Invalid request from ip=2001:db8::1: Invalid HTTP Version") == (
        "Invalid request: Invalid HTTP Version"
    )
    assert private_message("Invalid request from ip=203.0.113.9: 'GET /p/secret'") == (
        "Invalid request: 'GET /p/…'"
    )
