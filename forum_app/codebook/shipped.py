"""The 16 inspection themes, read from ``codebook.json`` beside this module.

The JSON file is the single source of the theme ids, labels, definitions, framework areas and the
indicator phrases the automatic coder looks for. Per-forum codebooks start as a copy of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CODEBOOK_PATH = Path(__file__).resolve().parent / "codebook.json"


class CodebookError(ValueError):
    """The codebook file is not valid; the message says what is wrong."""


@dataclass(frozen=True)
class Theme:
    id: str
    number: int
    label: str
    definition: str
    framework_areas: tuple[str, ...]
    headline: bool
    sub_themes: tuple[str, ...]
    parent_language: tuple[str, ...]
    indicators: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    themes: tuple[Theme, ...]
    framework_areas: tuple[tuple[str, str], ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(theme.id for theme in self.themes)

    def area_label(self, area_id: str) -> str:
        return dict(self.framework_areas)[area_id]

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise CodebookError(f"{where} must be a list of strings.")
    return tuple(raw)


def parse_codebook(raw: dict[str, Any]) -> Codebook:
    """Check and build a codebook from its JSON form."""
    areas = {area["id"]: area["label"] for area in raw.get("framework_areas", [])}
    themes = []
    seen: set[str] = set()
    for index, item in enumerate(raw.get("themes", []), start=1):
        theme_id = item.get("id")
        if not isinstance(theme_id, str) or not theme_id.isidentifier() or theme_id in seen:
            raise CodebookError(f"Theme {index} needs a unique id made of letters, digits and _.")
        seen.add(theme_id)
        theme_areas = _strings(item.get("framework_areas", []), f"{theme_id}.framework_areas")
        unknown = [area for area in theme_areas if area not in areas]
        if unknown:
            raise CodebookError(f"{theme_id} names unknown framework areas: {', '.join(unknown)}.")
        themes.append(
            Theme(
                id=theme_id,
                number=int(item.get("number", index)),
                label=str(item.get("label", theme_id)),
                definition=str(item.get("definition", "")),
                framework_areas=theme_areas,
                headline=bool(item.get("headline", False)),
                sub_themes=_strings(item.get("sub_themes", []), f"{theme_id}.sub_themes"),
                parent_language=_strings(item.get("parent_language", []), f"{theme_id}.parent_language"),
                indicators=_strings(item.get("indicators", []), f"{theme_id}.indicators"),
                rules=_strings(item.get("rules", []), f"{theme_id}.rules"),
            )
        )
    if not themes:
        raise CodebookError("The codebook has no themes.")
    return Codebook(
        name=str(raw.get("name", "")),
        version=str(raw.get("version", "")),
        themes=tuple(themes),
        framework_areas=tuple(areas.items()),
    )


@cache
def default_codebook() -> Codebook:
    """The shipped codebook (the 16 themes of codebook.md)."""
    return parse_codebook(json.loads(CODEBOOK_PATH.read_text(encoding="utf-8")))


def theme_ids() -> tuple[str, ...]:
    return default_codebook().ids
