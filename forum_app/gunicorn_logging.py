"""Gunicorn's logs without secrets or client addresses (used by ``gunicorn.conf.py``).

Share links (``/p/<token>``) and account links (``/staff/invite/<token>``, ``/staff/reset/<token>``)
are keys: whoever reads a log must not be able to use them, so their token segment is masked in the
access log and in the error log. No client address is written: the access log has no ``%(h)s`` (nor
headers or environ values, which could carry ``X-Forwarded-For``), and gunicorn's own
"Invalid request from ip=..." warning is reworded without the address.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

# The path segment after one of these prefixes is a secret.
SECRET_SEGMENT = re.compile(r"(/p/|/staff/invite/|/staff/reset/)[^/?#&\s\"']+")
MASK = "…"
# gunicorn's "Invalid request from ip=ADDRESS: error" (an IPv6 address has colons but no ": ").
CLIENT_ADDRESS = re.compile(r" from ip=\S*?(?=: |$)")
# Atoms that would name the client (address, user agent, user) or carry any header or environ value.
WITHHELD = ("h", "u", "a")


def mask_secrets(text: str) -> str:
    """``/p/abc123/view`` as ``/p/…/view``."""
    return SECRET_SEGMENT.sub(rf"\1{MASK}", text)


def private_message(text: str) -> str:
    """An error-log line without secrets or the client's address."""
    return CLIENT_ADDRESS.sub("", mask_secrets(text))


class PrivateRecords(logging.Filter):
    """Rewrites every error-log record: secrets masked, client address dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = private_message(record.getMessage())
        record.args = ()
        return True


class PrivateLogger(Logger):
    """Gunicorn's logger, with secrets masked and no client address in either log."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(PrivateRecords())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = {
            name: value
            for name, value in super().atoms(resp, req, environ, request_time).items()
            if not name.startswith("{") and name not in WITHHELD
        }
        path = mask_secrets(str(environ.get("PATH_INFO") or ""))
        query = mask_secrets(str(environ.get("QUERY_STRING") or ""))
        atoms["U"] = path
        atoms["q"] = query
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path}{'?' + query if query else ''} {atoms['H']}"
        atoms["f"] = mask_secrets(str(atoms.get("f") or "-"))
        return atoms
