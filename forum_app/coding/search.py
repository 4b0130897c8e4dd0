"""Text search in the coding workspace: the words of a search, the SQL that finds them in an answer's
(redacted) text, and the marks that show where they are.

A search is words and "exact phrases"; an answer matches when its text holds every one of them (AND),
whatever the case. The patterns are ``LIKE`` patterns with ``%``, ``_`` and the escape character
escaped, so what is typed is only ever text. Marking uses ``str.find`` only (no regular expression), so
no search and no text can make it slow. SQLite folds the case of ASCII letters only; PostgreSQL folds
every letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Text, exists
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from forum_app.coding.models import CodedAnswer
from forum_app.surveys.models import Answer

SEARCH_LENGTH = 200  # the most characters a search may have
CONTEXT = 40  # characters shown before the first match in a snippet


class json_text(FunctionElement[str]):
    """A JSON value as plain text: a string answer without its JSON quoting and escapes."""

    type = Text()
    inherit_cache = True
    name = "json_text"


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: SQLCompiler, **kw: object) -> str:
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$')"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler: SQLCompiler, **kw: object) -> str:
    return f"({compiler.process(element.clauses, **kw)} #>> '{{}}')"


def search_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of a search, without repeats, in the order typed."""
    terms: list[str] = []
    for index, part in enumerate(text.split('"')):
        pieces = [" ".join(part.split())] if index % 2 else part.split()
        for piece in pieces:
            if piece and _fold(piece) not in {_fold(term) for term in terms}:
                terms.append(piece)
    return terms


def search_condition(terms: list[str]) -> ColumnElement[bool]:
    """The answer's text holds every term, whatever the case."""
    text = json_text(Answer.value)
    return exists().where(
        Answer.id == CodedAnswer.answer_id, *(text.icontains(term, autoescape=True) for term in terms)
    )


def _fold(text: str) -> str:
    """Lower case, one character for one, so positions in the folded text are positions in ``text``."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms are in ``text``, as merged (start, end) spans in order."""
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for term in {_fold(term) for term in terms if term}:
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool


def marked_snippet(value: object, terms: list[str], length: int = 160) -> list[Piece]:
    """About ``length`` characters of the answer, from a little before the first match, in pieces
    that are or are not matches (the template marks them)."""
    text = " ".join(str(value or "").split())
    spans = _matches(text, terms) if terms else []
    start = 0
    if spans and spans[0][0] > CONTEXT and len(text) > length:
        start = text.rfind(" ", 0, spans[0][0] - CONTEXT) + 1 or spans[0][0] - CONTEXT
    end = len(text) if len(text) - start <= length else (text.rfind(" ", start, start + length) + 1 or 0)
    if end <= start:
        end = start + length
    pieces: list[Piece] = [Piece("…", False)] if start else []
    at = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start > at:
            pieces.append(Piece(text[at:span_start], False))
        pieces.append(Piece(text[span_start:span_end], True))
        at = span_end
    if end > at:
        pieces.append(Piece(text[at:end].rstrip(), False))
    if end < len(text):
        pieces.append(Piece("…", False))
    return pieces
