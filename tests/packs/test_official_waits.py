"""The official waiting-time figures a lead enters, compared with the families' waits in T3 and marked
on C2."""

from __future__ import annotations

from typing import Any

from forum_app.packs.contents import NOT_AVAILABLE, Cell
from forum_app.packs.data import Gathered, Wait
from forum_app.packs.figures import waits_chart
from forum_app.packs.population import OfficialFigure
from forum_app.packs.waits import waits_table
from tests.packs.factories import PUBLISHER, SEN2_EHC, gathered_families

OLD_NOTE = "No official comparator has been loaded for this pack ([x])"


def _waits() -> Gathered:
    gathered = gathered_families(200)
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
