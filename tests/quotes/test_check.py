"""The final check on a quote: school years, months and dates, exact ages and names; linear patterns."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forum_app.quotes.check import AGE, DATE, DETAIL, NAME, PATTERNS, SCHOOL_YEAR, check_quote, reasons


def kinds(text: str, **lists: Any) -> list[tuple[str, str]]:
    return [(problem.kind, problem.words) for problem in check_quote(text, **lists)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # the two the statistical review found in a pack's register
        ("His plan is so out of date it describes Year 3.", [(SCHOOL_YEAR, "Year 3")]),
        ("The annual review was in March and we have heard nothing since.", [(DATE, "in March")]),
        ("he started yr 10 with no support", [(SCHOOL_YEAR, "yr 10")]),
        ("Y6 SATs were a disaster", [(SCHOOL_YEAR, "Y6")]),
        ("since year three nothing", [(SCHOOL_YEAR, "year three")]),
        ("she was in Year R", [(SCHOOL_YEAR, "Year R")]),
        ("It went wrong in reception.", [(SCHOOL_YEAR, "reception")]),
        ("We waited until September for a place.", [(DATE, "September")]),
        ("the plan was named after the 15 February deadline", [(DATE, "February")]),
        ("Sept was the worst month", [(DATE, "Sept")]),
        ("a decision by the end of may", [(DATE, "of may")]),
        ("Then in the summer, May and June went by", [(DATE, "May"), (DATE, "June")]),
        ("the letter dated 14/03/2025 said no", [(DATE, "14/03/2025")]),
        ("the panel sat on 2025-03-14", [(DATE, "2025-03-14")]),
        ("the panel is on the 14th.", [(DATE, "on the 14th")]),
        ("she is aged 7 and", [(AGE, "aged 7")]),
        ("he was diagnosed at the age of four", [(AGE, "age of four")]),
        ("age: 9", [(AGE, "age: 9")]),
        ("a 7 years old boy", [(AGE, "7 years old")]),
        ("our seven-year-old", [(AGE, "seven-year-old")]),
        ("my 18 months old", [(AGE, "18 months old")]),
        ("my 7yo", [(AGE, "7yo")]),
        ("my 7 y/o", [(AGE, "7 y/o")]),
        ("she turned 12 last week", [(AGE, "turned 12")]),
        ("my son is 7 and autistic", [(AGE, "son is 7")]),
        ("she's twelve now", [(AGE, "she's twelve")]),
        ("he was only 4 when it started", [(AGE, "he was only 4")]),
        ("Emily hates school now", [(NAME, "Emily")]),
        ("The head of Northgate said no", []),
    ],
)
def test_what_narrows_down_a_family_is_found(text: str, found: list[tuple[str, str]]) -> None:
    assert kinds(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "May I say how hard this has been.",  # the verb
        "We waited. May was awful",  # a capital at the start of a sentence
        "this may take years",
        "He has been on the list for 40 weeks and he is 3 years behind.",
        "he is 50% of the way",
        "he was 1 of 3 children refused",
        "their 1:1 TA was cut, he's 1:1 now",
        "on the 2nd attempt they agreed",
        "We have waited a year for 24/7 care.",
        "Over 52 weeks, waited since 2023, 10 emails.",
        "[name]'s school said no, at [school] in [town]",
        "The EHC needs assessment was done within 20 weeks.",
        "The page 7 of the plan",
        "",
    ],
)
def test_ordinary_words_and_figures_pass(text: str) -> None:
    assert check_quote(text) == ()


def test_the_forums_own_names_are_names_and_other_details_are_details() -> None:
    assert kinds("then mrs begum rang", deny_names=["Mrs Begum"]) == [(NAME, "mrs begum")]
    assert kinds("they said little acorns was full", deny_list=["Little Acorns"]) == [(NAME, "little acorns")]
    assert kinds("ring 07700 900123 please") == [(DETAIL, "07700 900123")]


def test_reasons_are_given_once_each_in_order() -> None:
    problems = check_quote("Emily, aged 7, Year 3, Year 4, in March")
    assert [p.kind for p in problems] == [SCHOOL_YEAR, SCHOOL_YEAR, DATE, AGE, NAME]
    assert reasons(problems) == [
        "it gives a school year",
        "it gives a month or a date",
        "it gives an exact age",
        "it has a name of a person or a setting in it",
    ]


# --- hostile input -------------------------------------------------------------------------------

REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _nested_repeats(tree: Any, inside: bool = False) -> list[str]:
    """Every repeat found inside another repeat, walking ``re._parser``'s tree."""
    found: list[str] = []
    for op, value in tree:
        name = str(op)
        if name in REPEATS:
            if inside:
                found.append(f"{name} {value[0]}..{value[1]}")
            found += _nested_repeats(value[2], True)
        elif name == "SUBPATTERN":
            found += _nested_repeats(value[3], inside)
        elif name == "BRANCH":
            for branch in value[1]:
                found += _nested_repeats(branch, inside)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found += _nested_repeats(value[1], inside)
    return found


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
def test_no_pattern_nests_one_quantifier_in_another(pattern: re.Pattern[str]) -> None:
    from re import _parser  # type: ignore[attr-defined]

    assert _nested_repeats(_parser.parse(pattern.pattern, pattern.flags)) == []


def test_the_walker_sees_a_nested_quantifier() -> None:
    from re import _parser  # type: ignore[attr-defined]

    assert _nested_repeats(_parser.parse(r"(?:a+)+b")) == ["MAX_REPEAT 1..MAXREPEAT"]


@pytest.mark.parametrize(
    "unit",
    [
        "1",
        " ",
        "year ",
        "yr\t",
        "he is ",
        "aged ",
        "1/",
        "7-year-",
        "on the ",
        "in March ",
        "Year 3 ",
        "she's now ",
        "\u00a0",
        "Mr ",
        "a@",
    ],
)
def test_ten_thousand_characters_of_one_shape_are_checked(unit: str) -> None:
    text = (unit * (10_000 // len(unit) + 1))[:10_000] + "!"
    problems = check_quote(text)  # a pattern that backtracked would not come back
    assert all(problem.words in text for problem in problems)
