"""Changes to a draft's definition: add, edit, move, remove, options and "show only if"."""

from __future__ import annotations

import pytest

from forum_app.builder.editing import (
    EditRefused,
    QuestionChanges,
    add_question,
    condition_choices,
    condition_words,
    edit_details,
    edit_question,
    find_question,
    move_question,
    new_key,
    options_from_text,
    options_text,
    question_rows,
    read_show_if,
    remove_question,
    set_show_if,
)
from forum_app.surveys.definitions import QUESTION_KINDS, parse_definition
from tests.builder.factories import pulse


def _keys(document: dict) -> list[str]:
    return [q["key"] for q in document["questions"]]


@pytest.mark.parametrize("kind", QUESTION_KINDS)
def test_a_question_of_every_kind_is_added_ready_to_publish(kind: str) -> None:
    before = pulse()
    document, key = add_question(before, kind, "Which area do you live in, roughly?")
    assert key == "which_area_do_you_live_in_roughly"
    assert _keys(document)[-1] == key and find_question(document, key)["type"] == kind
    parse_definition(document)  # every default is valid
    assert before == pulse()  # the document given is never changed


def test_a_new_key_is_unique_made_from_the_title_and_never_a_published_one() -> None:
    _document, key = add_question(pulse(), "radio", "Area")
    assert key == "area_2"  # "area" is in the draft
    _document, key = add_question(pulse(), "text", "Old question", taken=frozenset({"old_question"}))
    assert key == "old_question_2"
    assert new_key("2 children?", set()) == "q_2_children"
    assert new_key("¿¿??", set()) == "question"
    assert len(new_key("word " * 40, set())) <= 40


def test_adding_needs_a_title_and_a_known_kind() -> None:
    with pytest.raises(EditRefused) as refused:
        add_question(pulse(), "essay", "  ")
    assert set(refused.value.errors) == {"title", "kind"}


def _changes(**values: object) -> QuestionChanges:
    fields = {"title": "Which area do you live in?", "options": "North\nSouth"}
    fields.update(values)  # type: ignore[arg-type]
    return QuestionChanges(**fields)  # type: ignore[arg-type]


def test_editing_a_question_keeps_the_values_of_options_whose_label_is_unchanged() -> None:
    pasted = "- North\n• South\n\nEast Ward\nNorth\n3. West and Central\nNone of these [on its own]"
    document = edit_question(
        pulse(), "services", _changes(title=" Services? ", options=pasted, hint="Tick all")
    )
    question = find_question(document, "services")
    assert question["title"] == "Services?" and question["hint"] == "Tick all"
    values = [(o["value"], o["label"], o.get("exclusive", False)) for o in question["options"]]
    assert values == [
        ("north", "North", False),
        ("south", "South", False),
        ("east_ward", "East Ward", False),
        ("west_and_central", "West and Central", False),
        ("none", "None of these", True),  # the same label keeps its value
    ]
    assert options_text(question).splitlines()[-1] == "None of these [on its own]"
    renamed = edit_question(pulse(), "area", _changes(options="North\nSouth side"))
    assert [o["value"] for o in find_question(renamed, "area")["options"]] == ["north", "south_side"]


def test_a_rating_is_numbered_worst_first_and_a_number_has_bounds() -> None:
    document, key = add_question(pulse(), "rating", "How good is it?")
    document = edit_question(document, key, _changes(title="How good?", options="Bad\nOK\nGood"))
    assert [o["value"] for o in find_question(document, key)["options"]] == ["1", "2", "3"]
    document = edit_question(pulse(), "children", _changes(title="Children", minimum="0", maximum="20"))
    assert (find_question(document, "children")["min"], find_question(document, "children")["max"]) == (0, 20)
    document = edit_question(pulse(), "children", _changes(title="Children"))
    assert "min" not in find_question(document, "children")
    with pytest.raises(EditRefused) as refused:
        edit_question(pulse(), "children", _changes(title="Children", minimum="ten", maximum="-5"))
    assert set(refused.value.errors) == {"minimum"}
    with pytest.raises(EditRefused) as refused:
        edit_question(pulse(), "children", _changes(title="Children", minimum="9", maximum="3"))
    assert set(refused.value.errors) == {"maximum"}


