"""The rules of the local population figures form, and how the figures (official waiting-time figures
included) are saved and read back."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.packs.population import (
    NOT_ENTERED,
    AreaTotal,
    OfficialFigure,
    local_population,
    population_table,
)
from forum_app.packs.population_form import (
    check_percent,
    check_population,
    check_total,
    field_names,
    population_text,
    population_version,
    save_population,
)
from forum_app.packs.tables import OTHER_GROUP
from tests.factories import make_forum
from tests.packs.factories import (
    AGE_TYPED,
    AGES,
    OFFICIAL_TYPED,
    PUBLISHER,
    SEN2_EHC,
    gathered_families,
    reloaded_demo_forum,
)

# --- the rules of the form -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"),
        (" 12.5 ", "12.5"),
        ("0", "0"),
        ("100", "100"),
        ("100.0", "100.0"),
        ("7.5%", "7.5"),
        ("", None),
        ("  ", None),
    ],
)
def test_percentages_from_0_to_100_with_one_decimal_place(text: str, value: str | None) -> None:
    found, errors = check_percent(text, "11 to 15 (age)")
    assert errors == [] and (str(found) if found is not None else None) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.55", "The percentage for 11 to 15 (age) can have at most one decimal place, like 12.5"),
        ("100.1", "The percentage for 11 to 15 (age) must be between 0 and 100"),
        ("101", "The percentage for 11 to 15 (age) must be between 0 and 100"),
        ("-3", "The percentage for 11 to 15 (age) must be between 0 and 100"),
        ("9" * 5000, "The percentage for 11 to 15 (age) must be between 0 and 100"),
        ("twelve", "Enter the percentage for 11 to 15 (age) as a number from 0 to 100, like 12.5"),
        ("12,5", "Enter the percentage for 11 to 15 (age) as a number from 0 to 100, like 12.5"),
        ("١٢", "Enter the percentage for 11 to 15 (age) as a number from 0 to 100, like 12.5"),
        ("1e2", "Enter the percentage for 11 to 15 (age) as a number from 0 to 100, like 12.5"),
        ("nan", "Enter the percentage for 11 to 15 (age) as a number from 0 to 100, like 12.5"),
    ],
)
def test_other_percentages_are_refused(text: str, message: str) -> None:
    assert check_percent(text, "11 to 15 (age)") == (None, [message])


@pytest.mark.parametrize(("text", "value"), [("3210", 3210), ("3,210", 3210), (" 0 ", 0), ("", None)])
def test_totals_are_whole_numbers(text: str, value: int | None) -> None:
    assert check_total(text, "with an EHC plan") == (value, [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "The number of children and young people with an EHC plan cannot be negative"),
        (
            "32.1",
            "Enter the number of children and young people with an EHC plan as a whole number, like 3,210",
        ),
        (
            "lots",
            "Enter the number of children and young people with an EHC plan as a whole number, like 3,210",
        ),
        ("9" * 5000, "The number of children and young people with an EHC plan must be 10,000,000 or fewer"),
    ],
)
def test_other_totals_are_refused(text: str, message: str) -> None:
    assert check_total(text, "with an EHC plan") == (None, [message])


def test_a_complete_characteristic_must_add_up_to_100_give_or_take_1() -> None:
    stored, errors = check_population(AGE_TYPED)  # 99.5
    assert errors == {}
    assert stored["characteristics"]["age_band"]["percents"]["11-15"] == 30.5
    _, errors = check_population({**AGE_TYPED, "age_band-11-15": "32.5"})  # 101.5
    assert errors == {
        "age_band": ["The age percentages must add up to 100, give or take 1. They add up to 101.5."]
    }
    _, errors = check_population({**AGE_TYPED, "age_band-other": "", "age_band-0-4": "60"})  # partial, 149.5
    assert errors == {"age_band": ["The age percentages add up to 149.5, more than 100. Check them."]}


def test_partial_figures_are_kept_and_blanks_are_not_known() -> None:
    stored, errors = check_population(
        {"setting-special": "", "setting-resourced": "12", "setting-source": "Census", "setting-date": "2025"}
    )
    assert errors == {}
    assert stored["characteristics"] == {
        "setting": {"percents": {"resourced": 12.0}, "source": "Census", "date": "2025"}
    }
    assert stored["totals"] == {}


def test_figures_need_a_source_and_a_date() -> None:
    _, errors = check_population({"ehcp-yes": "40", "total-ehcp": "3210"})
    assert errors == {
        "ehcp-source": ["Enter where the EHC plan figures come from, like DfE SEN2 2025"],
        "ehcp-date": ["Enter the date of the EHC plan figures, like January 2025"],
        "total-ehcp-source": [
            "Enter where the number of children and young people with an EHC plan comes from, "
            "like DfE SEN2 2025"
        ],
        "total-ehcp-date": [
            "Enter the date of the number of children and young people with an EHC plan, like January 2025"
        ],
    }


def test_sources_are_one_line_without_control_characters_and_not_too_long() -> None:
    stored, errors = check_population({**AGE_TYPED, "age_band-source": " DfE\r\nSEN2\x00 2025\t"})
    assert errors == {}
    assert stored["characteristics"]["age_band"]["source"] == "DfE SEN2 2025"
    _, errors = check_population({**AGE_TYPED, "age_band-source": "x" * 121, "age_band-date": "y" * 41})
    assert errors == {
        "age_band-source": ["The source of the age figures must be 120 characters or fewer. It has 121."],
        "age_band-date": ["The date of the age figures must be 40 characters or fewer. It has 41."],
    }


# --- reading and saving --------------------------------------------------------------------------


def test_saving_keeps_the_forums_other_settings_and_reads_back(db_session: Session) -> None:
    forum = make_forum(db_session)
    forum.settings = {"deny_list": ["Riverside Hub"], "suppression_threshold": 10}
    db_session.commit()
    typed = {
        **AGE_TYPED,
        "total-ehcp": "3,210",
        "total-ehcp-source": "DfE SEN2",
        "total-ehcp-date": "January 2025",
    }
    assert save_population(db_session, forum, typed, population_version(forum)) == {}
    saved = reloaded_demo_forum(db_session)
    assert saved.settings["deny_list"] == ["Riverside Hub"] and saved.settings["suppression_threshold"] == 10
    found = local_population(saved)
    assert found is not None
    assert found.figures["age_band"].percents == {
        "0-4": 10.0,
        "5-10": 35.0,
        "11-15": 30.5,
        "16-18": 15.0,
        "19-25": 9.0,
        "other": 0.0,
    }
    assert found.figures["age_band"].source_words == "DfE SEN2 2025, January 2025"
    assert found.totals == {"ehcp": AreaTotal(3210, "DfE SEN2", "January 2025")}
    assert "setting" not in found.figures and "sen_support" not in found.totals


def test_nothing_is_saved_when_anything_is_wrong(db_session: Session) -> None:
    forum = make_forum(db_session)
    shown = population_version(forum)
    wrong = {**AGE_TYPED, "total-ehcp": "-1", "total-ehcp-source": "SEN2", "total-ehcp-date": "2025"}
    assert save_population(db_session, forum, wrong, shown) == {
        "total-ehcp": ["The number of children and young people with an EHC plan cannot be negative"]
    }
    assert local_population(reloaded_demo_forum(db_session)) is None
    assert save_population(db_session, forum, AGE_TYPED, shown) == {}
    found = local_population(reloaded_demo_forum(db_session))
    assert found is not None and list(found.figures) == ["age_band"]


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "population",
        {"characteristics": "x", "totals": []},
        {"characteristics": {"age_band": {"percents": {"0-4": "ten", "5-10": True, "11-15": 101}}}},
        {"totals": {"ehcp": {"count": -3}, "sen_support": {"count": 2.5}}},
    ],
)
def test_broken_stored_figures_are_read_as_none(db_session: Session, stored: object) -> None:
    forum = make_forum(db_session)
    forum.settings = {"population": stored}
    db_session.commit()
    assert local_population(reloaded_demo_forum(db_session)) is None


# --- official waiting-time figures --------------------------------------------------------------


def test_an_official_figure_is_a_percentage_for_each_service_with_a_limit() -> None:
    official = [name for name in field_names() if name.startswith("official-") and name.count("-") == 1]
    assert official == [
        "official-ehcna",
        "official-autism",
        "official-adhd",
        "official-camhs",
        "official-paediatrics",
    ]
    stored, errors = check_population({**OFFICIAL_TYPED, "official-camhs": "7%", **_health("camhs")})
    assert errors == {}
    assert stored["official"] == {
        "ehcna": {"percent": 50.8, "source": "DfE SEN2 2025", "date": "calendar year 2024"},
        "camhs": {"percent": 7.0, "source": "NHS England waiting times", "date": "March 2025"},
    }


def _health(service: str) -> dict[str, str]:
    return {
        f"official-{service}-source": "NHS England waiting times",
        f"official-{service}-date": "March 2025",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "fifty",
            "Enter the percentage for EHC needs assessment (official figure) as a number from 0 to 100, "
            "like 12.5",
        ),
        ("100.5", "The percentage for EHC needs assessment (official figure) must be between 0 and 100"),
        ("250", "The percentage for EHC needs assessment (official figure) must be between 0 and 100"),
        ("-1", "The percentage for EHC needs assessment (official figure) must be between 0 and 100"),
        (
            "50.85",
            "The percentage for EHC needs assessment (official figure) can have at most one decimal place, "
            "like 12.5",
        ),
    ],
)
def test_a_wrong_official_percentage_is_refused(typed: str, message: str) -> None:
    stored, errors = check_population({**OFFICIAL_TYPED, "official-ehcna": typed})
    assert errors == {"official-ehcna": [message]}
    assert stored["official"]["ehcna"] == {"source": "DfE SEN2 2025", "date": "calendar year 2024"}


def test_an_official_figure_needs_its_source_and_date() -> None:
    _, errors = check_population({"official-ehcna": "50.8", "official-adhd": "12"})
    assert errors == {
        "official-ehcna-source": [
            "Enter where the official EHC needs assessment figure comes from, like DfE SEN2 2025"
        ],
        "official-ehcna-date": [
            "Enter the date of the official EHC needs assessment figure, like calendar year 2024"
        ],
        "official-adhd-source": [
            "Enter where the official ADHD assessment figure comes from, like NHS England waiting times"
        ],
        "official-adhd-date": ["Enter the date of the official ADHD assessment figure, like March 2025"],
    }
    _, errors = check_population(
        {**OFFICIAL_TYPED, "official-ehcna-source": "x" * 121, "official-ehcna-date": "y" * 41}
    )
    assert errors == {
        "official-ehcna-source": [
            "The source of the official EHC needs assessment figure must be 120 characters or fewer. "
            "It has 121."
        ],
        "official-ehcna-date": [
            "The date of the official EHC needs assessment figure must be 40 characters or fewer. It has 41."
        ],
    }
    # A source or date without a figure is kept (as typed) but nothing is compared with it.
    stored, errors = check_population({"official-autism-source": "NHS England"})
    assert errors == {} and stored["official"] == {"autism": {"source": "NHS England", "date": ""}}


def test_official_figures_are_saved_and_read_back_with_the_other_figures(db_session: Session) -> None:
    forum = make_forum(db_session)
    typed = {**AGE_TYPED, **OFFICIAL_TYPED, "official-paediatrics": "33", **_health("paediatrics")}
    assert save_population(db_session, forum, typed, population_version(forum)) == {}
    saved = reloaded_demo_forum(db_session)
    assert saved.settings["population"]["official"]["ehcna"] == {
        "percent": 50.8,
        "source": "DfE SEN2 2025",
        "date": "calendar year 2024",
    }
    found = local_population(saved)
    assert found is not None and list(found.figures) == ["age_band"]
    assert found.official == {
        "ehcna": SEN2_EHC,
        "paediatrics": OfficialFigure(33.0, "NHS England waiting times", "March 2025"),
    }
    shown = population_text(saved)
    assert (shown["official-ehcna"], shown["official-ehcna-source"], shown["official-paediatrics"]) == (
        "50.8",
        "DfE SEN2 2025",
        "33",
    )
    assert shown["official-adhd"] == "" and shown["official-adhd-source"] == ""


def test_official_figures_alone_are_local_figures_but_leave_t7_as_not_entered(db_session: Session) -> None:
    forum = make_forum(db_session)
    assert save_population(db_session, forum, OFFICIAL_TYPED) == {}
    found = local_population(reloaded_demo_forum(db_session))
    assert found is not None and found.figures == {} and found.totals == {}
    assert found.official == {"ehcna": SEN2_EHC}
    table = population_table(PUBLISHER, gathered_families(age_band=AGES), found)
    assert {row["note"] for row in table.rows if row["category"] != OTHER_GROUP} == {NOT_ENTERED}


@pytest.mark.parametrize(
    "official",
    [
        "ehcna",
        {"ehcna": "50.8"},
        {"ehcna": {"percent": "50.8", "source": "SEN2", "date": "2024"}},
        {"ehcna": {"percent": True, "source": "SEN2", "date": "2024"}},
        {"ehcna": {"percent": 100.5, "source": "SEN2", "date": "2024"}},
        {"ehcna": {"percent": -2, "source": "SEN2", "date": "2024"}},
        {"ehcna": {"percent": 50.8, "source": "", "date": "2024"}},
        {"ehcna": {"percent": 50.8, "source": "SEN2"}},
        {"ehcna": {"percent": 50.8, "source": 7, "date": "2024"}},
        {"salt": {"percent": 50.8, "source": "SEN2", "date": "2024"}},  # no limit, no comparator
    ],
)
def test_broken_official_figures_are_left_out(db_session: Session, official: object) -> None:
    forum = make_forum(db_session)
    forum.settings = {
        "population": {
            "official": official,
            "totals": {"ehcp": {"count": 3210, "source": "SEN2", "date": "2025"}},
        }
    }
    db_session.commit()
    found = local_population(reloaded_demo_forum(db_session))
    assert found is not None and found.official == {} and found.totals["ehcp"].count == 3210
    shown = population_text(reloaded_demo_forum(db_session))  # the form still opens on what is stored
    assert "official-salt" not in shown and shown["total-ehcp"] == "3210"


@pytest.mark.parametrize("percent", [float("nan"), float("inf")])
def test_an_official_figure_that_is_not_a_finite_number_is_left_out(percent: float) -> None:
    stored = {"ehcna": {"percent": percent, "source": "SEN2", "date": "2024"}}  # JSON in SQLite only
    assert local_population(Forum(settings={"population": {"official": stored}})) is None


def test_a_stored_official_figure_is_read_to_one_decimal_place(db_session: Session) -> None:
    forum = make_forum(db_session)
    stored = {"percent": 12.25, "source": " NHS\nEngland ", "date": "2025"}
    forum.settings = {"population": {"official": {"autism": stored}}}
    db_session.commit()
    found = local_population(reloaded_demo_forum(db_session))
    assert found is not None and found.official == {"autism": OfficialFigure(12.3, "NHS England", "2025")}
