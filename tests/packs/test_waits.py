"""T3, C2 and page 1's waits: each wait measured over the interval its limit measures, completed and
still-waiting waits never pooled, medians only on 20 waits with no interval end at the smallest or
largest answer, [u] on bases of 20 to 49, secondary suppression within T3, the official figure on
page 1."""

from __future__ import annotations

import copy
import random
import re
from datetime import date
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app import demo
from forum_app.accounts.models import Forum
from forum_app.demo import add_demo_population, seed_demo
from forum_app.packs import disclosure
from forum_app.packs.build import build_pack
from forum_app.packs.chart_layout import n_label
from forum_app.packs.contents import LOW_BASE, NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Cell, Table
from forum_app.packs.data import Gathered, PackRequest, Wait
from forum_app.packs.figures import waits_chart
from forum_app.packs.population import OfficialFigure
from forum_app.packs.render_html import summary_waits
from forum_app.packs.tables import Publisher
from forum_app.packs.waits import LIMITS, MEASURES, relations, waits_table
from forum_app.surveys.definitions import load_packaged, parse_definition
from forum_app.surveys.models import SurveyVersion

PUBLISHER = Publisher(disclosure.DEFAULT_RULES)
UNTIL = date(2026, 6, 30)

# Version 1 of the default survey asked these, word for word (the hints); each asked for another
# interval than the limit it was compared with.
EARLIER = {
    "wait_ehcna": "Count from when you asked to when you got the final plan or a no. If you are still "
    "waiting, tell us how long so far.",
    "wait_autism": "Count from the referral to the result. If you are still waiting, tell us how long so "
    "far.",
    "wait_adhd": "Count from the referral to the result. If you are still waiting, tell us how long so far.",
    "wait_camhs": "Count from the referral to the first appointment. If you are still waiting, tell us how "
    "long so far.",
    "wait_paediatrics": "Count from the referral to the first appointment. If you are still waiting, tell "
    "us how long so far.",
}
NOW_KEYS = {
    "wait_ehcna": "wait_ehcna_plan",
    "wait_autism": "wait_autism_first",
    "wait_adhd": "wait_adhd_rtt",
    "wait_camhs": "wait_camhs_rtt",
    "wait_paediatrics": "wait_paediatrics_rtt",
}


def earlier_definition() -> dict[str, Any]:
    """The default survey as version 1 asked its waits."""
    document = copy.deepcopy(load_packaged())
    by_now = {now: old for old, now in NOW_KEYS.items()}
    for question in document["questions"]:
        if question["key"] in by_now:
            old = by_now[question["key"]]
            question.update(key=old, hint=EARLIER[old], required=True)
    return document


def _gathered(**waits: list[Wait]) -> Gathered:
    gathered = Gathered(date(2026, 1, 1), date(2026, 6, 30), respondents=400)
    for key, listed in waits.items():
        gathered.waits[key] = listed
    return gathered


def _done(weeks: float, n: int) -> list[Wait]:
    return [Wait(weeks, False)] * n


def _waiting(weeks: float, n: int) -> list[Wait]:
    return [Wait(weeks, True)] * n


def _rows(table: Table) -> dict[str, dict[str, Cell]]:
    return {str(row["service"]): row for row in table.rows}


def _page_one(table: Table) -> dict[str, dict[str, Cell]]:
    """Page 1's waits table, by service."""
    return _rows(summary_waits(table).table)


# --- 1. each wait measured over the interval its limit measures ----------------------------------


def test_each_wait_question_asks_for_the_interval_its_limit_measures() -> None:
    definition = parse_definition(load_packaged())
    waits = {q.key: f"{q.title} {q.hint}" for q in definition.questions if q.kind == "duration"}
    assert set(waits) == {f"wait_{key}" for key, measure in MEASURES.items() if measure.compared}
    assert "final plan" in waits["wait_ehcna_plan"] and "or a no" not in waits["wait_ehcna_plan"]
    assert "said no, leave this blank" in waits["wait_ehcna_plan"]
    assert "to the first appointment, not to the result" in waits["wait_autism_first"]
    for key in ("wait_adhd_rtt", "wait_camhs_rtt", "wait_paediatrics_rtt"):
        assert "from the referral to when treatment started" in waits[key], key
        assert "result" not in waits[key] and "first appointment" not in waits[key]
    ehc = definition.question("wait_ehcna_plan")
    assert ehc is not None and not ehc.required  # a family told no has no final plan to count to


