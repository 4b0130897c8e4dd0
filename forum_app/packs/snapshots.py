"""Saved evidence packs (snapshots) and the links that share them with inspectors.

A lead asks for a pack (a survey, a period, optional pre-set filters); ``start_snapshot`` checks the
request and records a ``building`` row with a citable id (``P-20260701-0001``); ``run_snapshot`` builds
it with ``build_pack``, renders every format with ``render_files`` (progress committed as it goes) and
stores each file with its size, SHA-256 and media type, and the pack itself as JSON. From then on the
snapshot never changes: what an inspector was sent stays what it was after more responses arrive, and
comparisons read the stored figures, never recompute them.

Building takes a few seconds (the PDF most), so the page runs it in a background thread with its own
database session, one build per forum at a time; a build still marked ``building`` after
``STALE_AFTER`` was cut off (the process stopped) and no longer blocks a new one.

A share link is ``secrets.token_urlsafe(32)`` (256 bits); only its SHA-256 is stored, so the link can
be shown once and never again. A link works until the end of its ``expires_on`` day, unless revoked;
an optional passcode (argon2id) is asked for first. Every successful open and download is counted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from forum_app.accounts.models import Forum, User
from forum_app.accounts.passwords import hash_password, verify_password
from forum_app.db import today as utc_today
from forum_app.db import utcnow
from forum_app.packs.data import FILTER_KEYS, PackRequest
from forum_app.packs.models import BUILDING, FAILED, READY, PackFile, PackSnapshot, ShareLink
from forum_app.packs.reply import reply_problem
from forum_app.surveys.models import Survey

log = logging.getLogger(__name__)

# A build still marked building after this long was cut off: it no longer blocks a new one.
STALE_AFTER = timedelta(minutes=30)
# Share links work for this many days (the last day included), 30 unless the lead says otherwise.
DEFAULT_LINK_DAYS, MIN_LINK_DAYS, MAX_LINK_DAYS = 30, 1, 90
MIN_PASSCODE, MAX_PASSCODE = 6, 200
MAX_LABEL = 120
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # what token_urlsafe(32) gives
PACK_ID_ATTEMPTS = 5
# Progress, in percent: gathering and building the figures, then each format in turn, then storing.
BUILT, RENDERED = 20, 95


# --- errors ------------------------------------------------------------------------------------


class SnapshotError(ValueError):
    """A pack cannot be made, shown or shared as asked; the message says why, for the person asking.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PackInProgress(SnapshotError):
    def __init__(self, snapshot_id: int) -> None:
        self.snapshot_id = snapshot_id
        super().__init__("A pack is being made for your forum now. Wait for it to finish, then try again.")


class LinkError(Exception):
    """A share link that cannot be opened. ``status`` is the HTTP status that says so."""

    status = 404
    title = "This link does not work"
    body = (
        "Check you copied the whole web address. If it still does not work, ask the forum that shared it "
        "to send you a new link."
    )


class LinkNotFound(LinkError):
    pass


class LinkExpired(LinkError):
    status = 410
    title = "This link has expired"
    body = "Links to evidence packs work for a limited time. Ask the forum that shared it for a new link."


class LinkRevoked(LinkError):
    status = 410
    title = "This link has been withdrawn"
    body = "The forum that shared this link has switched it off. Ask them for a new link if you need one."


class PasscodeNeeded(LinkError):
    status = 401
    title = "Enter the passcode"
    body = "This pack is protected by a passcode. The forum that shared it will have sent it separately."


class WrongPasscode(PasscodeNeeded):
    title = "That passcode is not right"
    body = "Check the passcode the forum sent you and try again."


# --- making a pack -----------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """SQLite gives back times without their zone; they are all UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def is_stale(snapshot: PackSnapshot, now: datetime | None = None) -> bool:
    """A build still marked building long after it started (the process stopped)."""
    return snapshot.status == BUILDING and (now or utcnow()) - _aware(snapshot.created_at) >= STALE_AFTER


