"""A tiny SMTP server on a local socket for tests: it takes every message and keeps it.

It speaks just enough SMTP for ``smtplib`` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and does
not offer STARTTLS, so a client that insists on it sends nothing. To see the app's alerts locally:

    .venv/bin/python -m tests.mailbox 1025   # prints each message it receives

and run the app with ``SMTP_HOST=127.0.0.1 SMTP_PORT=1025 SMTP_STARTTLS=0 MAIL_FROM=forum@localhost``.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    mailbox: Mailbox


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def _data(self) -> bytes:
        lines: list[bytes] = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def handle(self) -> None:
        self._reply("220 localhost test mailbox")
        sender = ""
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-localhost")
                self._reply("250 8BITMIME")
            elif verb == "HELO" or verb in ("NOOP", "RSET"):
                sender, recipients = (sender, recipients) if verb == "NOOP" else ("", [])
                self._reply("250 OK")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].strip().strip("<>")
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                message = message_from_bytes(self._data(), policy=policy.default)
                assert isinstance(message, EmailMessage)
                self.server.mailbox.messages.append(Received(sender, recipients, message))
                sender, recipients = "", []
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


@contextmanager
def mailbox(port: int = 0) -> Iterator[Mailbox]:
    """A running mailbox on 127.0.0.1 and ``port`` (a free one by default), stopped afterwards."""
    server = _Server(("127.0.0.1", port), _Session)
    host, port = server.server_address[:2]
    server.mailbox = Mailbox(str(host), int(port))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.mailbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


if __name__ == "__main__":
    import sys
    import time

    with mailbox(int(sys.argv[1]) if len(sys.argv) > 1 else 1025) as box:
        print(f"Listening on {box.host}:{box.port}; Ctrl-C to stop.", flush=True)
        shown = 0
        try:
            while True:
                for received in box.messages[shown:]:
                    print(f"--- to {', '.join(received.recipients)}: {received.message['Subject']}")
                    print(received.body, flush=True)
                shown = len(box.messages)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