def test_t3_states_the_interval_each_limit_measures_and_each_question_asked() -> None:
    rows = _rows(waits_table(PUBLISHER, _gathered()))
    assert rows["EHC needs assessment"]["limit"] == (
        "20 weeks from the request for an EHC needs assessment to the final EHC plan (SEND Regulations "
        "2014, regulation 13; SEND Code of Practice 9.40)"
    )
    assert str(rows["Autism assessment"]["limit"]).startswith(
        "13 weeks from referral to the first appointment of the autism assessment (NICE"
    )
    for service in ("ADHD assessment", "CAMHS", "Community paediatrics"):
        assert str(rows[service]["limit"]).startswith("18 weeks from referral to the start of treatment")
        assert (
            rows[service]["asked"]
            == "From referral to the start of treatment, or to being told none was needed"
        )
    assert (
        rows["EHC needs assessment"]["asked"] == "From the request for the assessment to the final EHC plan"
    )
    assert rows["Speech and language therapy"]["limit"] == "No national limit"
    assert "Earlier question" not in " ".join(str(row["service"]) for row in rows.values())


def test_an_earlier_question_that_asked_another_interval_is_never_compared_with_the_limit() -> None:
    """Version 1 asked the autism wait 'from the referral to the result', and T3 compared it with NICE's
    13 weeks to the first appointment. Now it has its own row, labelled, with no comparison."""
    official = {"autism": OfficialFigure(40.0, "NHS England", "2025")}
    gathered = _gathered(autism=_done(30.0, 60), autism_first=_done(10.0, 30) + _done(20.0, 30))
    table = waits_table(PUBLISHER, gathered, official)
    rows = _rows(table)
    now, earlier = rows["Autism assessment"], rows["Autism assessment (earlier question)"]
    assert (now["completed"], now["over_percent"], now["official_percent"]) == (60, 50.0, 40.0)
    assert earlier["completed"] == 60
    assert earlier["asked"] == "From referral to the result (earlier question)"
    assert str(earlier["limit"]).startswith("Not compared: the limit (13 weeks from referral to the first")
    for key in ("completed_over", "over_percent", "over_low", "over_high", "waiting_over_percent"):
        assert earlier[key] == NOT_APPLICABLE, key
    assert earlier["official_percent"] == NOT_AVAILABLE
    assert earlier["median"] == 30.0  # its own figures are still reported
    # Earlier questions without answers in the period have no row.
    assert "EHC needs assessment (earlier question)" not in rows
    # C2 has no dot for it, and says nothing about a limit for it.
    labels = [bar.label for bar in waits_chart(table, "Demo").bars]
    assert "Autism assessment (earlier question)" not in labels and "Autism assessment" in labels
    # Page 1 shows it, labelled, with its limit "Not compared".
    page = _page_one(table)
    assert page["Autism assessment (earlier question)"]["limit"] == "Not compared"


def test_every_measure_belongs_to_a_service_and_only_current_questions_are_compared() -> None:
    assert {measure.service for measure in MEASURES.values()} == set(LIMITS)
    compared = [measure.service for measure in MEASURES.values() if measure.compared]
    assert sorted(compared) == sorted(LIMITS)  # one current question per service


