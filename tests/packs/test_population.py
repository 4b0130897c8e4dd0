"""T7 (who responded against the local SEND population), the summary's coverage line, the official
waiting-time figures of T3 and C2, and the lead's page of local figures: its rules, who may use it, what
it keeps, and the audit log."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.packs import disclosure, stats
from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Cell
from forum_app.packs.data import Gathered, Wait
from forum_app.packs.disclosure import DisclosureRules
from forum_app.packs.figures import waits_chart
from forum_app.packs.population import (
    NO_CLEAR_DIFFERENCE,
    NOT_COMPARED,
    NOT_ENTERED,
    NOT_KNOWN,
    OVER,
    TOO_FEW,
    UNDER,
    AreaTotal,
    LocalFigures,
    LocalPopulation,
    OfficialFigure,
    coverage_words,
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
from forum_app.packs.tables import OTHER_GROUP, Publisher, question_figures
from forum_app.packs.waits import waits_table
from tests.factories import (
    audit_actions,
    csrf_token,
    form_value,
    make_forum,
    make_forum_with_staff,
    page,
    resave_form,
    signed_in,
    squashed_text,
)

PUBLISHER = Publisher(disclosure.DEFAULT_RULES)
AGES = {"0-4": 20, "5-10": 150, "11-15": 150, "16-18": 60, "19-25": 12}  # 392 of 400; 8 did not say
AGE_FIGURES = LocalFigures(
    {"0-4": 10.0, "5-10": 35.0, "11-15": 30.0, "16-18": 15.0, "19-25": 10.0, "other": 0.0},
    "DfE SEN2 2025",
    "January 2025",
)
SEN2 = AreaTotal(3210, "DfE SEN2", "January 2025")


def _gathered(respondents: int = 400, **closed: dict[Any, int]) -> Gathered:
    """Figures for ``respondents`` families with these answers (each family's answers, as the
    builder gathers them, are made up to match: T4 and T7 are protected from them together)."""
    profiles: dict[str, dict[str, Any]] = {str(i): {} for i in range(respondents)}
    for key, answers in closed.items():
        given = [value for value, n in answers.items() for _ in range(n)]
        for family, value in zip(profiles.values(), given, strict=False):
            family[key] = value
    return Gathered(
        date(2025, 1, 1),
        date(2025, 3, 31),
        respondents=respondents,
        closed={key: Counter(answers) for key, answers in closed.items()},
        profiles=profiles,
    )


def _rows(table: Any, characteristic: str) -> dict[str, dict[str, Cell]]:
    return {str(row["category"]): row for row in table.rows if row["characteristic"] == characteristic}


# --- T7 ------------------------------------------------------------------------------------------


def test_every_category_of_every_grouping_has_a_row_with_other_or_not_known_last() -> None:
    table = population_table(PUBLISHER, _gathered(age_band=AGES), None)
    assert table.id == "T7"
    assert table.title == "Who responded compared with the local SEND population"
    assert list(_rows(table, "Age")) == [
        "0 to 4",
        "5 to 10",
        "11 to 15",
        "16 to 18",
        "19 to 25",
        "Other or not known",
    ]
    # "special" and "resourced" share a label in GROUPINGS: one row.
    assert list(_rows(table, "School or setting")) == [
        "Early years",
        "Mainstream primary",
        "Mainstream secondary",
        "Special school or resourced provision",
        "Post-16",
        "Other or not known",
    ]
    assert list(_rows(table, "EHC plan")) == ["Has an EHC plan", "SEN support", "Other or not known"]
    keys = [column.key for column in table.columns]
    assert keys[:2] == ["characteristic", "category"] and keys[-4:] == [
        "population_percent",
        "source",
        "ratio",
        "note",
    ]


def test_families_are_counted_per_category_from_published_counts_with_their_intervals() -> None:
    table = population_table(PUBLISHER, _gathered(age_band=AGES), LocalPopulation({"age_band": AGE_FIGURES}))
    rows = _rows(table, "Age")
    # 12 is published as 10; the 8 who did not answer are "not known" (published as 10).
    assert [rows[label]["respondents"] for label in rows] == [20, 150, 150, 60, 10, 10]
    # Percentages are of the 392 families in a known category (published as 390), as local ones are.
    assert {row["base"] for row in rows.values()} == {390}
    young = rows["0 to 4"]
    low, high = stats.wilson(20, 390) or (0.0, 0.0)
    assert (young["percent"], young["low"], young["high"], young["flag"]) == (5.1, low, high, "")
    assert rows["19 to 25"]["percent"] == 2.6  # 10 of 390, not 12 of 392
    assert rows["Other or not known"]["percent"] == NOT_APPLICABLE


def test_the_ratio_and_the_note_compare_with_the_local_figures() -> None:
    table = population_table(PUBLISHER, _gathered(age_band=AGES), LocalPopulation({"age_band": AGE_FIGURES}))
    rows = _rows(table, "Age")
    found = {label: (row["population_percent"], row["ratio"], row["note"]) for label, row in rows.items()}
    assert found == {
        "0 to 4": (10.0, 0.5, UNDER),  # 5.1% (3.3 to 7.8) against 10%
        "5 to 10": (35.0, 1.1, NO_CLEAR_DIFFERENCE),  # 38.5% (33.8 to 43.4) holds 35%
        "11 to 15": (30.0, 1.3, OVER),  # 38.5 / 30 = 1.28, one decimal
        "16 to 18": (15.0, 1.0, NO_CLEAR_DIFFERENCE),
        "19 to 25": (10.0, 0.3, UNDER),
        # Not over-represented against a local 0%: the local figures leave "not known" out.
        "Other or not known": (NOT_APPLICABLE, NOT_APPLICABLE, NOT_COMPARED),
    }
    assert {row["source"] for label, row in rows.items() if label != OTHER_GROUP} == {
        "DfE SEN2 2025, January 2025"
    }


def test_a_local_figure_inside_the_interval_but_far_in_ratio_is_not_called_a_difference() -> None:
    # 20 of 40 (a low base): 50% (35.2 to 64.8); a local 36% gives a ratio of 1.4 but no clear difference.
    figures = LocalFigures({"yes": 36.0, "sen_support": 64.0}, "DfE SEN2", "2025")
    gathered = _gathered(40, ehcp={"yes": 20, "sen_support": 20})
    row = _rows(population_table(PUBLISHER, gathered, LocalPopulation({"ehcp": figures})), "EHC plan")[
        "Has an EHC plan"
    ]
    assert (row["percent"], row["flag"], row["ratio"], row["note"]) == (50.0, "[u]", 1.4, NO_CLEAR_DIFFERENCE)
    low, high = row["low"], row["high"]
    assert isinstance(low, float) and isinstance(high, float) and low < 36.0 < high


def test_a_small_count_is_suppressed_and_t4_and_t7_agree() -> None:
    figures = LocalFigures({"yes": 40.0, "sen_support": 60.0, "other": 0.0}, "DfE SEN2", "2025")
    gathered = _gathered(400, ehcp={"yes": 300, "sen_support": 95, "dont_know": 5})
    rows = _rows(population_table(PUBLISHER, gathered, LocalPopulation({"ehcp": figures})), "EHC plan")
    cells = [rows[label]["respondents"] for label in ("Has an EHC plan", "SEN support", "Other or not known")]
    # The 5 "don't know" are 400 - 395 give or take the rounding: 1 to 9, so nothing more is hidden.
    assert cells == [300, 95, SUPPRESSED]
    assert {row["base"] for row in rows.values()} == {395}
    t4 = question_figures(PUBLISHER, gathered, {})["ehcp"]
    assert (t4.options["yes"], t4.options["sen_support"], t4.dont_know) == (300, 95, SUPPRESSED)
    assert rows["Has an EHC plan"]["note"] == OVER  # 75.9% (71.5 to 79.9) against 40%
    assert rows["Other or not known"]["note"] == NOT_COMPARED


def test_a_count_that_subtraction_would_give_away_hides_a_second_one() -> None:
    gathered = _gathered(400, ehcp={"yes": 300, "sen_support": 98, "no": 2})
    rows = _rows(population_table(PUBLISHER, gathered, None), "EHC plan")
    cells = [rows[label]["respondents"] for label in ("Has an EHC plan", "SEN support", "Other or not known")]
    # 2 alone would be at most 402 - 298 - 98 = 6 (and T4's answered, 400, would pin it further).
    assert cells.count(SUPPRESSED) >= 2


def test_a_forums_stricter_rules_apply_to_the_table() -> None:
    strict = Publisher(DisclosureRules(threshold=10, base=10))
    gathered = _gathered(100, ehcp={"yes": 80, "sen_support": 11, "no": 9})
    rows = _rows(population_table(strict, gathered, None), "EHC plan")
    cells = [row["respondents"] for row in rows.values()]
    assert cells[2] == SUPPRESSED  # 9 is within the forum's threshold of 10
    assert cells[:2] == [80, 20]  # 11 is published as 20 under a threshold of 10
    assert {row["base"] for row in rows.values()} == {90}


def test_a_base_under_20_gives_the_count_only() -> None:
    figures = LocalFigures({"yes": 50.0, "sen_support": 50.0}, "DfE SEN2", "2025")
    gathered = _gathered(15, ehcp={"yes": 15})
    row = _rows(population_table(PUBLISHER, gathered, LocalPopulation({"ehcp": figures})), "EHC plan")[
        "Has an EHC plan"
    ]
    assert (row["respondents"], row["base"], row["percent"], row["ratio"], row["note"]) == (
        15,
        15,
        NOT_AVAILABLE,
        NOT_AVAILABLE,
        TOO_FEW,
    )


def test_with_no_local_figures_the_families_are_still_listed() -> None:
    table = population_table(PUBLISHER, _gathered(age_band=AGES, ehcp={"yes": 200, "sen_support": 200}), None)
    assert len(table.rows) == 6 + 6 + 3
    for row in (row for row in table.rows if row["category"] != OTHER_GROUP):
        assert (row["population_percent"], row["source"], row["ratio"], row["note"]) == (
            NOT_AVAILABLE,
            NOT_AVAILABLE,
            NOT_AVAILABLE,
            NOT_ENTERED,
        )
    assert _rows(table, "EHC plan")["Has an EHC plan"]["percent"] == 50.0
    assert any(
        "has not entered local population figures for 'Age', 'School or setting' and 'EHC plan'" in n
        for n in table.notes
    )


def test_figures_for_some_groups_and_some_categories_only() -> None:
    partial = LocalFigures({"5-10": 35.0}, "Council SEND data", "March 2025")
    table = population_table(PUBLISHER, _gathered(age_band=AGES), LocalPopulation({"age_band": partial}))
    ages, settings = _rows(table, "Age"), _rows(table, "School or setting")
    assert (ages["0 to 4"]["population_percent"], ages["0 to 4"]["ratio"], ages["0 to 4"]["note"]) == (
        NOT_AVAILABLE,
        NOT_AVAILABLE,
        NOT_KNOWN,
    )
    assert ages["5 to 10"]["ratio"] == 1.1
    assert {row["note"] for label, row in settings.items() if label != OTHER_GROUP} == {NOT_ENTERED}
    notes = " ".join(table.notes)
    assert "'School or setting' and 'EHC plan'" in notes and "'Age'" not in notes


def test_the_area_totals_are_in_the_notes() -> None:
    table = population_table(PUBLISHER, _gathered(), LocalPopulation(totals={"ehcp": SEN2}))
    assert (
        "Children and young people in the area with an EHC plan: 3,210 (DfE SEN2, January 2025)."
        in table.notes
    )


# --- the summary's coverage line -----------------------------------------------------------------


def test_coverage_is_the_published_count_over_the_area_total() -> None:
    gathered = _gathered(400, ehcp={"yes": 188, "sen_support": 212})  # 188 is published as 190
    words = coverage_words(PUBLISHER, gathered, LocalPopulation(totals={"ehcp": SEN2}))
    assert words == "190 of them with an EHC plan, about 6% of the area's 3,210 (DfE SEN2, January 2025)"
    # From the rounded count: 12 is published as 10, so 10 of 100 is "about 10%", not 12%.
    small = LocalPopulation(totals={"ehcp": AreaTotal(100, "Council", "2025")})
    assert coverage_words(PUBLISHER, _gathered(400, ehcp={"yes": 12, "no": 388}), small) == (
        "10 of them with an EHC plan, about 10% of the area's 100 (Council, 2025)"
    )


def test_coverage_adds_sen_support_when_that_total_is_known() -> None:
    gathered = _gathered(400, ehcp={"yes": 190, "sen_support": 210})
    both = LocalPopulation(
        totals={"ehcp": SEN2, "sen_support": AreaTotal(42_000, "DfE school census", "2025")}
    )
    assert coverage_words(PUBLISHER, gathered, both) == (
        "190 of them with an EHC plan, about 6% of the area's 3,210 (DfE SEN2, January 2025) and "
        "210 of them with SEN support, about 0.5% of the area's 42,000 (DfE school census, 2025)"
    )


def test_no_coverage_line_without_a_total_or_a_publishable_count() -> None:
    gathered = _gathered(400, ehcp={"yes": 190, "sen_support": 210})
    assert coverage_words(PUBLISHER, gathered, None) is None
    assert coverage_words(PUBLISHER, gathered, LocalPopulation({"age_band": AGE_FIGURES})) is None
    few = _gathered(400, ehcp={"yes": 5, "sen_support": 395})
    assert coverage_words(PUBLISHER, few, LocalPopulation(totals={"ehcp": SEN2})) is None
    # More families than the total entered: no share is given.
    tiny = LocalPopulation(totals={"ehcp": AreaTotal(50, "Council", "2025")})
    assert coverage_words(PUBLISHER, gathered, tiny) is None


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


AGE_TYPED = {
    "age_band-0-4": "10",
    "age_band-5-10": "35",
    "age_band-11-15": "30.5",
    "age_band-16-18": "15",
    "age_band-19-25": "9",
    "age_band-other": "0",
    "age_band-source": "DfE SEN2 2025",
    "age_band-date": "January 2025",
}


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


def _forum(session: Session) -> Forum:
    session.expire_all()
    return session.scalars(select(Forum).where(Forum.slug == "demo")).one()


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
    saved = _forum(db_session)
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
    assert local_population(_forum(db_session)) is None
    assert save_population(db_session, forum, AGE_TYPED, shown) == {}
    found = local_population(_forum(db_session))
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
    assert local_population(_forum(db_session)) is None


# --- the page ------------------------------------------------------------------------------------

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
POPULATION = "/staff/packs/population"


@pytest.fixture
def demo(db_session: Session) -> Forum:
    return make_forum_with_staff(db_session, {LEAD: "lead", CODER: "coder", VIEWER: "viewer"})


def _save(client: FlaskClient, **changes: str) -> Any:
    """The form as shown, with these fields changed, sent."""
    return resave_form(client, POPULATION, field_names(), **changes)


def test_a_lead_sees_a_labelled_box_for_every_figure(app: Flask, demo: Forum) -> None:
    soup = page(signed_in(app, LEAD), POPULATION)
    assert soup.title is not None and soup.title.get_text().startswith("Local population figures")
    for name in field_names():
        assert soup.find("label", attrs={"for": name}) is not None, name
        assert form_value(soup, name) == ""
    legends = [squashed_text(legend) for legend in soup.select("legend")]
    assert legends[:3] == ["Age", "School or setting", "EHC plan"]


def test_the_packs_page_links_to_the_figures_for_leads_only(app: Flask, demo: Forum) -> None:
    assert page(signed_in(app, LEAD), "/staff/packs").find("a", href=POPULATION) is not None
    assert page(signed_in(app, CODER), "/staff/packs").find("a", href=POPULATION) is None


@pytest.mark.parametrize("email", [CODER, VIEWER])
def test_coders_and_viewers_may_not_see_or_change_the_figures(
    app: Flask, db_session: Session, demo: Forum, email: str
) -> None:
    client = signed_in(app, email)
    assert client.get(POPULATION).status_code == 403
    token = csrf_token(page(client, "/staff/packs"))
    assert client.post(POPULATION, data={**AGE_TYPED, "csrf_token": token}).status_code == 403
    assert local_population(_forum(db_session)) is None
    assert "packs.population POST" not in audit_actions(db_session)


def test_a_post_without_its_csrf_token_is_refused(app: Flask, db_session: Session, demo: Forum) -> None:
    sent = signed_in(app, LEAD).post(POPULATION, data=AGE_TYPED)
    assert sent.status_code == 400
    assert local_population(_forum(db_session)) is None


def test_a_lead_saves_the_figures_and_the_audit_log_records_it(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(
        client,
        **AGE_TYPED,
        **{"total-ehcp": "3,210", "total-ehcp-source": "DfE SEN2", "total-ehcp-date": "January 2025"},
    )
    assert sent.status_code == 303 and sent.location.endswith(POPULATION)
    soup = page(client, POPULATION)
    assert "Saved the local population figures" in squashed_text(soup.select_one(".notice"))
    assert form_value(soup, "age_band-11-15") == "30.5" and form_value(soup, "age_band-0-4") == "10"
    assert form_value(soup, "total-ehcp") == "3210" and form_value(soup, "setting-early_years") == ""
    found = local_population(_forum(db_session))
    assert found is not None and found.totals["ehcp"].count == 3210
    assert audit_actions(db_session) == ["accounts.login POST", "packs.population POST"]
    log = squashed_text(page(client, "/staff/audit"))
    assert "changed the local population figures" in log and "DfE SEN2" not in log


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {
                "age_band-0-4": "ten",
                "age_band-source": "SEN2",
                "age_band-date": "2025",
                "total-sen_support": "-4",
                "total-sen_support-source": "School census",
                "total-sen_support-date": "June 2025",
            },
            [
                (
                    "#age_band-0-4",
                    "Enter the percentage for 0 to 4 (age) as a number from 0 to 100, like 12.5",
                ),
                (
                    "#total-sen_support",
                    "The number of children and young people with SEN support cannot be negative",
                ),
            ],
        ),
        (
            {
                "ehcp-yes": "70",
                "ehcp-sen_support": "40",
                "ehcp-other": "0",
                "ehcp-source": "SEN2",
                "ehcp-date": "2025",
            },
            [
                (
                    "#ehcp-yes",
                    "The EHC plan percentages must add up to 100, give or take 1. They add up to 110.",
                )
            ],
        ),
        (
            {"setting-post16": "12.25"},
            [
                (
                    "#setting-post16",
                    "The percentage for Post-16 (school or setting) can have at most one decimal place, "
                    "like 12.5",
                ),
                (
                    "#setting-source",
                    "Enter where the school or setting figures come from, like DfE SEN2 2025",
                ),
                ("#setting-date", "Enter the date of the school or setting figures, like January 2025"),
            ],
        ),
        (
            {"age_band-source": "x" * 50_000},
            [
                (
                    "#age_band-source",
                    "The source of the age figures must be 120 characters or fewer. It has 50,000.",
                ),
            ],
        ),
    ],
)
def test_wrong_input_is_sent_back_with_messages_as_typed(
    app: Flask, db_session: Session, demo: Forum, changes: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, **changes)
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Error: Local population figures")
    summary = soup.select_one("[data-error-summary]")
    assert summary is not None
    assert [(str(a["href"]), squashed_text(a)) for a in summary.select("a")] == expected
    for target, message in expected:
        field = soup.select_one(target)
        assert field is not None
        described = (
            str(field.get("aria-describedby", ""))
            + " "
            + str(
                field.find_parent("fieldset").get("aria-describedby", "")  # type: ignore[union-attr]
            )
        )
        error_ids = [i for i in described.split() if i.endswith("-error")]
        assert any(message in squashed_text(soup.find(id=i)) for i in error_ids), target
    for name, typed in changes.items():
        assert form_value(soup, name) == typed
    assert local_population(_forum(db_session)) is None
    assert "packs.population POST" not in audit_actions(db_session)


# --- official waiting-time figures (T3 and C2) ---------------------------------------------------

OFFICIAL_TYPED = {
    "official-ehcna": "50.8",
    "official-ehcna-source": "DfE SEN2 2025",
    "official-ehcna-date": "calendar year 2024",
}
SEN2_EHC = OfficialFigure(50.8, "DfE SEN2 2025", "calendar year 2024")
OLD_NOTE = "No official comparator has been loaded for this pack ([x])"


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
    saved = _forum(db_session)
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
    found = local_population(_forum(db_session))
    assert found is not None and found.figures == {} and found.totals == {}
    assert found.official == {"ehcna": SEN2_EHC}
    table = population_table(PUBLISHER, _gathered(age_band=AGES), found)
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
    found = local_population(_forum(db_session))
    assert found is not None and found.official == {} and found.totals["ehcp"].count == 3210
    shown = population_text(_forum(db_session))  # the form still opens on what is stored
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
    found = local_population(_forum(db_session))
    assert found is not None and found.official == {"autism": OfficialFigure(12.3, "NHS England", "2025")}


def _waits() -> Gathered:
    gathered = _gathered(200)
    ehc = [Wait(30.0, False)] * 40 + [Wait(10.0, False)] * 20 + [Wait(25.0, True)] * 10
    gathered.waits["ehcna_plan"] = ehc  # the current question (request to final plan)
    gathered.waits["camhs_rtt"] = [Wait(40.0, False)] * 25
    return gathered


def _t3_rows(table: Any) -> dict[str, dict[str, Cell]]:
    return {str(row["service"]): row for row in table.rows}


def test_t3_has_no_official_comparator_until_one_is_entered() -> None:
    table = waits_table(PUBLISHER, _waits())
    assert {row["official_percent"] for row in table.rows} == {NOT_AVAILABLE}
    assert {row["official_source"] for row in table.rows} == {NOT_AVAILABLE}
    assert any(OLD_NOTE in note for note in table.notes)
    assert table == waits_table(PUBLISHER, _waits(), {})


def test_t3_shows_each_official_figure_with_its_source_and_date() -> None:
    official = {
        "ehcna": SEN2_EHC,
        "camhs": OfficialFigure(20.0, "NHS England waiting times", "March 2025"),
        "salt": OfficialFigure(10.0, "Made up", "2025"),  # no limit: nothing to compare
    }
    table = waits_table(PUBLISHER, _waits(), official)
    rows = _t3_rows(table)
    ehc, camhs = rows["EHC needs assessment"], rows["CAMHS"]
    assert (ehc["official_percent"], ehc["official_source"]) == (50.8, "DfE SEN2 2025, calendar year 2024")
    assert (camhs["official_percent"], camhs["official_source"]) == (
        20.0,
        "NHS England waiting times, March 2025",
    )
    others = {
        label: row["official_percent"]
        for label, row in rows.items()
        if label not in ("EHC needs assessment", "CAMHS")
    }
    assert set(others.values()) == {NOT_AVAILABLE}
    # The families' own figures do not change.
    plain = _t3_rows(waits_table(PUBLISHER, _waits()))
    assert rows["EHC needs assessment"]["over_percent"] == plain["EHC needs assessment"]["over_percent"]
    assert isinstance(rows["EHC needs assessment"]["over_percent"], float)
    notes = " ".join(table.notes)
    assert OLD_NOTE not in notes
    assert (
        "(EHC needs assessment: DfE SEN2 2025, calendar year 2024; "
        "CAMHS: NHS England waiting times, March 2025)" in notes
    )
    assert "Made up" not in notes
    assert (
        "official EHC timeliness counts plans issued within 20 weeks of the request, excluding exceptions"
        in notes
    )
    assert "from the request for the assessment to the final EHC plan, as they remember it" in notes
    assert "official health waiting times" in notes


def test_t3_note_names_only_the_counting_rules_of_the_figures_entered() -> None:
    ehc_only = " ".join(waits_table(PUBLISHER, _waits(), {"ehcna": SEN2_EHC}).notes)
    assert "official EHC timeliness" in ehc_only and "official health waiting times" not in ehc_only
    health = OfficialFigure(12.0, "NHS England", "2025")
    health_only = " ".join(waits_table(PUBLISHER, _waits(), {"adhd": health}).notes)
    assert "official EHC timeliness" not in health_only and "official health waiting times" in health_only
    assert "ADHD assessment: NHS England, 2025" in health_only


def test_c2_marks_each_official_figure_on_its_service() -> None:
    official = {"ehcna": SEN2_EHC, "paediatrics": OfficialFigure(0.0, "NHS England", "2025")}
    chart = waits_chart(waits_table(PUBLISHER, _waits(), official), "Demo forum")
    markers = {bar.label: bar.marker for bar in chart.bars}
    assert markers["EHC needs assessment"] == 50.8
    assert markers["Community paediatrics"] == 0.0  # no families reported: the official figure still shows
    assert {label: m for label, m in markers.items() if m is not None} == {
        "EHC needs assessment": 50.8,
        "Community paediatrics": 0.0,
    }
    unmarked = waits_chart(waits_table(PUBLISHER, _waits()), "Demo forum")
    assert all(bar.marker is None for bar in unmarked.bars)


def test_a_lead_sees_the_official_waiting_time_fieldsets(app: Flask, demo: Forum) -> None:
    soup = page(signed_in(app, LEAD), POPULATION)
    headings = [squashed_text(h) for h in soup.select("h2")]
    assert "Official waiting-time figures" in headings
    legends = [squashed_text(legend) for legend in soup.select("legend")]
    assert legends[-5:] == [
        "EHC needs assessment",
        "Autism assessment",
        "ADHD assessment",
        "CAMHS",
        "Community paediatrics",
    ]
    label = soup.find("label", attrs={"for": "official-ehcna"})
    assert label is not None and squashed_text(label) == "% over the limit"
    hint = soup.find(id="official-ehcna-hint")
    assert hint is not None and "EHC plans issued outside 20 weeks" in squashed_text(hint)
    source_hint = soup.find(id="official-ehcna-source-hint")
    assert source_hint is not None and "For example, DfE SEN2 2025." in squashed_text(source_hint)


def test_a_lead_saves_an_official_figure_and_the_audit_log_records_it(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    sent = _save(client, **OFFICIAL_TYPED)
    assert sent.status_code == 303
    soup = page(client, POPULATION)
    assert form_value(soup, "official-ehcna") == "50.8"
    assert form_value(soup, "official-ehcna-date") == "calendar year 2024"
    found = local_population(_forum(db_session))
    assert found is not None and found.official == {"ehcna": SEN2_EHC}
    assert audit_actions(db_session) == ["accounts.login POST", "packs.population POST"]
    log = squashed_text(page(client, "/staff/audit"))
    assert "changed the local population figures" in log and "DfE SEN2" not in log


def test_a_wrong_official_figure_is_sent_back_with_messages_as_typed(
    app: Flask, db_session: Session, demo: Forum
) -> None:
    client = signed_in(app, LEAD)
    changes = {"official-autism": "120", "official-adhd": "15", "official-adhd-source": "NHS England"}
    sent = _save(client, **changes)
    assert sent.status_code == 200
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    summary = soup.select_one("[data-error-summary]")
    assert summary is not None
    assert [(str(a["href"]), squashed_text(a)) for a in summary.select("a")] == [
        (
            "#official-autism",
            "The percentage for Autism assessment (official figure) must be between 0 and 100",
        ),
        (
            "#official-autism-source",
            "Enter where the official autism assessment figure comes from, like NHS England waiting times",
        ),
        ("#official-autism-date", "Enter the date of the official autism assessment figure, like March 2025"),
        ("#official-adhd-date", "Enter the date of the official ADHD assessment figure, like March 2025"),
    ]
    for name in ("official-autism", "official-autism-source", "official-autism-date", "official-adhd-date"):
        field = soup.find(id=name)
        assert isinstance(field, Tag) and f"{name}-error" in str(field.get("aria-describedby", ""))
    for name, typed in changes.items():
        assert form_value(soup, name) == typed
    assert local_population(_forum(db_session)) is None
    assert "packs.population POST" not in audit_actions(db_session)