def forum_surveys(session: Session, forum_id: int) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.forum_id == forum_id).order_by(Survey.title)))


@dataclass(frozen=True)
class FilterOption:
    key: str  # a FILTER_KEYS entry
    label: str  # the question, as asked
    choices: tuple[tuple[str, str], ...]  # (value, label) from the survey's definition


# Short names of the pre-set groups, for forms and lists (the survey's own question is the fallback).
FILTER_NAMES = {"age_band": "Age of child", "setting": "School or setting", "ehcp": "EHC plan"}


def filter_options(survey: Survey) -> list[FilterOption]:
    """The pre-set groups a pack of ``survey`` may be limited to, with the survey's own option labels
    (the latest version's wording; options only earlier versions had are kept)."""
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for version in survey.versions:
        for question in version.definition.get("questions", []):
            key = question.get("key")
            if key in FILTER_KEYS:
                titles[key] = str(question.get("title") or key)
                for option in question.get("options", []):
                    choices.setdefault(key, {})[str(option["value"])] = str(option["label"])
    return [
        FilterOption(key, FILTER_NAMES.get(key, titles[key]), tuple(choices.get(key, {}).items()))
        for key in FILTER_KEYS
        if key in titles
    ]


def _check_filters(survey: Survey, filters: dict[str, str]) -> dict[str, str]:
    options = {option.key: option for option in filter_options(survey)}
    checked: dict[str, str] = {}
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key not in FILTER_KEYS:
            raise SnapshotError(f"Packs can only be limited by {', '.join(FILTER_KEYS)}.", "filters")
        option = options.get(key)
        if option is None or value not in {v for v, _ in option.choices}:
            raise SnapshotError("Choose one of the answers shown, or 'Everyone'.", key)
        checked[key] = value
    return checked


