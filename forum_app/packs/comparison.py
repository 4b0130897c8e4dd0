"""What a saved pack's stored figures say: two snapshots side by side, and the summary on the page a
share link opens. Everything is read from the snapshot's stored content, never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from forum_app.packs.models import PackSnapshot
from forum_app.packs.snapshots import SnapshotError, filter_options, filters_text
from forum_app.surveys.models import Survey

# --- comparing two snapshots -------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    then_id: str
    now_id: str
    headline: list[HeadlineRow]
    rows: list[CompareRow]
    cautions: list[str]


def _meta(snapshot: PackSnapshot) -> dict[str, Any]:
    return dict((snapshot.content or {}).get("meta", {}))


def _t2_rows(snapshot: PackSnapshot) -> list[dict[str, Any]]:
    tables = (snapshot.content or {}).get("tables", [])
    return next((list(t.get("rows", [])) for t in tables if t.get("id") == "T2"), [])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _percent_text(row: dict[str, Any] | None) -> str:
    if row is None:
        return "not in this pack"
    pct, low, high = row.get("percent"), row.get("low"), row.get("high")
    if not _is_number(pct):
        return str(pct if pct not in (None, "") else row.get("respondents", ""))
    text = f"{pct:.1f}%"
    if _is_number(low) and _is_number(high):
        text += f" ({low:.1f} to {high:.1f})"
    if row.get("flag"):
        text += f" {row['flag']}"
    return text


def _change_text(then: dict[str, Any] | None, now: dict[str, Any] | None) -> str:
    if then is None or now is None:
        return "not in both packs"
    a, b = then.get("percent"), now.get("percent")
    if not (isinstance(a, int | float) and isinstance(b, int | float)):
        return "no figure: too few families in one of the packs"
    diff = round(float(b) - float(a), 1)
    if diff == 0:
        return "no change"
    return f"{'up' if diff > 0 else 'down'} {abs(diff):.1f} points"


def _date_text(value: Any) -> str:
    from forum_app.templating import format_date

    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def _cell_text(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value or "")


@dataclass(frozen=True)
class CompareRow:
    theme_id: str
    label: str
    then: str  # "60.0% (53.1 to 66.5)", or a symbol
    now: str
    change: str  # "up 5.0 points", "down 2.5 points", "no change", or why there is no figure


def _theme_rows(then: PackSnapshot, now: PackSnapshot) -> list[CompareRow]:
    """One row per T2 theme of either pack, the later pack's themes first."""
    then_rows = {str(r.get("theme_id")): r for r in _t2_rows(then)}
    now_rows = {str(r.get("theme_id")): r for r in _t2_rows(now)}
    order = [*now_rows, *(key for key in then_rows if key not in now_rows)]
    return [
        CompareRow(
            theme_id=key,
            label=str((now_rows.get(key) or then_rows[key]).get("theme_label", key)),
            then=_percent_text(then_rows.get(key)),
            now=_percent_text(now_rows.get(key)),
            change=_change_text(then_rows.get(key), now_rows.get(key)),
        )
        for key in order
    ]


@dataclass(frozen=True)
class HeadlineRow:
    label: str
    then: str
    now: str


def _headline(then: PackSnapshot, now: PackSnapshot) -> list[HeadlineRow]:
    """The facts of each pack: what it is of, and how it was made."""
    mt, mn = _meta(then), _meta(now)
    return [
        HeadlineRow("Pack", then.pack_id, now.pack_id),
        HeadlineRow("Survey", str(mt.get("survey", "")), str(mn.get("survey", ""))),
        HeadlineRow(
            "Period",
            f"{_date_text(mt.get('period_from'))} to {_date_text(mt.get('period_to'))}",
            f"{_date_text(mn.get('period_from'))} to {_date_text(mn.get('period_to'))}",
        ),
        HeadlineRow("Responses", _cell_text(mt.get("responses")), _cell_text(mn.get("responses"))),
        HeadlineRow("Made on", _date_text(mt.get("built_on")), _date_text(mn.get("built_on"))),
        HeadlineRow(
            "Codebook version",
            _cell_text(mt.get("codebook_version")) or "default",
            _cell_text(mn.get("codebook_version")) or "default",
        ),
    ]


def compare(a: PackSnapshot, b: PackSnapshot) -> Comparison:
    """Two ready snapshots side by side, from their stored figures only (nothing recomputed): the
    earlier period is "then". One row per T2 theme with both published percentages and the
    difference between them, and the headline facts of each pack."""
    if a.content is None or b.content is None:
        raise SnapshotError("Both packs must be ready to compare them.")
    then, now = sorted(
        (a, b), key=lambda s: (_meta(s).get("period_to", ""), _meta(s).get("period_from", ""), s.id)
    )
    mt, mn = _meta(then), _meta(now)
    cautions = [
        "Changes are the difference between the two packs' published percentages. They are not tested "
        "for chance: see each pack's own T2 for the interval of its change since the period before.",
    ]
    if then.survey_id != now.survey_id:
        cautions.append("The packs are of different surveys.")
    if (mt.get("filters") or {}) != (mn.get("filters") or {}):
        cautions.append("The packs are limited to different groups of families.")
    if str(mn.get("period_from", "")) <= str(mt.get("period_to", "")):
        cautions.append("The periods overlap: some families are counted in both packs.")
    if mt.get("codebook_version") != mn.get("codebook_version"):
        cautions.append("The packs used different codebook versions; themes may have changed meaning.")
    return Comparison(then.pack_id, now.pack_id, _headline(then, now), _theme_rows(then, now), cautions)


# --- the share page's summary ------------------------------------------------------------------


@dataclass(frozen=True)
class SharedSummary:
    """What the share page says about a pack, from its stored content."""

    pack_id: str
    forum: str
    local_area: str
    survey: str
    independence: str
    period: str
    responses: str
    families: str
    built_on: str
    who: str
    findings: list[tuple[str, str]]  # (the finding, "no clear change; T2")


def shared_summary(session: Session, snapshot: PackSnapshot) -> SharedSummary:
    content = snapshot.content or {}
    meta, summary = dict(content.get("meta", {})), dict(content.get("summary", {}))
    survey = session.get(Survey, snapshot.survey_id)
    options = filter_options(survey) if survey is not None else []
    findings = [
        (
            str(finding.get("text", "")),
            "; ".join(str(part) for part in (finding.get("change"), finding.get("table_id")) if part),
        )
        for finding in summary.get("findings", [])
    ]
    return SharedSummary(
        pack_id=snapshot.pack_id,
        forum=str(meta.get("forum", "")),
        local_area=str(meta.get("local_area", "")),
        survey=str(meta.get("survey", "")),
        independence=str(meta.get("independence", "")),
        period=f"{_date_text(meta.get('period_from'))} to {_date_text(meta.get('period_to'))}",
        responses=_cell_text(meta.get("responses")),
        families=filters_text(dict(meta.get("filters") or {}), options),
        built_on=_date_text(meta.get("built_on")),
        who=str(summary.get("who", "")),
        findings=findings,
    )
