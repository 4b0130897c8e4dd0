"""The pack's annex: the codebook its free text was coded with, and the questionnaire, word for word.

Both go in the spreadsheet, the CSV zip and the JSON (``Pack.annex``), so an inspector can check what
each theme means and exactly what families were asked, of whom (routing), with which options.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forum_app.packs.contents import Cell, Column, Table
from forum_app.surveys.fields import question_type

CODEBOOK_ID = "Codebook"
QUESTIONNAIRE_ID = "Questionnaire"


def codebook_table(themes: Sequence[Any], area_labels: dict[str, str], version: int | None) -> Table:
    """One row per theme: its id, label, framework areas and definition (rows of the stored codebook
    version, or the packaged codebook's themes)."""
    rows: list[dict[str, Cell]] = []
    for theme in themes:
        areas = getattr(theme, "framework_areas", ())
        rows.append(
            {
                "theme_id": getattr(theme, "theme_id", None) or theme.id,
                "label": theme.label,
                "framework_areas": "; ".join(area_labels.get(area, area) for area in areas),
                "definition": theme.definition,
            }
        )
    return Table(
        CODEBOOK_ID,
        "Codebook: the themes families' answers were coded into",
        f"Codebook version {version}" if version is not None else "The packaged codebook (no forum version)",
        (
            Column("theme_id", "Theme ID"),
            Column("label", "Theme"),
            Column("framework_areas", "Framework areas"),
            Column("definition", "Definition"),
        ),
        tuple(rows),
    )


def questionnaire_table(questions: dict[str, dict[str, Any]], versions: str) -> Table:
    """One row per question, in the order asked: exact wording, hint, options and who was asked."""
    rows: list[dict[str, Cell]] = []
    for key, question in questions.items():
        options = "; ".join(
            str(option.get("label", option["value"])) for option in question.get("options", [])
        )
        rows.append(
            {
                "question_id": key,
                "type": _kind_words(question),
                "wording": question.get("title", key),
                "hint": question.get("hint", "") or question.get("label", ""),
                "options": options,
                "asked_of": _asked_of(question, questions),
                "required": "Yes" if question.get("required", True) else "No",
            }
        )
    return Table(
        QUESTIONNAIRE_ID,
        "Questionnaire: every question, word for word",
        f"Survey version {versions}, in the order the questions were asked",
        (
            Column("question_id", "Question ID"),
            Column("type", "Type of answer"),
            Column("wording", "Exact wording"),
            Column("hint", "Hint shown"),
            Column("options", "Options"),
            Column("asked_of", "Asked of"),
            Column("required", "Answer required"),
        ),
        tuple(rows),
    )


def _kind_words(question: dict[str, Any]) -> str:
    """The kind of answer in words, as the survey runner's question type describes it."""
    kind = question_type(question.get("type"))
    return kind.description if kind is not None else str(question.get("type"))


def _asked_of(question: dict[str, Any], questions: dict[str, dict[str, Any]]) -> str:
    condition = question.get("show_if")
    if not condition:
        return "Everyone"
    earlier = questions.get(condition["question"], {})
    labels = {option["value"]: option.get("label", option["value"]) for option in earlier.get("options", [])}
    chosen = " or ".join(str(labels.get(value, value)) for value in condition.get("any_of", []))
    return f"Families who answered '{chosen}' to {condition['question']}"