def _seed_both_versions(app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        monkeypatch.setattr(demo, "load_packaged", earlier_definition)
        seed_demo(session, responses=150, seed=3, until=date(2025, 12, 31))
        monkeypatch.undo()
        seed_demo(session, responses=300, seed=4, until=UNTIL)


def test_seeding_makes_a_new_version_whose_waits_t3_compares_and_keeps_the_earlier_apart(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed_both_versions(app, db_session, monkeypatch)
    versions = db_session.scalars(select(SurveyVersion).order_by(SurveyVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].definition == load_packaged() and versions[0].definition == earlier_definition()
    assert add_demo_population(db_session, "demo")
    pack = build_pack(
        db_session, PackRequest("demo", "send-experience", date(2025, 1, 1), UNTIL), built_on=date(2026, 7, 1)
    )
    assert pack.meta.survey_versions == "1, 2"
    rows = _rows(pack.table("T3"))
    for label, limit, _ in LIMITS.values():
        current = rows[label]
        assert isinstance(current["reporting"], int) and current["reporting"] > 0, label
        if limit is not None:
            earlier = rows[f"{label} (earlier question)"]
            assert isinstance(earlier["reporting"], int) and earlier["reporting"] > 0, label
            assert earlier["over_percent"] == NOT_APPLICABLE and earlier["official_percent"] == NOT_AVAILABLE
    assert rows["EHC needs assessment"]["official_percent"] == 49.5  # the demo's made-up figure
    # The questionnaire in the annex has both wordings.
    asked = {str(row["question_id"]) for row in pack.annex[1].rows}
    assert {"wait_autism", "wait_autism_first"} <= asked


# --- 2. completed and still-waiting never pooled -----------------------------------------------------


def test_waits_over_52_weeks_are_counted_per_status_never_pooled() -> None:
    """'Over 52 weeks' added completed and still-waiting waits: 20 + 15 was printed as 35."""
    gathered = _gathered(
        autism_first=_done(60.0, 20) + _done(8.0, 30) + _waiting(60.0, 15) + _waiting(8.0, 30)
    )
    table = waits_table(PUBLISHER, gathered)
    row = _rows(table)["Autism assessment"]
    assert (row["completed_over_52"], row["waiting_over_52"]) == (20, 15)
    assert "over_52" not in row
    labels = [column.label for column in table.columns]
    assert "Waits over 52 weeks" not in labels
    assert {"Completed waits over 52 weeks", "Still waiting, over 52 weeks so far"} <= set(labels)
    page = summary_waits(table)
    assert all("52" not in column.label for column in page.table.columns)  # T3 has them, per status
    assert not any("Over 52" in column.label for column in page.table.columns)


# --- 3. medians only on 20 waits, no interval end at the smallest or largest answer --------------------


def test_no_median_under_twenty_waits_and_no_interval_from_the_smallest_to_the_largest() -> None:
    """With 8 waits T3 printed '24.0 (14.0 to 56.0)': the interval's ends were the shortest and the
    longest wait, two families' own answers."""
    eight = [14.0, 20.0, 22.0, 24.0, 24.0, 30.0, 40.0, 56.0]
    nineteen = [float(w) for w in range(10, 29)]
    gathered = _gathered(
        ehcna_plan=[Wait(w, False) for w in eight],
        autism_first=[Wait(w, False) for w in nineteen] + [Wait(w, True) for w in nineteen],
    )
    rows = _rows(waits_table(PUBLISHER, gathered))
    ehc, autism = rows["EHC needs assessment"], rows["Autism assessment"]
    assert (ehc["median"], ehc["median_low"], ehc["median_high"]) == (NOT_AVAILABLE,) * 3
    assert (autism["median"], autism["median_low"], autism["median_high"]) == (NOT_AVAILABLE,) * 3
    assert autism["median_so_far"] == NOT_AVAILABLE
    page = _page_one(waits_table(PUBLISHER, gathered))
    assert page["EHC needs assessment"]["median_ci"] == NOT_AVAILABLE
    assert "14.0" not in str(page["EHC needs assessment"]) and "56.0" not in str(page["EHC needs assessment"])


def test_a_median_interval_whose_end_would_be_the_shortest_wait_is_not_shown() -> None:
    spread = [float(w) for w in range(10, 30)]  # 20 waits, the 6th smallest is 15
    tied = [10.0] * 6 + spread[6:]  # the 6th smallest is now the shortest wait
    rows = _rows(
        waits_table(
            PUBLISHER,
            _gathered(ehcna_plan=[Wait(w, False) for w in spread], ot=[Wait(w, False) for w in tied]),
        )
    )
    ehc, ot = rows["EHC needs assessment"], rows["Occupational therapy"]
    assert (ehc["median"], ehc["median_low"], ehc["median_high"]) == (20, 15, 24)  # whole weeks
    assert ot["median"] == 20 and (ot["median_low"], ot["median_high"]) == (NOT_AVAILABLE, NOT_AVAILABLE)


def test_weeks_are_whole_weeks_and_no_end_is_the_shortest_wait_once_rounded() -> None:
    """Months became weeks to one decimal ('30.3 weeks' from '7 months'). In whole weeks, an end that
    rounds to the same week as the shortest answer would print it, so it is not shown either."""
    months = [m * 52 / 12 for m in range(6, 26)]  # 20 answers of 6 to 25 months
    rows = _rows(waits_table(PUBLISHER, _gathered(autism_first=[Wait(w, False) for w in months])))
    autism = rows["Autism assessment"]
    assert (autism["median"], autism["median_low"], autism["median_high"]) == (67, 48, 87)
    page = _page_one(waits_table(PUBLISHER, _gathered(autism_first=[Wait(w, False) for w in months])))
    assert page["Autism assessment"]["median_ci"] == "67 (48 to 87)"
    near = [26.0, 26.05, 26.1, 26.15, 26.2, 26.3] + [float(w) for w in range(30, 44)]  # 6th smallest 26.3
    assert (
        _rows(waits_table(PUBLISHER, _gathered(ot=[Wait(w, False) for w in near])))["Occupational therapy"][
            "median_low"
        ]
        == NOT_AVAILABLE
    )


def test_medians_over_a_handful_of_waits_stay_suppressed() -> None:
    rows = _rows(waits_table(PUBLISHER, _gathered(ehcna_plan=_done(30.0, 5))))
    assert rows["EHC needs assessment"]["median"] == SUPPRESSED
    assert rows["Autism assessment"]["median"] == NOT_APPLICABLE


# --- 4. [u] on 20 to 49 waits, in T3, on page 1 and in C2 ------------------------------------------------


def test_percentages_of_20_to_49_waits_are_marked_u_in_t3_page_one_and_c2() -> None:
    gathered = _gathered(
        ehcna_plan=_done(30.0, 20) + _done(10.0, 10) + _waiting(25.0, 25) + _waiting(5.0, 10),
        autism_first=_done(30.0, 40) + _done(5.0, 20) + _waiting(30.0, 60),
    )
    table = waits_table(PUBLISHER, gathered)
    rows = _rows(table)
    ehc, autism = rows["EHC needs assessment"], rows["Autism assessment"]
    assert (ehc["completed"], ehc["over_percent"], ehc["over_flag"]) == (30, 66.7, LOW_BASE)
    assert (ehc["still_waiting"], ehc["waiting_over_flag"]) == (35, LOW_BASE)
    assert isinstance(ehc["waiting_over_low"], float)  # the still-waiting % has its interval too
    assert (autism["completed"], autism["over_flag"], autism["waiting_over_flag"]) == (60, "", "")
    page = _page_one(table)
    assert str(page["EHC needs assessment"]["over_ci"]).endswith(LOW_BASE)
    assert str(page["EHC needs assessment"]["waiting_over"]).endswith(LOW_BASE)
    assert LOW_BASE not in str(page["Autism assessment"]["over_ci"])
    # Page 1 prints whole numbers: 66.7% of 30 (rounded counts) would claim a precision it lacks.
    assert str(page["EHC needs assessment"]["over_ci"]).startswith("67% (")
    assert re.fullmatch(r"\d+% \(\d+ to \d+\)", str(page["Autism assessment"]["over_ci"]))
    bars = {bar.label: bar for bar in waits_chart(table, "Demo").bars}
    assert (
        bars["EHC needs assessment"].flag == LOW_BASE and n_label(bars["EHC needs assessment"]) == "n=30 [u]"
    )
    assert bars["Autism assessment"].flag == "" and n_label(bars["Autism assessment"]) == "n=60"


# --- 5. secondary suppression within T3 ------------------------------------------------------------------


def _exact(waits: list[Wait], limit: int | None) -> dict[str, int]:
    exact = {"reporting": len(waits)}
    for status, prefix in ((False, "completed"), (True, "waiting")):
        weeks = [w.weeks for w in waits if w.still_waiting == status]
        over, long = sum(w > (limit or 52) for w in weeks), sum(w > 52 for w in weeks)
        exact |= {
            "still_waiting" if status else "completed": len(weeks),
            f"{prefix}_within": len(weeks) - over,
            f"{prefix}_over": over,
            f"{prefix}_limit_to_52": over - long,
            f"{prefix}_upto_52": len(weeks) - long,
            f"{prefix}_over_52": long,
        }
    return exact


def _check_protected(row: dict[str, Cell], waits: list[Wait], limit: int | None) -> None:
    """No count of 1 to 7 can be worked out by subtraction within the row: in each relation whose total
    is printed, a part of 1 to 7 is hidden ([c], or not printed) and so is the other part; and nothing
    is printed under a suppressed count."""
    exact = _exact(waits, limit)
    for total, parts in relations(limit is not None):
        printed = [row.get(part) for part in parts]
        if row[total] in (SUPPRESSED, 0):
            assert all(cell in (None, SUPPRESSED, 0) for cell in printed), (total, printed)
            continue
        hidden = [cell in (None, SUPPRESSED) for cell in printed]
        for part, is_hidden in zip(parts, hidden, strict=True):
            if 1 <= exact[part] <= disclosure.DEFAULT_THRESHOLD:
                assert is_hidden and all(hidden), (total, parts, printed, exact)
        for part, cell in zip(parts, printed, strict=True):
            if isinstance(cell, int):
                low, high = disclosure.count_range(cell)
                assert low <= exact[part] <= (high if high is not None else exact[part])


def test_t3s_sums_are_named_for_checkers_and_each_total_is_a_column() -> None:
    columns = {column.key for column in waits_table(PUBLISHER, _gathered()).columns}
    for has_limit in (True, False):
        for total, parts in relations(has_limit):
            assert total in columns and any(part in columns for part in parts)
            assert not all(part in columns for part in parts) or total == "reporting"


def test_a_handful_still_waiting_beside_published_totals_hides_the_completed_count_too() -> None:
    """3 families still waiting and 40 completed: T3 printed reporting 45, completed 40 and [c], so the
    [c] was 45 - 40 give or take the rounding. Now the completed count is hidden too."""
    rows = _rows(waits_table(PUBLISHER, _gathered(ehcna_plan=_done(30.0, 40) + _waiting(30.0, 3))))
    ehc = rows["EHC needs assessment"]
    assert (ehc["reporting"], ehc["completed"], ehc["still_waiting"]) == (45, SUPPRESSED, SUPPRESSED)
    # and nothing is shown under a suppressed count
    assert ehc["over_percent"] == ehc["completed_over"] == ehc["median"] == SUPPRESSED


def test_a_handful_within_the_limit_hides_the_count_over_it() -> None:
    """2 of 35 completed within the limit: 35 and 'over the limit 35' would tell that almost none were
    within it; the over-limit count (and its %) is suppressed so the 2 cannot be worked out."""
    rows = _rows(waits_table(PUBLISHER, _gathered(camhs_rtt=_done(40.0, 33) + _done(10.0, 2))))
    camhs = rows["CAMHS"]
    assert camhs["completed"] == 35
    assert camhs["completed_over"] == camhs["over_percent"] == camhs["completed_over_52"] == SUPPRESSED


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([2.0, 10.0, 15.0, 19.0, 30.0, 53.0, 80.0]), st.booleans()),
        min_size=0,
        max_size=70,
    ),
    st.sampled_from(["ehcna_plan", "salt"]),
)
def test_no_suppressed_count_in_t3_can_be_worked_out_by_subtraction(
    answers: list[tuple[float, bool]], key: str
) -> None:
    waits = [Wait(weeks, still) for weeks, still in answers]
    table = waits_table(PUBLISHER, _gathered(**{key: waits}))
    service = MEASURES[key].service
    row = _rows(table)[LIMITS[service][0]]
    _check_protected(row, waits, LIMITS[service][1])
    # Percentages only from published counts over published bases, never from a suppressed one.
    if row["completed_over"] == SUPPRESSED or row["completed"] == SUPPRESSED:
        assert row["over_percent"] in (SUPPRESSED, NOT_APPLICABLE)


