"""Input no page expects, refused with a clear 4xx before it can reach a view: file parts sent to a page
that takes none, whole numbers in an address too big for the database, and JSON nested too deeply or
with numbers too long to read."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from flask import abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

# The only pages that take a file, and the form fields they take it in (each checks the file itself).
UPLOADS: dict[str, frozenset[str]] = {
    "builder.upload": frozenset({"export_file"}),
    "builder.import_definition": frozenset({"survey_file"}),
    "builder.translation_upload": frozenset({"translation_file"}),
    "codebook.import_file": frozenset({"codebook_file"}),
}
# Ids and version numbers are 32-bit integers in the database: a larger number names nothing.
MAX_ID = 2**31 - 1


class UnexpectedFile(BadRequest):
    """A form sent a file where the page takes none (a tampered form or a scanner)."""


def refuse_files(allowed: Collection[str] = ()) -> None:
    """Raise ``UnexpectedFile`` if the request has a file part in any field but ``allowed``."""
    if request.mimetype == "multipart/form-data" and any(name not in allowed for name in request.files):
        raise UnexpectedFile()


def refuse_unexpected_files() -> None:
    """Before every view: pages that take no file refuse one. Upload pages check their own requests
    (they raise the size limit first, so their body must not be read before the view)."""
    if request.endpoint not in UPLOADS:
        refuse_files()


def parse_id(text: str) -> int | None:
    """``text`` as an id or version number from 1 to ``MAX_ID`` written plainly (no sign, no leading
    zero), or None: anything else names nothing. The one reading of ids in addresses, forms and query
    strings (``<id:name>`` in a route, ``whole_number`` for a query string)."""
    if text.isascii() and text.isdigit() and text[0] != "0" and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    return None


def whole_number(text: str | None, default: int | None = None) -> int | None:
    """``text`` read by ``parse_id``; ``default`` when absent; 404 for anything else."""
    if text is None or text == "":
        return default
    number = parse_id(text)
    if number is None:
        abort(404)
    return number


# JSON anywhere (request bodies, imported files) is read with these limits; ours is at most 4 deep.
MAX_JSON_DEPTH = 32
MAX_JSON_DIGITS = 30
_JSON_STRUCTURE = re.compile(r'[\\"\[\]{}]')


class UnreadableJSON(ValueError):
    """JSON this service will not read; the message says why, for the person who sent it."""


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects nest more than ``limit`` deep (outside strings), in one linear pass."""
    depth = 0
    in_string = False
    skip_to = -1
    for match in _JSON_STRUCTURE.finditer(text):
        position, char = match.start(), match.group()
        if position < skip_to:
            continue
        if in_string:
            if char == "\\":
                skip_to = position + 2  # the escaped character is text
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise UnreadableJSON(f"It has a number with more than {MAX_JSON_DIGITS} digits.")
    return int(text)


def load_json(data: str | bytes, max_depth: int = MAX_JSON_DEPTH, **kwargs: Any) -> Any:
    """``json.loads`` that refuses, with ``UnreadableJSON``, nesting deeper than ``max_depth`` and
    whole numbers longer than ``MAX_JSON_DIGITS`` digits (both would otherwise crash the parser)."""
    text = data.decode(json.detect_encoding(data), "surrogatepass") if isinstance(data, bytes) else data
    if json_too_deep(text, max_depth):
        raise UnreadableJSON(f"Its lists or objects are nested more than {max_depth} deep.")
    return json.loads(text, parse_int=_whole_number, **kwargs)


class LimitedJSONProvider(DefaultJSONProvider):
    """The app's JSON: a request body too deep or with too long a number is a 400, never a crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return load_json(s, **kwargs)
