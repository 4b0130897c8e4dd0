"""A survey's words in other languages, kept in its definition beside the English.

A definition may carry::

    "translations": {
      "ur": {"status": "draft", "strings": {"title": "…", "age_band.title": "…", "age_band.options.0-4": "…"}}
    }

Each string has an id: ``title`` and ``summary`` for the survey; ``<key>.title``, ``<key>.hint``,
``<key>.label`` and ``<key>.error`` for a question; ``<key>.options.<value>`` for an option's label.
A string not translated is shown in English; a string whose question has gone is never shown.
``status`` is ``draft`` (translated, not yet checked by someone the forum trusts) or ``checked``.
Keys and option values never change with the language, so answers in every language combine.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

TRANSLATION_STATUSES = ("draft", "checked")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
QUESTION_FIELDS = ("title", "hint", "label", "error")
SURVEY_FIELDS = ("title", "summary")


@dataclass(frozen=True)
class TranslationCheck:
    """How a translation's strings match the survey's: ids it lacks (or leaves empty), and ids the survey
    does not have (any more)."""

    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.extra


def source_strings(raw: dict[str, Any]) -> dict[str, str]:
    """Every English string of a definition by id, in the order a family reads them."""
    strings = {name: raw[name] for name in SURVEY_FIELDS if isinstance(raw.get(name), str) and raw[name]}
    for question in raw.get("questions") or []:
        if not isinstance(question, dict):
            continue
        key = question.get("key")
        for name in QUESTION_FIELDS:
            if isinstance(question.get(name), str) and question[name]:
                strings[f"{key}.{name}"] = question[name]
        for option in question.get("options") or []:
            if isinstance(option, dict) and isinstance(option.get("label"), str):
                strings[f"{key}.options.{option.get('value')}"] = option["label"]
    return strings


def languages_of(raw: dict[str, Any]) -> tuple[str, ...]:
    """The codes of the languages a definition has been translated into, sorted."""
    translations = raw.get("translations")
    return tuple(sorted(translations)) if isinstance(translations, dict) else ()


def check_translation(raw: dict[str, Any], strings: dict[str, str]) -> TranslationCheck:
    """Compare a translation's strings with the definition's own (an empty string counts as missing)."""
    wanted = source_strings(raw)
    return TranslationCheck(
        missing=tuple(name for name in wanted if not str(strings.get(name, "")).strip()),
        extra=tuple(name for name in strings if name not in wanted),
    )


def validate_translations(raw: dict[str, Any]) -> str | None:
    """What is wrong with a definition's ``translations``, in one sentence, or None."""
    translations = raw.get("translations", {})
    if not isinstance(translations, dict):
        return "'translations' must be an object of language codes."
    for code, translation in translations.items():
        if not LANGUAGE_CODE.match(str(code)) or code == "en":
            return f"translation '{code}': the language must be a code such as 'ur' or 'pl', not 'en'."
        if not isinstance(translation, dict) or translation.get("status") not in TRANSLATION_STATUSES:
            return f"translation '{code}': 'status' must be one of {', '.join(TRANSLATION_STATUSES)}."
        strings = translation.get("strings")
        if not isinstance(strings, dict) or not all(
            isinstance(name, str) and isinstance(text, str) for name, text in strings.items()
        ):
            return f"translation '{code}': 'strings' must map string ids to text."
    return None


def localise(raw: dict[str, Any], code: str) -> dict[str, Any]:
    """A copy of the definition with its words in language ``code`` where translated (English
    elsewhere), without its translations."""
    document = {name: value for name, value in raw.items() if name != "translations"}
    translation = (raw.get("translations") or {}).get(code)
    if not isinstance(translation, dict):
        return document
    strings = {name: text for name, text in (translation.get("strings") or {}).items() if str(text).strip()}
    document = copy.deepcopy(document)
    for name in SURVEY_FIELDS:
        if name in strings and name in document:
            document[name] = strings[name]
    for question in document.get("questions") or []:
        key = question.get("key")
        for name in QUESTION_FIELDS:
            if f"{key}.{name}" in strings and question.get(name):
                question[name] = strings[f"{key}.{name}"]
        for option in question.get("options") or []:
            option["label"] = strings.get(f"{key}.options.{option.get('value')}", option.get("label"))
    return document


def with_translation(raw: dict[str, Any], code: str, strings: dict[str, str], status: str) -> dict[str, Any]:
    """A copy of the definition with language ``code``'s strings set (empty strings left out)."""
    document = copy.deepcopy(raw)
    kept = {name: text for name, text in strings.items() if text.strip()}
    document.setdefault("translations", {})[code] = {"status": status, "strings": kept}
    return document