def test_random_waits_give_a_t3_that_passes_the_same_checks() -> None:
    rng = random.Random(13)
    for _ in range(40):
        waits = [
            Wait(float(rng.choice([4, 12, 19, 21, 30, 52, 60, 90])), rng.random() < 0.4)
            for _ in range(rng.randrange(0, 120))
        ]
        row = _rows(waits_table(PUBLISHER, _gathered(paediatrics_rtt=waits)))["Community paediatrics"]
        _check_protected(row, waits, 18)


# --- 6. the official comparator on page 1 ---------------------------------------------------------------


def test_page_one_shows_the_official_figure_beside_the_families_figure() -> None:
    gathered = _gathered(ehcna_plan=_done(30.0, 40) + _done(10.0, 20), camhs_rtt=_done(40.0, 25))
    official = {"ehcna": OfficialFigure(50.8, "DfE SEN2 2025", "calendar year 2024")}
    page = summary_waits(waits_table(PUBLISHER, gathered, official))
    keys = [column.key for column in page.table.columns]
    assert keys.index("official_percent") == keys.index("over_ci") + 1
    rows = _rows(page.table)
    assert rows["EHC needs assessment"]["official_percent"] == 50.8
    assert rows["CAMHS"]["official_percent"] == NOT_AVAILABLE


def test_a_built_pack_shows_the_official_figure_on_page_one(app: Flask, db_session: Session) -> None:
    from forum_app.packs.render_html import render_html

    with app.app_context():
        seed_demo(db_session, responses=200, seed=7, until=UNTIL)
    assert add_demo_population(db_session, "demo")
    forum = db_session.scalars(select(Forum)).one()
    pack = build_pack(
        db_session,
        PackRequest(forum.slug, "send-experience", date(2025, 7, 1), UNTIL),
        built_on=date(2026, 7, 1),
    )
    html = render_html(pack)
    start = html.index('id="caption-summary-waits"')
    page_one_waits = html[start : html.index("</table>", start)]
    assert "Official % over" in page_one_waits and "49.5%" in page_one_waits
