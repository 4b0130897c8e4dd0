"""Building a pack from the database: published figures only, from coded answers, and quotes by the rules."""

from __future__ import annotations

import io
import itertools
import json
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.coding.models import ACCEPTED, Coding
from forum_app.demo import add_demo_population, seed_demo
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.packs.build import build_pack
from forum_app.packs.contents import NOT_APPLICABLE, SUPPRESSED, Pack
from forum_app.packs.data import PackRequest, PackRequestError
from forum_app.packs.disclosure import publish_count
from forum_app.packs.easy_read import THEME_WORDS
from forum_app.packs.render_html import finding_figure
from forum_app.packs.render_pdf import render_pdf
from forum_app.packs.tables import lower_first
from forum_app.pictograms import PICTOGRAMS
from forum_app.quotes.models import QuoteCandidate
from forum_app.surveys.models import IN_PROGRESS, SPAM, SUBMITTED, WITHDRAWN, Answer, Response
from tests.packs.factories import REQUEST, UNTIL, seed_coded


def _counts(pack: Pack) -> list[object]:
    return [
        row[column.key]
        for table in pack.tables
        for row in table.rows
        for column in table.columns
        if column.kind == "count" and row[column.key] != NOT_APPLICABLE  # [z]: e.g. over no limit
    ]


@pytest.fixture()
def seeded(app: Flask, db_session: Session) -> Pack:
    seed_coded(app, db_session)
    return build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))


def test_every_published_count_is_zero_suppressed_or_a_multiple_of_five(seeded: Pack) -> None:
    counts = _counts(seeded)
    assert counts and all(c == SUPPRESSED or (isinstance(c, int) and c % 5 == 0) for c in counts)
    assert not any(isinstance(c, int) and 1 <= c <= 7 for c in counts)
    assert seeded.meta.responses == 300  # 300 rounds to itself


def test_percentages_and_intervals_come_from_the_published_counts(seeded: Pack) -> None:
    t2 = seeded.table("T2")
    shown = [row for row in t2.rows if isinstance(row["percent"], float)]
    assert shown
    for row in shown:
        assert isinstance(row["respondents"], int) and isinstance(row["base"], int)
        assert row["percent"] == round(100 * row["respondents"] / row["base"], 1)
        assert row["low"] <= row["percent"] <= row["high"]  # type: ignore[operator]
    percents = [percent for row in shown if isinstance(percent := row["percent"], float)]
    assert percents == sorted(percents, reverse=True)


def test_themes_count_only_answers_a_person_has_coded(app: Flask, db_session: Session) -> None:
    with app.app_context():
        seed_demo(db_session, responses=60, seed=7, until=UNTIL)  # coded automatically, not yet by a person
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert all(row["respondents"] == 0 for row in pack.table("T2").rows)
    assert "approved answers not yet coded" in " ".join(p for s in pack.methodology for p in s.paragraphs)


def test_filters_narrow_the_families_counted(app: Flask, db_session: Session, seeded: Pack) -> None:
    narrowed = build_pack(
        db_session,
        PackRequest("demo", "send-experience", REQUEST.period_from, UNTIL, {"age_band": "11-15"}),
        built_on=date(2026, 7, 1),
    )
    # Counted here from the stored answers: the families who sent the survey in the period and gave
    # their child's age as 11 to 15.
    ages = db_session.execute(
        select(Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.status == SUBMITTED,
            Response.submitted_on.between(REQUEST.period_from, UNTIL),
            Answer.question_key == "age_band",
        )
    ).scalars()
    families = sum(age == "11-15" for age in ages)
    assert 0 < families < 300
    assert narrowed.meta.responses == publish_count(families)
    assert narrowed.meta.filters == {"age_band": "11-15"}


def test_the_same_request_gives_the_same_pack(db_session: Session, seeded: Pack) -> None:
    again = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert again.to_dict() == seeded.to_dict()


