"""System pieces the suite needs beyond Python: a PostgreSQL server and Chromium.

When one is missing, the suite installs it where it can (root on Debian/Ubuntu)
and otherwise skips the tests that need it, with the reason, unless
FORUM_REQUIRE_ALL=1, where a missing piece is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def require_all() -> bool:
    return os.environ.get("FORUM_REQUIRE_ALL") == "1"


def unavailable(reason: str) -> None:
    """Fail when everything is required, else skip with the reason."""
    if require_all():
        pytest.fail(f"{reason} (FORUM_REQUIRE_ALL=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def _apt_install(*packages: str) -> bool:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        if subprocess.run(args, env=env, capture_output=True, check=False).returncode != 0:
            return False
    return True


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return Path(found[-1]) if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A throw-away PostgreSQL server in a temporary directory."""

    bin_dir: Path
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def start(self) -> None:
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:", str(self.root)], check=True)
        data = self.root / "data"
        result = self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        result = self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        if result.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")

    def stop(self) -> None:
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer | str:
    """A running server, or the reason there is none."""
    if _pg_bin() is None and not _apt_install("postgresql"):
        return "PostgreSQL is not installed (apt package postgresql) and could not be installed here"
    bin_dir = _pg_bin()
    assert bin_dir is not None
    if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-r", "-M", "-s", "/bin/false", "postgres"], check=True)
    # Short path: the socket path must stay under 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="forum-pg-", dir="/tmp"))
    server = PostgresServer(bin_dir, root, free_port())
    try:
        server.start()
    except RuntimeError as exc:
        shutil.rmtree(root, ignore_errors=True)
        return str(exc)
    return server


def find_chromium() -> str | None:
    """The system Chromium's path, installing it if possible. No browser download is ever attempted."""
    if Path(CHROMIUM).exists() or _apt_install("chromium"):
        return CHROMIUM
    return None
