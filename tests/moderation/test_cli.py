"""`flask moderation redact`: the DESIGN.md contract (one JSON object per input line)."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskCliRunner

from forum_app.moderation.cli import moderation_cli
from tests.conftest import make_test_app


@pytest.fixture(scope="module")
def runner() -> FlaskCliRunner:
    return make_test_app("sqlite://").test_cli_runner()


def test_one_json_object_per_line(runner: FlaskCliRunner) -> None:
    lines = [
        "Call me on 07700 900123, my son Callum is at Oakfield Primary.",
        "The plan was late.",
        "",
        "She told me she wants to die. Свяжитесь: zero seven seven zero zero nine zero zero one two three",
    ]
    result = runner.invoke(moderation_cli, ["redact"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == len(lines)
    for record, line in zip(records, lines, strict=True):
        assert set(record) == {"text", "found", "safeguarding"}
        for item in record["found"]:
            assert set(item) == {"kind", "start", "end"}
            assert 0 <= item["start"] < item["end"] <= len(line)
    assert records[0]["text"] == "Call me on [phone], my son [name] is at [school]."
    assert [line[f["start"] : f["end"]] for f, line in ((f, lines[0]) for f in records[0]["found"])] == [
        "07700 900123",
        "Callum",
        "Oakfield Primary",
    ]
    assert records[0]["safeguarding"] is False
    assert records[1] == {"text": "The plan was late.", "found": [], "safeguarding": False}
    assert records[2] == {"text": "", "found": [], "safeguarding": False}
    assert records[3]["safeguarding"] is True
    assert records[3]["text"].endswith("Свяжитесь: [phone]")


def test_deny_list_option_and_crlf(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        moderation_cli, ["redact", "--deny-list", "Little Acorns"], input="he is at little acorns\r\n"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "text": "he is at [school]",
        "found": [{"kind": "school", "start": 9, "end": 22}],
        "safeguarding": False,
    }
