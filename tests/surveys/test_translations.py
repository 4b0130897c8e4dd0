"""A survey's words per language: the ids of its strings, the check of a translation, and localising."""

from __future__ import annotations

import copy

import pytest

from forum_app.i18n import LANGUAGES
from forum_app.surveys.definitions import DefinitionError, load_packaged, parse_definition
from forum_app.surveys.definitions.translations import (
    check_translation,
    languages_of,
    localise,
    source_strings,
    with_translation,
)

DOCUMENT = load_packaged()


def test_every_word_a_family_reads_has_an_id_in_reading_order() -> None:
    strings = source_strings(DOCUMENT)
    ids = list(strings)
    assert ids[:3] == ["title", "summary", "age_band.title"]
    assert strings["age_band.options.0-4"] == "Under 5"
    assert strings["ehcp.hint"].startswith("An EHC plan")
    assert strings["quote_consent.label"] and "needs.error" in strings
    assert ids.index("age_band.title") < ids.index("setting.title") < ids.index("needs.options.not_sure")


def test_a_translation_is_checked_for_missing_empty_and_extra_strings() -> None:
    strings = {name: f"«{text}»" for name, text in source_strings(DOCUMENT).items()}
    assert check_translation(DOCUMENT, strings).complete
    strings.pop("summary")
    strings["age_band.title"] = "  "
    strings["gone.title"] = "Old question"
    result = check_translation(DOCUMENT, strings)
    assert result.missing == ("summary", "age_band.title") and result.extra == ("gone.title",)
    assert not result.complete


def test_localising_swaps_the_words_and_never_the_keys_or_values() -> None:
    document = with_translation(
        DOCUMENT, "pl", {"title": "Tytuł", "age_band.options.0-4": "Poniżej 5"}, "draft"
    )
    polish = parse_definition(document, "pl")
    english = parse_definition(document)
    assert polish.title == "Tytuł" and polish.language == "pl" and "pl" in polish.languages
    assert english.title == DOCUMENT["title"] and english.language == "en"
    assert polish.questions[0].options[0].label == "Poniżej 5"
    assert polish.questions[0].title == english.questions[0].title  # not translated: English
    assert [q.key for q in polish.questions] == [q.key for q in english.questions]
    assert [o.value for o in polish.questions[0].options] == [o.value for o in english.questions[0].options]
    assert "translations" not in localise(document, "pl")
    assert parse_definition(document, "de").language == "en"  # not translated into German


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ([], "'translations' must be an object"),
        ({"en": {"status": "draft", "strings": {}}}, "not 'en'"),
        ({"Polish": {"status": "draft", "strings": {}}}, "a code such as"),
        ({"pl": {"status": "done", "strings": {}}}, "'status' must be one of draft, checked"),
        ({"pl": {"status": "draft", "strings": {"title": 3}}}, "'strings' must map string ids to text"),
    ],
)
def test_a_malformed_translation_is_refused_with_a_reason(translations: object, message: str) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["translations"] = translations
    with pytest.raises(DefinitionError, match=message):
        parse_definition(document)


def test_a_string_of_a_removed_question_is_ignored() -> None:
    document = with_translation(DOCUMENT, "ro", {"gone.title": "Vechi", "title": "Titlu"}, "checked")
    assert parse_definition(document, "ro").title == "Titlu"


def test_the_default_survey_is_translated_wholly_into_every_shipped_language() -> None:
    shipped = sorted(code for code in LANGUAGES if code != "en")
    assert list(languages_of(DOCUMENT)) == shipped
    for code in shipped:
        translation = DOCUMENT["translations"][code]
        assert translation["status"] == "draft"  # for the forum to have checked
        assert check_translation(DOCUMENT, translation["strings"]).complete, code
        localised = parse_definition(DOCUMENT, code)
        assert localised.title != DOCUMENT["title"] and localised.language == code
