"""T7 (who responded compared with the local SEND population) and the summary's coverage line: what
the pack says about the local figures a lead has entered."""

from __future__ import annotations

from typing import Any

from forum_app.packs import stats
from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Cell
from forum_app.packs.disclosure import DisclosureRules
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
    coverage_words,
    population_table,
)
from forum_app.packs.tables import OTHER_GROUP, Publisher, question_figures
from tests.packs.factories import AGE_FIGURES, AGES, PUBLISHER, gathered_families

SEN2 = AreaTotal(3210, "DfE SEN2", "January 2025")


def _rows(table: Any, characteristic: str) -> dict[str, dict[str, Cell]]:
    return {str(row["category"]): row for row in table.rows if row["characteristic"] == characteristic}


# --- T7 ------------------------------------------------------------------------------------------


def test_every_category_of_every_grouping_has_a_row_with_other_or_not_known_last() -> None:
    table = population_table(PUBLISHER, gathered_families(age_band=AGES), None)
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
    table = population_table(
        PUBLISHER, gathered_families(age_band=AGES), LocalPopulation({"age_band": AGE_FIGURES})
    )
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
    table = population_table(
        PUBLISHER, gathered_families(age_band=AGES), LocalPopulation({"age_band": AGE_FIGURES})
    )
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
    gathered = gathered_families(40, ehcp={"yes": 20, "sen_support": 20})
    row = _rows(population_table(PUBLISHER, gathered, LocalPopulation({"ehcp": figures})), "EHC plan")[
        "Has an EHC plan"
    ]
    assert (row["percent"], row["flag"], row["ratio"], row["note"]) == (50.0, "[u]", 1.4, NO_CLEAR_DIFFERENCE)
    low, high = row["low"], row["high"]
    assert isinstance(low, float) and isinstance(high, float) and low < 36.0 < high


def test_a_small_count_is_suppressed_and_t4_and_t7_agree() -> None:
    figures = LocalFigures({"yes": 40.0, "sen_support": 60.0, "other": 0.0}, "DfE SEN2", "2025")
    gathered = gathered_families(400, ehcp={"yes": 300, "sen_support": 95, "dont_know": 5})
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
    gathered = gathered_families(400, ehcp={"yes": 300, "sen_support": 98, "no": 2})
    rows = _rows(population_table(PUBLISHER, gathered, None), "EHC plan")
    cells = [rows[label]["respondents"] for label in ("Has an EHC plan", "SEN support", "Other or not known")]
    # 2 alone would be at most 402 - 298 - 98 = 6 (and T4's answered, 400, would pin it further).
    assert cells.count(SUPPRESSED) >= 2


def test_a_forums_stricter_rules_apply_to_the_table() -> None:
    strict = Publisher(DisclosureRules(threshold=10, base=10))
    gathered = gathered_families(100, ehcp={"yes": 80, "sen_support": 11, "no": 9})
    rows = _rows(population_table(strict, gathered, None), "EHC plan")
    cells = [row["respondents"] for row in rows.values()]
    assert cells[2] == SUPPRESSED  # 9 is within the forum's threshold of 10
    assert cells[:2] == [80, 20]  # 11 is published as 20 under a threshold of 10
    assert {row["base"] for row in rows.values()} == {90}


def test_a_base_under_20_gives_the_count_only() -> None:
    figures = LocalFigures({"yes": 50.0, "sen_support": 50.0}, "DfE SEN2", "2025")
    gathered = gathered_families(15, ehcp={"yes": 15})
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
    table = population_table(
        PUBLISHER, gathered_families(age_band=AGES, ehcp={"yes": 200, "sen_support": 200}), None
    )
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
    table = population_table(
        PUBLISHER, gathered_families(age_band=AGES), LocalPopulation({"age_band": partial})
    )
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
    table = population_table(PUBLISHER, gathered_families(), LocalPopulation(totals={"ehcp": SEN2}))
    assert (
        "Children and young people in the area with an EHC plan: 3,210 (DfE SEN2, January 2025)."
        in table.notes
    )


# --- the summary's coverage line -----------------------------------------------------------------


def test_coverage_is_the_published_count_over_the_area_total() -> None:
    gathered = gathered_families(400, ehcp={"yes": 188, "sen_support": 212})  # 188 is published as 190
    words = coverage_words(PUBLISHER, gathered, LocalPopulation(totals={"ehcp": SEN2}))
    assert words == "190 of them with an EHC plan, about 6% of the area's 3,210 (DfE SEN2, January 2025)"
    # From the rounded count: 12 is published as 10, so 10 of 100 is "about 10%", not 12%.
    small = LocalPopulation(totals={"ehcp": AreaTotal(100, "Council", "2025")})
    assert coverage_words(PUBLISHER, gathered_families(400, ehcp={"yes": 12, "no": 388}), small) == (
        "10 of them with an EHC plan, about 10% of the area's 100 (Council, 2025)"
    )


def test_coverage_adds_sen_support_when_that_total_is_known() -> None:
    gathered = gathered_families(400, ehcp={"yes": 190, "sen_support": 210})
    both = LocalPopulation(
        totals={"ehcp": SEN2, "sen_support": AreaTotal(42_000, "DfE school census", "2025")}
    )
    assert coverage_words(PUBLISHER, gathered, both) == (
        "190 of them with an EHC plan, about 6% of the area's 3,210 (DfE SEN2, January 2025) and "
        "210 of them with SEN support, about 0.5% of the area's 42,000 (DfE school census, 2025)"
    )


def test_no_coverage_line_without_a_total_or_a_publishable_count() -> None:
    gathered = gathered_families(400, ehcp={"yes": 190, "sen_support": 210})
    assert coverage_words(PUBLISHER, gathered, None) is None
    assert coverage_words(PUBLISHER, gathered, LocalPopulation({"age_band": AGE_FIGURES})) is None
    few = gathered_families(400, ehcp={"yes": 5, "sen_support": 395})
    assert coverage_words(PUBLISHER, few, LocalPopulation(totals={"ehcp": SEN2})) is None
    # More families than the total entered: no share is given.
    tiny = LocalPopulation(totals={"ehcp": AreaTotal(50, "Council", "2025")})
    assert coverage_words(PUBLISHER, gathered, tiny) is None
