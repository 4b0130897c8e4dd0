"""Saved evidence packs (snapshots): making them, storing their files, listing and deleting them.

A lead asks for a pack (a survey, a period, optional pre-set filters); ``start_snapshot`` checks the
request and records a ``building`` row with a citable id (``P-20260701-0001``); ``run_snapshot`` builds
it with ``build_pack``, renders every format with ``render_files`` (progress committed as it goes) and
stores each file with its size, SHA-256 and media type, and the pack itself as JSON. From then on the
snapshot never changes: what an inspector was sent stays what it was after more responses arrive, and
comparisons (``comparison``) read the stored figures, never recompute them. Share links are in
``sharing``.

Building takes a few seconds (the PDF most), so the page runs it in a background thread with its own
database session, one build per forum at a time; a build still marked ``building`` after
``STALE_AFTER`` was cut off (the process stopped) and no longer blocks a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from forum_app.accounts.models import Forum, User
from forum_app.db import today as utc_today
from forum_app.db import utcnow
from forum_app.forum_settings import DisclosureSettings, read_section
from forum_app.packs.data import (
    FILTER_KEYS,
    PackRequest,
    PackRequestError,
    check_sizes,
    minimum_families,
    whole_months_problem,
)
from forum_app.packs.models import BUILDING, FAILED, READY, PackFile, PackSnapshot
from forum_app.packs.reply import reply_problem
from forum_app.surveys.models import Survey

log = logging.getLogger(__name__)

# A build still marked building after this long was cut off: it no longer blocks a new one.
STALE_AFTER = timedelta(minutes=30)
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


def _check_sizes(
    session: Session,
    forum_id: int,
    survey: Survey,
    period_from: date | None,
    period_to: date | None,
    filters: dict[str, str],
) -> None:
    """Refuse, before anything is built, a pack of too few families or leaving out too few of them
    (``data.check_sizes``)."""
    forum = session.get(Forum, forum_id)
    assert forum is not None  # the survey belongs to it
    try:
        minimum = minimum_families(read_section(forum, DisclosureSettings).values)
    except ValueError as problem:
        raise SnapshotError(f"The forum's disclosure settings cannot be used: {problem}.") from problem
    try:
        check_sizes(
            session, survey.id, PackRequest(forum.slug, survey.slug, period_from, period_to, filters), minimum
        )
    except PackRequestError as refused:
        raise SnapshotError(str(refused), refused.field) from refused


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

    Refuses a survey of another forum, a period that ends before it starts or is not whole months,
    filters other than the pre-set groups and their answers, a partnership response without the day it
    received the pack (or a day still to come), a pack of too few families or leaving out too few
    (``data.check_sizes``), and a second build while one of the forum's is running."""
    today = today or utc_today()
    survey = session.get(Survey, survey_id)
    if survey is None or survey.forum_id != forum_id:
        raise SnapshotError("Choose one of your forum's surveys.", "survey")
    if period_from is not None and period_to is not None and period_from > period_to:
        raise SnapshotError("The period must start on or before the day it ends.", "period_to")
    checked = _check_filters(survey, filters)
    months = whole_months_problem(period_from, period_to)
    if months is not None:
        raise SnapshotError(months[1] + ".", months[0])
    problem = reply_problem(partnership_seen_on, partnership_response, today)
    if problem is not None:
        raise SnapshotError(problem[1] + ".", problem[0])
    _check_sizes(session, forum_id, survey, period_from, period_to, checked)
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
        # A refused request says why (its messages give no figure); anything else only its type.
        snapshot.error = (
            str(exc)[:300]
            if isinstance(exc, PackRequestError)
            else f"The pack could not be made ({type(exc).__name__})."
        )
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


def filters_text(filters: dict[str, str], options: list[FilterOption]) -> str:
    """The groups a pack is limited to, in words ("group: answer; ..."), or "Everyone"."""
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
class SnapshotRow:
    id: int
    public_id: str  # how addresses name it
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
        public_id=snapshot.public_id,
        pack_id=snapshot.pack_id,
        survey=survey.title,
        survey_id=survey.id,
        period=_period_text(snapshot.period_from, snapshot.period_to),
        filters=filters_text(snapshot.filters or {}, filter_options(survey)),
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


@dataclass(frozen=True)
class FileRow:
    name: str
    media_type: str
    size: int
    sha256: str


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
