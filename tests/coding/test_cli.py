"""`flask themes evaluate` and `flask themes code`: the DESIGN.md contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from forum_app import create_app

CONTRACT_KEYS = {"n", "macro_f1", "micro_f1", "per_theme", "sentiment_accuracy", "texts_per_second"}


@pytest.fixture(scope="module")
def runner() -> FlaskCliRunner:
    app = create_app({"FORUM_ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    return app.test_cli_runner()


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n")
    return path


def test_evaluate_prints_the_contract_as_its_last_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "labelled.jsonl",
        [
            {
                "text": "Waited 2 years for an autism assessment.",
                "themes": ["waiting_times", "identification_of_needs"],
                "sentiment": "negative",
            },
            {
                "text": "The respite centre is wonderful.",
                "themes": ["social_care_short_breaks"],
                "sentiment": "positive",
            },
            {
                "text": "Our AR was in March, still no amended plan.",
                "themes": ["annual_reviews"],
                "sentiment": "negative",
            },
        ],
    )
    result = runner.invoke(args=["themes", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(last) == CONTRACT_KEYS
    assert last["n"] == 3
    assert 0.0 <= last["macro_f1"] <= 1.0 and 0.0 <= last["micro_f1"] <= 1.0
    assert last["texts_per_second"] > 0
    assert set(last["per_theme"]["waiting_times"]) == {"precision", "recall", "f1", "support"}
    assert len(last["per_theme"]) == 16
    assert last["per_theme"]["annual_reviews"]["support"] == 1


def test_evaluate_reports_unknown_themes_and_bad_lines(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "messy.jsonl",
        [
            {
                "text": "We waited a year for OT.",
                "themes": ["waiting_times", "waiting_time"],
                "sentiment": "negative",
            },
            "{not json",
            {"text": "School keep sending him home.", "themes": ["exclusions"], "sentiment": "negative"},
            {"themes": ["waiting_times"]},
            {"text": "Lovely SENCO.", "themes": ["communication_coproduction"], "sentiment": "happy"},
        ],
    )
    result = runner.invoke(args=["themes", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    assert "'waiting_time' (line 1)" in result.stderr
    assert "'exclusions' (line 3)" in result.stderr
    assert "line 2: not valid JSON" in result.stderr
    assert "line 4" in result.stderr
    assert "line 5" in result.stderr and "happy" in result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert last["n"] == 3


@pytest.mark.parametrize("content", ["", "\n\n", "{broken\n[1, 2]\n"])
def test_evaluate_fails_when_nothing_is_usable(runner: FlaskCliRunner, tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text(content)
    result = runner.invoke(args=["themes", "evaluate", str(path)])
    assert result.exit_code != 0
    assert "no usable lines" in result.output


def test_evaluate_missing_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["themes", "evaluate", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0
    assert "Cannot read" in result.output


def test_code_prints_themes_confidence_evidence_and_sentiment(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["themes", "code", "CAMHS have had him on the waiting list for 14 months."])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    themes = {item["theme"]: item for item in data["themes"]}
    assert {"waiting_times", "mental_health"} <= set(themes)
    for item in data["themes"]:
        assert 0.5 <= item["confidence"] <= 1 and item["evidence"]
    assert data["sentiment"]["label"] == "negative"
    assert -1 <= data["sentiment"]["score"] <= 1


@pytest.mark.parametrize("text", ["", "🙂", "A" * 50_000, "Dw i'n aros am asesiad ers dwy flynedd"])
def test_code_handles_awkward_text(runner: FlaskCliRunner, text: str) -> None:
    result = runner.invoke(args=["themes", "code", text])
    assert result.exit_code == 0, result.output
    assert "sentiment" in json.loads(result.stdout)