def test_quotes_need_a_candidate_consent_approval_and_ten_reports(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session)
    forum = db_session.scalars(select(Forum)).one()
    consenting = db_session.execute(
        select(Coding.answer_id, Coding.theme_id)
        .join(ModerationItem, ModerationItem.answer_id == Coding.answer_id)
        .where(
            Coding.status == ACCEPTED,
            ModerationItem.status == APPROVED,
            ModerationItem.quote_consent.is_(True),
        )
        .order_by(Coding.answer_id)
    ).all()
    assert consenting
    for answer_id, theme_id in consenting[:40]:
        db_session.add(
            QuoteCandidate(answer_id=answer_id, forum_id=forum.id, theme_id=theme_id, marked_on=UNTIL)
        )
    candidates = {answer_id for answer_id, _ in consenting[:40]}
    lead = db_session.scalars(select(User)).one()
    for item in db_session.scalars(select(ModerationItem).where(ModerationItem.answer_id.in_(candidates))):
        item.decided_by = lead.id  # demo answers count as approved with no approver recorded
    db_session.commit()
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert pack.quotes
    stored = dict(  # text -> answer id, for the candidates (demo answers repeat, so only these)
        (value, answer_id)
        for answer_id, value in db_session.execute(
            select(Answer.id, Answer.value).where(Answer.id.in_(candidates))
        )
    )
    reports = {row["theme_id"]: row["respondents"] for row in pack.table("T2").rows}
    per_theme: dict[str, int] = {}
    for quote in pack.quotes:
        per_theme[quote.theme_id] = per_theme.get(quote.theme_id, 0) + 1
        assert isinstance(reports[quote.theme_id], int) and reports[quote.theme_id] >= 10  # type: ignore[operator]
        assert quote.words <= 60 and quote.of_comments.startswith("1 of ")
        assert quote.text in stored  # a candidate's redacted, approved text as stored
    assert max(per_theme.values()) <= 3
    assert len({q.text for q in pack.quotes}) == len(pack.quotes)  # none repeated
    # T1 cites, for each framework area, the quotes of its themes.
    area_of = {str(row["area"]): str(row["quotes"]).split(", ") for row in pack.table("T1").rows}
    for quote in pack.quotes:
        areas = [area for area in area_of if area.split(":")[0] in quote.framework_area]
        assert areas and all(quote.id in area_of[area] for area in areas)
    # Take the consent away from one: it is no longer quoted.
    first = pack.quotes[0]
    item = db_session.get_one(ModerationItem, stored[first.text])
    item.quote_consent = False
    db_session.commit()
    later = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert first.text not in {q.text for q in later.quotes}


def test_an_unknown_forum_survey_or_filter_is_refused(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session, responses=10)
    for request, message in (
        (PackRequest("nowhere", "send-experience"), "no forum"),
        (PackRequest("demo", "nothing"), "no survey"),
        (PackRequest("demo", "send-experience", filters={"postcode": "x"}), "only be filtered"),
        (PackRequest("demo", "send-experience", date(2026, 6, 1), date(2026, 5, 1)), "must start"),
    ):
        with pytest.raises(PackRequestError, match=message):
            build_pack(db_session, request)


