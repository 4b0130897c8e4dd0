"""The pack as JSON, for anyone who wants every figure, word and symbol in a machine-readable file.

The document is ``Pack.to_dict()`` as it is (tuples become lists): ``meta``, ``summary``, ``tables``,
``charts``, ``quotes``, ``methodology``, ``glossary`` (pairs of term and definition), ``symbols``,
``easy_read`` (page 1 in Easy Read), ``easy_read_pictures`` (the pictogram beside each of its sentences)
and ``annex`` (the codebook and questionnaire tables).
Cells keep their types: a published count is an integer, a percentage a number, a symbol such as
``[c]`` a string, an empty cell ``null``. ``docs/pack-schema.json`` documents every field.

UTF-8, keys sorted, indented by 2, ending with a new line: the same pack gives the same bytes.
``load_json`` reads such a file back into the same ``Pack``.
"""

from __future__ import annotations

import json
from typing import Any

from forum_app.packs.contents import (
    Bar,
    Chart,
    Column,
    Finding,
    Meta,
    Pack,
    Quote,
    Section,
    Segment,
    Summary,
    Table,
)


def render_json(pack: Pack) -> bytes:
    text = json.dumps(pack.to_dict(), ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def load_json(data: bytes) -> Pack:
    """The pack a ``render_json`` file was made from."""
    document: dict[str, Any] = json.loads(data.decode("utf-8"))
    summary = document["summary"]
    return Pack(
        meta=Meta(**document["meta"]),
        summary=Summary(
            who=summary["who"],
            findings=tuple(
                Finding(**{**finding, "quote_ids": tuple(finding["quote_ids"])})
                for finding in summary["findings"]
            ),
            waits_table_id=summary["waits_table_id"],
            working=tuple(summary["working"]),
            caveats=tuple(summary["caveats"]),
            questions=tuple(summary["questions"]),
        ),
        tables=tuple(_table(table) for table in document["tables"]),
        charts=tuple(
            Chart(**{**chart, "bars": tuple(_bar(bar) for bar in chart["bars"])})
            for chart in document["charts"]
        ),
        quotes=tuple(Quote(**quote) for quote in document["quotes"]),
        methodology=tuple(
            Section(section["heading"], tuple(section["paragraphs"])) for section in document["methodology"]
        ),
        glossary=tuple((term, definition) for term, definition in document["glossary"]),
        symbols=dict(document["symbols"]),
        easy_read=tuple(document["easy_read"]),
        easy_read_pictures=tuple(document.get("easy_read_pictures", ())),
        annex=tuple(_table(table) for table in document["annex"]),
    )


def _table(table: dict[str, Any]) -> Table:
    return Table(
        id=table["id"],
        title=table["title"],
        subtitle=table["subtitle"],
        columns=tuple(Column(**column) for column in table["columns"]),
        rows=tuple(dict(row) for row in table["rows"]),
        notes=tuple(table["notes"]),
    )


def _bar(bar: dict[str, Any]) -> Bar:
    return Bar(**{**bar, "segments": tuple(Segment(**segment) for segment in bar.get("segments", ()))})
