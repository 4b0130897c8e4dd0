"""The runner's own words in every shipped language: the catalogs are current, complete and safe.

``make translations`` refreshes them; these tests fail when a sentence families read was added or changed
without it, when a language lacks a sentence, or when a translation lost a placeholder.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from forum_app.config import PROJECT_ROOT
from forum_app.i18n import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATIONS = PROJECT_ROOT / "forum_app" / "translations"
TRANSLATED = sorted(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _key(text: object) -> str:
    """A message's id or text as one string: a plural's forms (a list or a tuple) joined."""
    return "\x00".join(text) if isinstance(text, (list, tuple)) else str(text)


def _ids(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def test_the_template_holds_every_sentence_in_the_code() -> None:
    with (PROJECT_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map
        )
    }
    assert _ids(_catalog(TRANSLATIONS / "messages.pot")) == {str(m) for m in found}, "run `make translations`"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_language_translates_every_sentence_keeping_its_placeholders(code: str) -> None:
    catalog = _catalog(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po")
    assert _ids(catalog) == _ids(_catalog(TRANSLATIONS / "messages.pot"))
    untranslated = [
        _key(message.id)
        for message in catalog
        if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert untranslated == []
    for message in catalog:
        if isinstance(message.string, tuple):
            assert len(message.string) == catalog.num_plurals, message.id
        if message.id:
            assert set(PLACEHOLDER.findall(str(message.id))) == set(PLACEHOLDER.findall(str(message.string)))
            assert "fuzzy" not in message.flags


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_matches_its_source(code: str) -> None:
    folder = TRANSLATIONS / code / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _catalog(folder / "messages.po") if m.id}
    assert compiled == source, "run `make translations`"
    write_mo(BytesIO(), _catalog(folder / "messages.po"))  # it compiles


def test_no_template_hides_the_translation_function() -> None:
    """``{% set _ = … %}`` would replace gettext's ``_`` for the rest of the page."""
    assigning = re.compile(r"{%-?\s*set\s+_\s*=")
    templates = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
    assert templates and [path.name for path in templates if assigning.search(path.read_text("utf-8"))] == []