def test_the_command_writes_the_files_and_a_manifest(
    app: Flask, runner: FlaskCliRunner, db_session: Session, tmp_path: Path
) -> None:
    seed_coded(app, db_session, responses=120)
    result = runner.invoke(
        args=[
            "packs",
            "build",
            "--forum",
            "demo",
            "--survey",
            "send-experience",
            "--format",
            "json",
            "--out",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "pack.json"]
    pack = json.loads((tmp_path / "pack.json").read_text())
    assert pack["meta"]["responses"] == 120
    bad = runner.invoke(args=["packs", "build", "--forum", "demo", "--out", str(tmp_path), "--filter", "x"])
    assert bad.exit_code != 0 and "KEY=VALUE" in bad.output
    missing = runner.invoke(args=["packs", "build", "--forum", "nowhere", "--out", str(tmp_path)])
    assert missing.exit_code != 0 and "no forum" in missing.output


def test_a_forum_may_be_stricter_never_looser(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session, responses=200)
    forum = db_session.scalars(select(Forum)).one()
    forum.settings = {"suppression_threshold": 12, "rounding_base": 10}
    db_session.commit()
    counts = _counts(build_pack(db_session, REQUEST, built_on=date(2026, 7, 1)))
    assert all(c == SUPPRESSED or (isinstance(c, int) and c % 10 == 0 and (c == 0 or c > 12)) for c in counts)
    forum.settings = {"suppression_threshold": 3, "rounding_base": 1}  # asked looser: the defaults hold
    db_session.commit()
    counts = _counts(build_pack(db_session, REQUEST, built_on=date(2026, 7, 1)))
    assert not any(isinstance(c, int) and (1 <= c <= 7 or c % 5) for c in counts)
    forum.settings = {"rounding_base": "lots"}
    db_session.commit()
    with pytest.raises(PackRequestError, match="disclosure settings"):
        build_pack(db_session, REQUEST)


def test_groups_are_compared_with_the_rest_and_small_groups_merged(seeded: Pack) -> None:
    t5 = seeded.table("T5")
    assert t5.rows
    for row in t5.rows:
        assert isinstance(row["base"], int) and row["base"] >= 20
        if isinstance(row["difference"], float):
            clear = row["difference_low"] > 0 or row["difference_high"] < 0  # type: ignore[operator]
            assert clear == str(row["note"]).startswith("clearly")
    variables = {row["variable"] for row in t5.rows}
    assert variables <= {"Age", "School or setting", "EHC plan"} and len(variables) >= 2


def test_change_compares_with_the_period_just_before(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session)
    recent = build_pack(
        db_session, PackRequest("demo", "send-experience", date(2026, 1, 1), UNTIL), built_on=date(2026, 7, 1)
    )
    t6 = recent.table("T6")
    assert {row["previous_period"] for row in t6.rows} == {
        "1 July 2025 to 31 December 2025"
    }  # six whole months, like January to June (not 181 days, which would start on 4 July)
    assert all(isinstance(row["previous_base"], int) and row["previous_base"] > 0 for row in t6.rows)
    assert any(isinstance(row["change"], float) for row in t6.rows)
    first = build_pack(db_session, PackRequest("demo", "send-experience", date(2025, 7, 1), UNTIL))
    assert {row["note"] for row in first.table("T6").rows} == {"no earlier period"}
    # T1 gives each framework area's change too, from published counts, with its interval.
    changes = [row for row in recent.table("T1").rows if isinstance(row["change"], float)]
    assert changes and all(row["change_low"] <= row["change"] <= row["change_high"] for row in changes)  # type: ignore[operator]
    assert {row["change"] for row in first.table("T1").rows} == {"[x]"}


def _negative_shares(pack: Pack) -> dict[str, float]:
    """Each theme's share of families negative about it, from T2's published counts, to one decimal."""
    return {
        lower_first(str(row["theme_label"])): 100 * row["negative"] / row["base"]
        for row in pack.table("T2").rows
        if isinstance(row["negative"], int) and isinstance(row["base"], int) and row["base"] >= 20
    }


def test_headline_findings_say_how_many_were_negative_of_how_many(seeded: Pack) -> None:
    """Not '45% raised impact on families': the share negative about it, over T2's base, in whole
    numbers, for the five themes with the largest negative shares."""
    shares = _negative_shares(seeded)
    findings = seeded.summary.findings
    assert len(findings) == 5
    about = []
    for finding in findings:
        share, theme = finding.text.split("% of families were negative about ", 1)
        about.append(theme)
        assert "raised" not in finding.text
        assert float(share) == finding.percent == round(shares[theme])  # whole numbers
        row = next(r for r in seeded.table("T2").rows if lower_first(str(r["theme_label"])) == theme)
        assert (finding.count, finding.base) == (row["negative"], row["base"])
        assert isinstance(finding.low, float) and finding.low.is_integer()
        assert finding.low <= finding.percent <= finding.high  # type: ignore[operator]
        assert finding.theme_label and lower_first(finding.theme_label) == theme
    largest = sorted(shares.values(), reverse=True)[:5]
    assert sorted((shares[theme] for theme in about), reverse=True) == largest


def test_headline_findings_are_in_framework_order_the_largest_first_within_an_area(seeded: Pack) -> None:
    """Sorted by the theme's first framework area, then by size: the old order sorted the areas' text,
    so '(1) ...' alone came before '(1) ...; (3) ...' whatever their sizes."""
    findings = seeded.summary.findings
    order = [int(f.framework_area[1]) if f.framework_area.startswith("(") else 99 for f in findings]
    assert order == sorted(order)
    for (area, earlier), (next_area, later) in itertools.pairwise(zip(order, findings, strict=True)):
        if area == next_area:
            assert float(earlier.percent) >= float(later.percent)  # type: ignore[arg-type]
    assert [f.framework_area for f in findings][:2] == [
        "(1) Identification and assessment; (3) Right help at the right time",
        "(1) Identification and assessment",
    ]


def test_page_one_figures_have_a_base_and_questions_follow_the_findings(seeded: Pack) -> None:
    summary = seeded.summary
    base = seeded.table("T2").rows[0]["base"]
    assert summary.working and all(
        f" of {base:,} families wrote positively about " in w for w in summary.working
    )
    assert all(w.endswith("(T2)") for w in summary.working)
    tied = [q for q in summary.questions if q.startswith("Finding ")]
    assert len(tied) == 2 and summary.questions[-1].startswith(
        "Families' waits for EHC needs assessments (T3)"
    )
    largest = sorted(summary.findings, key=lambda f: -float(f.percent))  # type: ignore[arg-type]
    for question, finding in zip(tied, largest, strict=False):
        number = summary.findings.index(finding) + 1
        assert question.startswith(
            f"Finding {number} (T2): what do leaders know about why families are negative"
        )


def test_a_base_of_20_to_49_is_marked_u_on_page_one(app: Flask, db_session: Session) -> None:
    # A base under 50 with a theme whose negative count can be published (with some bases, such as 45,
    # every theme's negative count is suppressed, or hidden beside a small positive one).
    seed_coded(app, db_session, responses=46)
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    base = pack.table("T2").rows[0]["base"]
    assert isinstance(base, int) and 20 <= base < 50
    assert pack.summary.findings
    for finding in pack.summary.findings:
        assert finding.flag == "[u]" and "% [u] of families were negative about" in finding.text
        assert finding_figure(finding).startswith(f"{finding.count} of {base} families: ")
        assert "% [u] (95% CI " in finding_figure(finding)


def test_the_easy_read_page_says_the_headline_figures_in_tenths(seeded: Pack) -> None:
    lines = seeded.easy_read
    assert lines[0] == f"We are {seeded.meta.forum}."
    assert f"{seeded.meta.responses:,} families answered." in lines
    ids = {row["theme_label"]: str(row["theme_id"]) for row in seeded.table("T2").rows}
    for finding in seeded.summary.findings:
        theme = THEME_WORDS[ids[finding.theme_label]][0]
        tenths = round(float(finding.percent) / 10)  # type: ignore[arg-type]
        said = [line for line in lines if line.endswith(f"were not happy with {theme}.")]
        assert len(said) == 1
        assert (f"About {tenths} in 10" if 0 < tenths < 10 else "") in said[0]
    assert all(len(line.split()) <= 15 for line in lines)  # short sentences
    assert lines[-3] == "Not every family answered."
    assert len(seeded.easy_read_pictures) == len(lines) and set(seeded.easy_read_pictures) <= PICTOGRAMS


def test_a_kappa_from_few_double_coded_answers_is_flagged(
    app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_coded(app, db_session, responses=60)
    caution = "based on 18 double-coded answers (fewer than 50), so treat it with caution."
    monkeypatch.setattr(
        "forum_app.packs.build._kappas",
        lambda _session, _forum: ({}, "Agreement words. This agreement is " + caution, caution),
    )
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert pack.summary.who.endswith("coding agreement (kappa, T2) is " + caution)
    assert "Kappa is " + caution in pack.table("T2").notes
    monkeypatch.undo()
    plain = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert "caution" not in plain.summary.who and not any("caution" in n for n in plain.table("T2").notes)


def test_the_annex_has_the_codebook_and_every_question_word_for_word(seeded: Pack) -> None:
    codebook, questionnaire = seeded.annex
    assert codebook.id == "Codebook" and len(codebook.rows) == 16
    assert all(row["definition"] and row["framework_areas"] for row in codebook.rows)
    asked = {row["question_id"]: row for row in questionnaire.rows}
    assert asked["age_band"]["wording"] == "How old is your child?"
    assert asked["age_band"]["asked_of"] == "Everyone"
    assert "services_waited" in str(asked["wait_ehcna_plan"]["asked_of"])
    assert next(iter(asked)) == "age_band" and "quote_consent" in asked


def test_the_right_of_reply_is_stated_on_the_cover_and_in_the_methodology(
    app: Flask, db_session: Session
) -> None:
    seed_coded(app, db_session, responses=60)
    plain = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert plain.meta.independence == "Produced independently by Demo Parent Carer Forum."
    reply = {section.heading: section for section in plain.methodology}["Right of reply"]
    assert "does not record" in reply.paragraphs[0]

    answered = PackRequest(
        "demo",
        "send-experience",
        REQUEST.period_from,
        UNTIL,
        {},
        date(2026, 6, 20),
        "  Thank you.\n\nWe agree.  ",
    )
    pack = build_pack(db_session, answered, built_on=date(2026, 7, 1))
    assert pack.meta.independence.endswith("the local area partnership saw it on 20 June 2026.")
    assert (pack.meta.partnership_seen_on, pack.meta.partnership_response) == (
        "2026-06-20",
        "Thank you.\n\nWe agree.",
    )
    reply = {section.heading: section for section in pack.methodology}["Right of reply"]
    assert "20 June 2026" in reply.paragraphs[0] and "unedited" in reply.paragraphs[0]
    for seen, response, message in (
        (None, "We agree.", "Enter the day"),
        (date(2026, 7, 2), "", "cannot be in the future"),
        (date(2026, 6, 1), "x" * 20_001, "20,000 characters"),
    ):
        refused = PackRequest("demo", "send-experience", None, None, {}, seen, response)
        with pytest.raises(PackRequestError, match=message):
            build_pack(db_session, refused, built_on=date(2026, 7, 1))


def test_the_command_takes_the_partnership_response_from_a_file(
    app: Flask, runner: FlaskCliRunner, db_session: Session, tmp_path: Path
) -> None:
    seed_coded(app, db_session, responses=30)
    response = tmp_path / "response.txt"
    response.write_text("We note the findings on waits.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["packs", "build", "--forum", "demo", "--format", "json", "--out", str(out)]
    result = runner.invoke(
        args=[*args, "--partnership-seen", "2026-06-01", "--partnership-response", str(response)]
    )
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "pack.json").read_text())["meta"]
    assert meta["partnership_response"] == "We note the findings on waits."
    response.write_bytes(b"\xff\xfe not utf-8 \x81")
    broken = runner.invoke(
        args=[*args, "--partnership-seen", "2026-06-01", "--partnership-response", str(response)]
    )
    assert broken.exit_code != 0 and "not UTF-8 text" in broken.output
    response.write_text("We agree.", encoding="utf-8")
    alone = runner.invoke(args=[*args, "--partnership-response", str(response)])
    assert alone.exit_code != 0 and "Enter the day" in alone.output


def test_page_one_of_a_built_pack_fits_one_a4_sheet(db_session: Session, seeded: Pack) -> None:
    """Five findings with their change, seven services' waits, strengths, caveats, questions and the
    right of reply: still one page."""
    half_year = PackRequest(
        "demo", "send-experience", date(2026, 1, 1), UNTIL, {}, date(2026, 6, 20), "We note the findings."
    )
    compared = build_pack(db_session, half_year, built_on=date(2026, 7, 1))
    assert any(finding.change != "no earlier period" for finding in compared.summary.findings)
    for pack in (seeded, compared):
        reader = PdfReader(io.BytesIO(render_pdf(pack)))
        first = " ".join(reader.pages[0].extract_text().split())
        assert len(pack.summary.findings) == 5
        assert "Questions inspectors may wish to test with leaders" in first
        assert pack.summary.questions[-1].split(" (")[0] in first
        assert " ".join(reader.pages[1].extract_text().split()).startswith(pack.tables[0].title)


def test_t7_and_the_who_line_use_the_forums_local_figures(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session, responses=200)
    before = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert "of them with an EHC plan" not in before.summary.who
    compared = [row for row in before.table("T7").rows if row["category"] != "Other or not known"]
    assert {row["population_percent"] for row in compared} == {"[x]"}
    assert add_demo_population(db_session, "demo")
    after = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    t7 = after.table("T7")
    ehcp = next(row for row in t7.rows if row["category"] == "Has an EHC plan")
    assert ehcp["population_percent"] == 20.0
    assert f"{ehcp['respondents']:,} of them with an EHC plan" in after.summary.who
    assert "of the area's 3,200" in after.summary.who
    assert [t.id for t in after.tables][-1] == "T7"


def test_the_methodology_gives_the_reach_funnel_and_possible_duplicates(
    app: Flask, db_session: Session
) -> None:
    seed_coded(app, db_session, responses=60)
    responses = db_session.scalars(select(Response).order_by(Response.id)).all()
    for response, status in zip(responses, [IN_PROGRESS] * 9 + [WITHDRAWN] * 2 + [SPAM], strict=False):
        response.status = status
    items = db_session.scalars(
        select(ModerationItem).where(ModerationItem.response_id.in_([r.id for r in responses[20:31]]))
    ).all()
    for item in items:
        item.duplicate_of = "earlier"
    db_session.commit()
    # The whole year the responses were started in (an open period would end at the last one sent).
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    fieldwork = " ".join({s.heading: s for s in pack.methodology}["Questionnaire and fieldwork"].paragraphs)
    assert (
        "Of the 60 families who started the survey in the period, 50 sent their answers, 10 had not"
        in fieldwork
    )
    assert "[c] withdrew them (deleted) and [c] were moved to spam" in fieldwork
    assert "10 counted responses were marked as possibly repeating an earlier one" in fieldwork
    assert "Visits to the survey page are not counted" in fieldwork


def test_t3_and_c2_use_the_forums_official_waiting_time_figures(app: Flask, db_session: Session) -> None:
    from forum_app.packs.render_html import chart_note

    seed_coded(app, db_session, responses=200)
    before = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert {row["official_percent"] for row in before.table("T3").rows} == {"[x]"}
    assert all(bar.marker is None for chart in before.charts for bar in chart.bars)
    assert add_demo_population(db_session, "demo")
    after = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    t3 = after.table("T3")
    official = {str(row["service"]): (row["official_percent"], row["official_source"]) for row in t3.rows}
    assert official.pop("EHC needs assessment") == (49.5, "Demo figures, not real data, calendar year 2025")
    assert set(official.values()) == {("[x]", "[x]")}
    notes = " ".join(t3.notes)
    assert "No official comparator has been loaded" not in notes
    assert "EHC needs assessment: Demo figures, not real data, calendar year 2025" in notes
    assert "excluding exceptions" in notes
    c2 = next(chart for chart in after.charts if chart.id == "C2")
    assert {bar.label: bar.marker for bar in c2.bars if bar.marker is not None} == {
        "EHC needs assessment": 49.5
    }
    assert "The open diamond marks the official figure." in chart_note(c2)
    # Families' own figures are the same with or without the comparator.
    assert [row["over_percent"] for row in t3.rows] == [
        row["over_percent"] for row in before.table("T3").rows
    ]


def test_chart_titles_are_whole_messages_and_c2_has_t3s_intervals(seeded: Pack) -> None:
    charts = {chart.id: chart for chart in seeded.charts}
    top = next(row for row in seeded.table("T2").rows if isinstance(row["percent"], float))
    label = str(top["theme_label"])
    assert charts["C1"].title in (
        f"{label} is the theme families raise most",
        f"Most raised: {lower_first(label)}",
        "The themes families raise, most first",  # when the label is too long for a 10-word title
    )
    assert all(len(chart.title.split()) <= 10 for chart in seeded.charts)
    rows = {str(row["service"]): row for row in seeded.table("T3").rows}
    with_interval = [bar for bar in charts["C2"].bars if bar.percent is not None]
    assert with_interval
    for bar in with_interval:
        row = rows[bar.label]
        assert (bar.low, bar.percent, bar.high) == (row["over_low"], row["over_percent"], row["over_high"])


def test_c2_says_when_a_service_has_no_national_limit(seeded: Pack) -> None:
    c2 = next(chart for chart in seeded.charts if chart.id == "C2")
    labels = {bar.label: bar.count for bar in c2.bars}
    assert labels["Speech and language therapy"] == labels["Occupational therapy"] == "no national limit"
    assert isinstance(labels["EHC needs assessment"], int)


def test_t1_marks_u_on_its_share_of_them_columns_when_an_area_has_20_to_49_families(
    app: Flask, db_session: Session
) -> None:
    """'% of them negative' is over the families in the area: [u] when there are 20 to 49 of them, even
    when the table's base is 50 or more."""
    seed_coded(app, db_session, responses=120)
    t1 = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1)).table("T1")
    assert "them_flag" in {column.key for column in t1.columns}
    shown = [row for row in t1.rows if isinstance(row["negative_percent"], float)]  # not [c]
    small = [row for row in shown if isinstance(row["respondents"], int) and 20 <= row["respondents"] < 50]
    large = [row for row in shown if isinstance(row["respondents"], int) and row["respondents"] >= 50]
    assert small and large
    assert all(row["them_flag"] == "[u]" and row["flag"] == "" for row in small)
    assert all(row["them_flag"] == "" for row in large)