def test_bad_question_input_is_refused_with_every_message() -> None:
    with pytest.raises(EditRefused) as refused:
        edit_question(pulse(), "area", _changes(title="", options="Only one", hint="x" * 2000))
    assert set(refused.value.errors) == {"title", "options", "hint"}
    with pytest.raises(EditRefused):
        options_from_text("\n".join(f"Place {n}" for n in range(300)), "radio", [])
    with pytest.raises(LookupError):
        edit_question(pulse(), "nothing", _changes())
    cleaned = edit_question(pulse(), "area", _changes(title="Area\x00?", options="No\x00rth\r\nSouth\x1b"))
    assert find_question(cleaned, "area")["title"] == "Area?"
    assert [o["label"] for o in find_question(cleaned, "area")["options"]] == ["North", "South"]


def test_consent_is_never_required_and_needs_its_words() -> None:
    document, key = add_question(pulse(), "consent", "Can we quote you?")
    changed = edit_question(document, key, _changes(title="Quote?", label="Yes", required=True))
    assert find_question(changed, key)["required"] is False
    with pytest.raises(EditRefused) as refused:
        edit_question(document, key, _changes(title="Quote?", label=" "))
    assert set(refused.value.errors) == {"label"}


def test_show_only_if_names_an_earlier_question_and_its_answers() -> None:
    document = set_show_if(pulse(), "children", "area", ("south",))
    assert find_question(document, "children")["show_if"] == {"question": "area", "any_of": ["south"]}
    assert condition_words(document, find_question(document, "children")) == (
        "Shown only if the answer to “Which area do you live in?” is “South”"
    )
    for on, values in (("children", ("1",)), ("camhs_story", ("x",)), ("area", ("east",))):
        with pytest.raises(EditRefused):
            set_show_if(pulse(), "children", on, values)
    cleared = edit_question(document, "children", _changes(title="Children"))
    assert "show_if" not in find_question(cleared, "children")
    choices = condition_choices(pulse(), "camhs_story")
    assert [c.key for c in choices] == ["area", "services"]
    assert choices[1].chosen == {"services=camhs"}
    assert read_show_if(["area=north", "area=south"]) == ("area", ("north", "south"))
    assert read_show_if([]) is None
    with pytest.raises(EditRefused):
        read_show_if(["area=north", "services=camhs"])
    with pytest.raises(EditRefused):
        read_show_if(["nonsense"])


def test_moving_a_question_up_and_down_and_refusing_to_break_routing() -> None:
    document = move_question(pulse(), "children", "up")
    assert _keys(document) == ["area", "services", "children", "camhs_story"]
    assert _keys(move_question(pulse(), "area", "up")) == _keys(pulse())  # already first
    assert _keys(move_question(pulse(), "area", "down"))[:2] == ["services", "area"]
    with pytest.raises(EditRefused) as refused:
        move_question(pulse(), "camhs_story", "up")
    assert "“What happened with CAMHS?”" in refused.value.errors["form"]
    with pytest.raises(EditRefused):
        move_question(pulse(), "services", "down")
    with pytest.raises(LookupError):
        move_question(pulse(), "area", "sideways")


def test_removing_a_question_another_depends_on_is_refused_naming_it() -> None:
    with pytest.raises(EditRefused) as refused:
        remove_question(pulse(), "services")
    message = refused.value.errors["form"]
    assert "“Which services have you used?” cannot be removed" in message
    assert "“What happened with CAMHS?” is shown only for some of its answers" in message
    assert _keys(remove_question(pulse(), "camhs_story")) == ["area", "services", "children"]
    with pytest.raises(EditRefused):
        remove_question(pulse(questions=pulse()["questions"][:1]), "area")


def test_the_edit_page_rows() -> None:
    rows = question_rows(pulse())
    assert [(r.first, r.last) for r in rows] == [(True, False), (False, False), (False, False), (False, True)]
    assert rows[2].condition.startswith("Shown only if") and not rows[2].required
    assert rows[0].kind == "One answer from a list"


def test_the_survey_title_introduction_and_minutes() -> None:
    document = edit_details(pulse(), "  A new\x00 title ", "Tell us.", " 4 ")
    assert (document["title"], document["summary"], document["minutes"]) == ("A new title", "Tell us.", 4)
    parse_definition(document)
    with pytest.raises(EditRefused) as refused:
        edit_details(pulse(), "", "x" * 2000, "0")
    assert set(refused.value.errors) == {"title", "summary", "minutes"}