def _next_pack_id(session: Session, on: date) -> str:
    """``P-YYYYMMDD-NNNN``: the day's next number. The column is unique across forums, so numbers run
    per day over all forums (a per-forum sequence would repeat ids)."""
    prefix = f"P-{on:%Y%m%d}-"
    taken = session.scalars(select(PackSnapshot.pack_id).where(PackSnapshot.pack_id.like(prefix + "%")))
    numbers = [int(pid[len(prefix) :]) for pid in taken if pid[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def running_snapshot(session: Session, forum_id: int, now: datetime | None = None) -> PackSnapshot | None:
    """The forum's pack being built, unless it was cut off."""
    building = session.scalars(
        select(PackSnapshot)
        .where(PackSnapshot.forum_id == forum_id, PackSnapshot.status == BUILDING)
        .order_by(PackSnapshot.id.desc())
    )
    return next((snapshot for snapshot in building if not is_stale(snapshot, now)), None)


def start_snapshot(
    session: Session,
    forum_id: int,
    survey_id: int,
    period_from: date | None,
    period_to: date | None,
    filters: dict[str, str],
    user_id: int | None,
    today: date | None = None,
    partnership_seen_on: date | None = None,
    partnership_response: str = "",
) -> PackSnapshot:
    """Check a request for a pack and record it as building (committed); ``run_snapshot`` builds it.

    Refuses a survey of another forum, a period that ends before it starts, filters other than the
    pre-set groups and their answers, a partnership response without the day it received the pack (or
    a day still to come), and a second build while one of the forum's is running."""
    today = today or utc_today()
    survey = session.get(Survey, survey_id)
    if survey is None or survey.forum_id != forum_id:
        raise SnapshotError("Choose one of your forum's surveys.", "survey")
    if period_from is not None and period_to is not None and period_from > period_to:
        raise SnapshotError("The period must start on or before the day it ends.", "period_to")
    checked = _check_filters(survey, filters)
    problem = reply_problem(partnership_seen_on, partnership_response, today)
    if problem is not None:
        raise SnapshotError(problem[1] + ".", problem[0])
    # One build per forum: the forum's row is locked until this transaction ends (PostgreSQL; SQLite
    # has one writer at a time anyway).
    session.execute(select(Forum.id).where(Forum.id == forum_id).with_for_update())
    running = running_snapshot(session, forum_id)
    if running is not None:
        session.rollback()
        raise PackInProgress(running.id)
    session.execute(
        update(PackSnapshot)
        .where(PackSnapshot.forum_id == forum_id, PackSnapshot.status == BUILDING)
        .values(status=FAILED, error="Stopped: the app stopped while the pack was being made.")
    )
    for _attempt in range(PACK_ID_ATTEMPTS):
        snapshot = PackSnapshot(
            pack_id=_next_pack_id(session, today),
            forum_id=forum_id,
            survey_id=survey.id,
            period_from=period_from,
            period_to=period_to,
            filters=checked,
            partnership_seen_on=partnership_seen_on,
            partnership_response=partnership_response.strip(),
            status=BUILDING,
            progress=0,
            created_by=user_id,
        )
        session.add(snapshot)
        try:
            session.commit()
        except IntegrityError:  # another forum took the number at the same moment
            session.rollback()
            continue
        return snapshot
    raise SnapshotError("A pack id could not be given out. Try again.")


def _set_progress(session: Session, snapshot: PackSnapshot, percent: int) -> None:
    snapshot.progress = max(0, min(100, percent))
    session.commit()


def run_snapshot(session: Session, snapshot_id: int, built_on: date | None = None) -> PackSnapshot:
    """Build the waiting snapshot, render every format and store the files (committed, with progress
    along the way). Never raises for a build failure: the row is marked failed with the exception's
    type only (never a figure or an answer)."""
    from forum_app.packs.build import build_pack
    from forum_app.packs.files import FORMATS, media_type, render_files

    found = session.get(PackSnapshot, snapshot_id)
    if found is None or found.status != BUILDING:
        raise SnapshotError("That pack is not waiting to be made.")
    snapshot: PackSnapshot = found
    try:
        forum = session.get(Forum, snapshot.forum_id)
        survey = session.get(Survey, snapshot.survey_id)
        assert forum is not None and survey is not None  # cascades delete a snapshot with them
        request = PackRequest(
            forum.slug,
            survey.slug,
            snapshot.period_from,
            snapshot.period_to,
            dict(snapshot.filters or {}),
            snapshot.partnership_seen_on,
            snapshot.partnership_response,
        )
        pack = build_pack(session, request, built_on=built_on or utc_today())
        # The snapshot's id is the one people cite: every file carries it.
        pack = replace(pack, meta=replace(pack.meta, pack_id=snapshot.pack_id))
        _set_progress(session, snapshot, BUILT)
        keys = list(FORMATS)
        done = iter(range(len(keys)))

        def progress(_key: str) -> None:
            _set_progress(session, snapshot, BUILT + (RENDERED - BUILT) * next(done) // len(keys))

        files = render_files(pack, keys, progress)
        _set_progress(session, snapshot, RENDERED)
        content = json.loads(json.dumps(pack.to_dict()))
    except Exception as exc:
        session.rollback()
        log.error("Making evidence pack %s failed (%s).", snapshot_id, type(exc).__name__)
        snapshot = session.get(PackSnapshot, snapshot_id) or snapshot
        snapshot.status = FAILED
        snapshot.error = f"The pack could not be made ({type(exc).__name__})."
        session.commit()
        return snapshot
    for name, data in files.items():
        session.add(
            PackFile(
                pack_id=snapshot.id,
                name=name,
                media_type=media_type(name),
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                data=data,
            )
        )
    snapshot.content = content
    snapshot.codebook_version = pack.meta.codebook_version
    snapshot.period_from = date.fromisoformat(pack.meta.period_from)
    snapshot.period_to = date.fromisoformat(pack.meta.period_to)
    snapshot.status = READY
    snapshot.progress = 100
    session.commit()
    return snapshot


def run_in_background(sessions: sessionmaker[Session], snapshot_id: int) -> threading.Thread:
    """Build the waiting snapshot in a thread of its own, with a database session of its own."""

    def work() -> None:
        with sessions() as session:
            try:
                run_snapshot(session, snapshot_id)
            except Exception as exc:  # nothing to tell: the row says building; it goes stale
                log.error("Evidence pack %s could not be made (%s).", snapshot_id, type(exc).__name__)

    thread = threading.Thread(target=work, name=f"evidence-pack-{snapshot_id}", daemon=True)
    thread.start()
    return thread


# --- reading snapshots -------------------------------------------------------------------------

STATUS_TEXT = {BUILDING: "Being made", READY: "Ready", FAILED: "Failed"}


def get_snapshot(session: Session, forum_id: int, snapshot_id: int) -> PackSnapshot | None:
    """The forum's snapshot, or None (another forum's snapshots do not exist here)."""
    snapshot = session.get(PackSnapshot, snapshot_id)
    return snapshot if snapshot is not None and snapshot.forum_id == forum_id else None


def get_file(session: Session, forum_id: int, snapshot_id: int, name: str) -> PackFile | None:
    """One stored file of the forum's ready snapshot, or None."""
    snapshot = get_snapshot(session, forum_id, snapshot_id)
    if snapshot is None or snapshot.status != READY:
        return None
    return session.scalar(select(PackFile).where(PackFile.pack_id == snapshot.id, PackFile.name == name))


def file_names() -> frozenset[str]:
    """The names a snapshot's files can have: every format's, and the manifest."""
    from forum_app.packs.files import FORMATS, MANIFEST

    return frozenset({*(f.name for f in FORMATS.values()), MANIFEST})


def file_of(session: Session, snapshot: PackSnapshot, name: str) -> PackFile | None:
    return session.scalar(select(PackFile).where(PackFile.pack_id == snapshot.id, PackFile.name == name))


def _filters_text(filters: dict[str, str], options: list[FilterOption]) -> str:
    if not filters:
        return "Everyone"
    by_key = {option.key: option for option in options}
    parts = []
    for key, value in filters.items():
        option = by_key.get(key)
        label = dict(option.choices).get(value, value) if option else value
        parts.append(f"{option.label if option else key}: {label}")
    return "; ".join(parts)


def _period_text(start: date | None, end: date | None) -> str:
    from forum_app.templating import format_date

    if start is None and end is None:
        return "All responses"
    first = format_date(start) if start else "the first response"
    return f"{first} to {format_date(end) if end else 'the latest'}"


@dataclass(frozen=True)
class FileRow:
    name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SnapshotRow:
    id: int
    pack_id: str
    survey: str
    survey_id: int
    period: str
    filters: str
    status: str
    status_text: str  # never only a colour
    progress: int
    error: str
    created_by: str
    created_at: datetime
    responses: str  # published, as the pack says it ("[c]" possible); "" until ready

    @property
    def ready(self) -> bool:
        return self.status == READY

    @property
    def building(self) -> bool:
        return self.status == BUILDING


def _row(snapshot: PackSnapshot, survey: Survey, email: str | None, now: datetime) -> SnapshotRow:
    stale = is_stale(snapshot, now)
    meta = (snapshot.content or {}).get("meta", {})
    responses = meta.get("responses")
    return SnapshotRow(
        id=snapshot.id,
        pack_id=snapshot.pack_id,
        survey=survey.title,
        survey_id=survey.id,
        period=_period_text(snapshot.period_from, snapshot.period_to),
        filters=_filters_text(snapshot.filters or {}, filter_options(survey)),
        status=FAILED if stale else snapshot.status,
        status_text="Stopped" if stale else STATUS_TEXT.get(snapshot.status, snapshot.status),
        progress=snapshot.progress,
        error="The app stopped while the pack was being made." if stale else snapshot.error,
        created_by=email or "a deleted account",
        created_at=snapshot.created_at,
        responses=f"{responses:,}" if isinstance(responses, int) else str(responses or ""),
    )


def list_snapshots(session: Session, forum_id: int, now: datetime | None = None) -> list[SnapshotRow]:
    """The forum's packs, newest first (files not loaded)."""
    now = now or utcnow()
    rows = session.execute(
        select(PackSnapshot, Survey, User.email)
        .join(Survey, Survey.id == PackSnapshot.survey_id)
        .outerjoin(User, User.id == PackSnapshot.created_by)
        .where(PackSnapshot.forum_id == forum_id)
        .order_by(PackSnapshot.created_at.desc(), PackSnapshot.id.desc())
    )
    return [_row(snapshot, survey, email, now) for snapshot, survey, email in rows]


def snapshot_row(session: Session, snapshot: PackSnapshot, now: datetime | None = None) -> SnapshotRow:
    survey = session.get(Survey, snapshot.survey_id)
    user = session.get(User, snapshot.created_by) if snapshot.created_by else None
    assert survey is not None
    return _row(snapshot, survey, user.email if user else None, now or utcnow())


def files_of(session: Session, snapshot: PackSnapshot) -> list[FileRow]:
    """The snapshot's files, without their bytes."""
    rows = session.execute(
        select(PackFile.name, PackFile.media_type, PackFile.size, PackFile.sha256)
        .where(PackFile.pack_id == snapshot.id)
        .order_by(PackFile.name)
    )
    return [FileRow(*row) for row in rows]


def delete_snapshot(session: Session, forum_id: int, snapshot_id: int) -> None:
    """Delete the forum's snapshot with its files and share links (committed). Refused while it is
    being made (the build would write into a deleted row)."""
    snapshot = get_snapshot(session, forum_id, snapshot_id)
    if snapshot is None:
        raise SnapshotError("That pack does not exist.")
    if snapshot.status == BUILDING and not is_stale(snapshot):
        raise SnapshotError("That pack is being made. Wait for it to finish before deleting it.")
    session.delete(snapshot)
    session.commit()


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
        families=_filters_text(dict(meta.get("filters") or {}), options),
        built_on=_date_text(meta.get("built_on")),
        who=str(summary.get("who", "")),
        findings=findings,
    )


# --- comparing two snapshots -------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    theme_id: str
    label: str
    then: str  # "60.0% (53.1 to 66.5)", or a symbol
    now: str
    change: str  # "up 5.0 points", "down 2.5 points", "no change", or why there is no figure


@dataclass(frozen=True)
class HeadlineRow:
    label: str
    then: str
    now: str


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
    headline = [
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
    then_rows = {str(r.get("theme_id")): r for r in _t2_rows(then)}
    now_rows = {str(r.get("theme_id")): r for r in _t2_rows(now)}
    order = [*now_rows, *(key for key in then_rows if key not in now_rows)]
    rows = [
        CompareRow(
            theme_id=key,
            label=str((now_rows.get(key) or then_rows[key]).get("theme_label", key)),
            then=_percent_text(then_rows.get(key)),
            now=_percent_text(now_rows.get(key)),
            change=_change_text(then_rows.get(key), now_rows.get(key)),
        )
        for key in order
    ]
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
    return Comparison(then.pack_id, now.pack_id, headline, rows, cautions)


# --- share links -------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """SHA-256 of the link's token; the token itself is never stored."""
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def create_link(
    session: Session,
    snapshot: PackSnapshot,
    user_id: int | None,
    days: int = DEFAULT_LINK_DAYS,
    passcode: str | None = None,
    label: str = "",
    today: date | None = None,
) -> str:
    """Share a ready snapshot (committed); returns the link's token, which is never shown again.

    The link works for ``days`` (1 to 90) days after today, the last day included."""
    today = today or utc_today()
    if snapshot.status != READY:
        raise SnapshotError("Only a ready pack can be shared.")
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_LINK_DAYS <= days <= MAX_LINK_DAYS:
        raise SnapshotError(f"Enter a number of days from {MIN_LINK_DAYS} to {MAX_LINK_DAYS}.", "days")
    label = " ".join((label or "").split())
    if len(label) > MAX_LABEL:
        raise SnapshotError(f"Use {MAX_LABEL} characters or fewer for the label.", "label")
    if passcode:
        if len(passcode) < MIN_PASSCODE:
            raise SnapshotError(f"Use at least {MIN_PASSCODE} characters for the passcode.", "passcode")
        if len(passcode) > MAX_PASSCODE:
            raise SnapshotError(f"Use {MAX_PASSCODE} characters or fewer for the passcode.", "passcode")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        ShareLink(
            pack_id=snapshot.id,
            token_hash=hash_token(token),
            label=label,
            passcode_hash=hash_password(passcode) if passcode else None,
            expires_on=today + timedelta(days=days),
            created_by=user_id,
            created_on=today,
        )
    )
    session.commit()
    return token


def revoke_link(
    session: Session, forum_id: int, link_id: int, today: date | None = None, snapshot_id: int | None = None
) -> ShareLink:
    """Switch the forum's link off from today (committed); revoking again changes nothing. With
    ``snapshot_id``, only a link to that snapshot."""
    link = session.get(ShareLink, link_id)
    snapshot = session.get(PackSnapshot, link.pack_id) if link is not None else None
    if link is None or snapshot is None or snapshot.forum_id != forum_id:
        raise SnapshotError("That link does not exist.")
    if snapshot_id is not None and snapshot.id != snapshot_id:
        raise SnapshotError("That link does not exist.")
    if link.revoked_on is None:
        link.revoked_on = today or utc_today()
        session.commit()
    return link


def find_link(session: Session, token: str, today: date | None = None) -> ShareLink:
    """The working link of ``token``: raises ``LinkNotFound``, ``LinkExpired`` or ``LinkRevoked``."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise LinkNotFound()
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    snapshot = session.get(PackSnapshot, link.pack_id) if link is not None else None
    if link is None or snapshot is None or snapshot.status != READY:
        raise LinkNotFound()
    if link.revoked_on is not None:
        raise LinkRevoked()
    if (today or utc_today()) > link.expires_on:
        raise LinkExpired()
    return link


def open_link(
    session: Session,
    token: str,
    passcode: str | None = None,
    *,
    unlocked: bool = False,
    count: bool = True,
    today: date | None = None,
) -> PackSnapshot:
    """The snapshot a link shares, counting the open (committed) unless ``count`` is False.

    A link with a passcode needs it (``PasscodeNeeded``, ``WrongPasscode``) unless ``unlocked``: the
    visitor gave it earlier."""
    link = find_link(session, token, today)
    if link.passcode_hash is not None and not unlocked:
        if not passcode:
            raise PasscodeNeeded()
        if not verify_password(link.passcode_hash, passcode):
            raise WrongPasscode()
    snapshot = session.get(PackSnapshot, link.pack_id)
    assert snapshot is not None
    if count:
        session.execute(
            update(ShareLink).where(ShareLink.id == link.id).values(access_count=ShareLink.access_count + 1)
        )
        session.commit()
    return snapshot


@dataclass(frozen=True)
class LinkRow:
    id: int
    label: str
    passcode: bool
    created_on: date
    expires_on: date
    revoked_on: date | None
    access_count: int
    state: str  # "Working", "Expired", "Revoked"

    @property
    def working(self) -> bool:
        return self.state == "Working"


def list_links(session: Session, snapshot: PackSnapshot, today: date | None = None) -> list[LinkRow]:
    """The snapshot's share links, newest first."""
    today = today or utc_today()
    links = session.scalars(
        select(ShareLink).where(ShareLink.pack_id == snapshot.id).order_by(ShareLink.id.desc())
    )
    return [
        LinkRow(
            id=link.id,
            label=link.label,
            passcode=link.passcode_hash is not None,
            created_on=link.created_on,
            expires_on=link.expires_on,
            revoked_on=link.revoked_on,
            access_count=link.access_count,
            state="Revoked" if link.revoked_on else "Expired" if today > link.expires_on else "Working",
        )
        for link in links
    ]


def link_count(session: Session, snapshot: PackSnapshot) -> int:
    return session.scalar(select(func.count()).where(ShareLink.pack_id == snapshot.id)) or 0
