"""Past responses brought in on the upload page: an export staged (without its metadata), its columns
mapped to questions, every row checked without writing (the dry run), then imported.

An upload is an ``ImportUpload``: a random id (the mapping page's address), the forum it belongs to,
and the export as ``surveys.imports.staged`` keeps it, with where it goes (a new survey's address and
title, or an existing survey's address). Importing it (``claim_upload`` then ``run_import``, in a thread
of its own for a large file) hands ``import_ready``'s export to ``journeys.import_responses``, so its
free text is held, redacted, flagged and moderated like a new report; the rows read so far are counted
on the upload for the progress page. Once imported its rows are dropped and only the figures stay.
Retention deletes every upload a day after it was made, whatever its status (``purge_uploads``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from forum_app.accounts.models import Forum
from forum_app.accounts.services import SLUG_PATTERN
from forum_app.builder.models import (
    UPLOAD_FAILED,
    UPLOAD_IMPORTED,
    UPLOAD_IMPORTING,
    UPLOAD_STAGED,
    ImportUpload,
)
from forum_app.builder.starters import RESERVED_SLUGS
from forum_app.db import today, utcnow
from forum_app.surveys.definitions import DefinitionError, Question, SurveyDefinition, parse_definition
from forum_app.surveys.imports.export import ImportedExport
from forum_app.surveys.imports.files import MAX_FILE_BYTES, ImportFileError
from forum_app.surveys.imports.mapping import (
    ColumnMapping,
    importable,
    keep_columns,
    listed_questions,
    mapped_export,
    mapped_rows,
    other_answers,
    suggested_target,
)
from forum_app.surveys.imports.questions import ImportedQuestion
from forum_app.surveys.imports.saving import ImportReport, import_key
from forum_app.surveys.imports.staged import stage_table, staged_export
from forum_app.surveys.models import Response, Survey
from forum_app.surveys.services import latest_version

log = logging.getLogger(__name__)

KEEP_DAYS = 1  # an upload not imported is deleted by retention once older than this
MAX_LISTED_ERRORS = 50
LOOKUP_BATCH = 500
TITLE_LENGTH = 200  # Survey.title
FILENAME_LENGTH = 200  # ImportUpload.filename
SKIP = "skip"  # "Do not import"
KEEP = "import"  # a column becomes a question of the new survey
FIELD_PREFIX = "column-"
STALE_AFTER = timedelta(minutes=30)  # an import silent this long was cut off (the app stopped)


class UploadProblem(ValueError):
    """A form value the upload page cannot take; the message is one sentence for the lead, and
    ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str = "export_file") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Destination:
    """Where an upload goes: a new survey (``new``, made with this slug and title) or an existing one."""

    slug: str
    title: str
    new: bool


def published_survey(session: Session, forum_id: int, slug: str) -> Survey | None:
    """The forum's survey at ``slug`` when it has a published version (only then can it take answers)."""
    survey = session.scalar(select(Survey).where(Survey.forum_id == forum_id, Survey.slug == slug))
    if survey is None or latest_version(session, survey.id) is None:
        return None
    return survey


def new_destination(session: Session, forum_id: int, slug: str, title: str) -> Destination:
    """A new survey's address and title, checked; raises ``UploadProblem``."""
    slug, title = slug.strip(), " ".join(title.split())
    if not title:
        raise UploadProblem("Enter a title for the new survey", "title")
    if len(title) > TITLE_LENGTH:
        raise UploadProblem(f"The title must be {TITLE_LENGTH} characters or fewer", "title")
    if not SLUG_PATTERN.match(slug):
        raise UploadProblem(
            "Enter an address of lower-case letters, digits and hyphens (-), such as past-survey-2024", "slug"
        )
    if slug in RESERVED_SLUGS:
        raise UploadProblem(f"The address “{slug}” is used by a page of this service: choose another", "slug")
    taken = session.scalar(select(Survey.id).where(Survey.forum_id == forum_id, Survey.slug == slug))
    if taken is not None:
        raise UploadProblem(
            f"The forum already has a survey at the address “{slug}”: choose another address, or import "
            "into that survey from its own import page",
            "slug",
        )
    return Destination(slug, title, True)


def stage_upload(
    session: Session, forum_id: int, data: bytes, filename: str, destination: Destination
) -> ImportUpload:
    """Read an uploaded export and keep it, without its metadata, for the mapping page. Raises
    ``UploadProblem`` for a file that cannot be imported (nothing is written then). Commits."""
    if len(data) > MAX_FILE_BYTES:
        raise UploadProblem(
            f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB. Choose a smaller file"
        )
    try:
        table = stage_table(data, filename)
    except ImportFileError as problem:
        raise UploadProblem(str(problem).rstrip(".")) from problem
    table["destination"] = {"slug": destination.slug, "title": destination.title, "new": destination.new}
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:FILENAME_LENGTH] or "export"
    upload = ImportUpload(
        id=secrets.token_hex(16), forum_id=forum_id, filename=name, table=table, created_on=today()
    )
    session.add(upload)
    session.commit()
    return upload


def find_upload(session: Session, forum_id: int, upload_id: str) -> ImportUpload | None:
    """The forum's upload with this id, whatever its status; None for another forum's or a purged one."""
    found = session.get(ImportUpload, upload_id)
    return found if found is not None and found.forum_id == forum_id else None


@dataclass(frozen=True)
class Staged:
    """An upload read back: where it goes, the export, and for an existing survey its latest version
    (the stored document and its parsed definition)."""

    upload_id: str
    filename: str
    table: dict[str, Any]
    destination: Destination
    export: ImportedExport
    survey: tuple[dict[str, Any], SurveyDefinition] | None

    @property
    def columns(self) -> list[ImportedQuestion]:
        return listed_questions(self.export)

    @property
    def targets(self) -> list[Question]:
        return importable(self.survey[1]) if self.survey else []


def read_upload(session: Session, upload: ImportUpload) -> Staged | None:
    """The upload as the mapping page needs it; None when its existing survey is gone. Raises
    ``UploadProblem`` when the upload cannot be read any more."""
    given = upload.table["destination"]
    destination = Destination(str(given["slug"]), str(given["title"]), bool(given["new"]))
    survey: tuple[dict[str, Any], SurveyDefinition] | None = None
    if not destination.new:
        found = published_survey(session, upload.forum_id, destination.slug)
        version = latest_version(session, found.id) if found is not None else None
        if version is None:
            return None
        try:
            survey = (version.definition, parse_definition(version.definition))
        except DefinitionError:
            return None
    try:
        export = staged_export(upload.table, destination.slug, destination.title)
    except ImportFileError as problem:
        raise UploadProblem(str(problem).rstrip(".")) from problem
    return Staged(upload.id, upload.filename, upload.table, destination, export, survey)


def suggested_choices(staged: Staged) -> dict[str, str]:
    """What the mapping form shows before the lead changes anything: every column imported into a new
    survey; into an existing survey, the question with the same title (else "Do not import")."""
    if staged.destination.new:
        return {question.key: KEEP for question in staged.columns}
    return {question.key: suggested_target(question, staged.targets) or SKIP for question in staged.columns}


def form_choices(staged: Staged, form: Mapping[str, str]) -> dict[str, str]:
    """The lead's choice for each column, from the form: a missing or unknown value is "Do not import"."""
    allowed = {KEEP} if staged.destination.new else {target.key for target in staged.targets}
    chosen = {}
    for question in staged.columns:
        value = form.get(FIELD_PREFIX + question.key, SKIP)
        chosen[question.key] = value if value in allowed else SKIP
    return chosen


def mapping_of(staged: Staged, chosen: Mapping[str, str]) -> ColumnMapping:
    """The mapping the choices make. Raises ``UploadProblem`` when nothing is imported or when two
    columns answer the same question."""
    picked = {key: value for key, value in chosen.items() if value != SKIP}
    if not picked:
        raise UploadProblem("Choose at least one column to import", "mapping")
    if staged.destination.new:
        return keep_columns(staged.export, set(picked))
    by_key = {target.key: target for target in staged.targets}
    seen: set[str] = set()
    for value in picked.values():
        if value in seen:
            raise UploadProblem(
                f"Two columns go to the question “{by_key[value].title}”: choose “Do not import” for one",
                "mapping",
            )
        seen.add(value)
    targets = {key: by_key[value] for key, value in picked.items()}
    definition = staged.survey[1] if staged.survey else None
    others = {
        key: found
        for key, target in targets.items()
        if definition is not None and (found := other_answers(target, definition)) is not None
    }
    return ColumnMapping(into_existing=True, targets=targets, others=others)


@dataclass
class DryRun:
    """What an import would do, counted without writing: rows read, responses it would add, rows
    imported before, rows with errors, and the first errors (the rest counted)."""

    rows: int = 0
    would_import: int = 0
    duplicates: int = 0
    rows_with_errors: int = 0
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0
    questions: int = 0

    @property
    def ok(self) -> bool:
        return self.rows_with_errors == 0


def _known_keys(session: Session, keys: list[str]) -> set[str]:
    found = select(Response.idempotency_key).where(Response.idempotency_key.in_(keys))
    return set(session.scalars(found))


def dry_run(session: Session, forum_id: int, staged: Staged, mapping: ColumnMapping) -> DryRun:
    """Check every row against ``mapping`` and count what an import would add, without writing: a row
    already imported into this survey (the same key as ``flask surveys import`` gives it) is a
    duplicate. Reads the rows once, looking keys up ``LOOKUP_BATCH`` at a time."""
    report = DryRun(questions=mapping.size)
    pending: list[str] = []

    def count_known() -> None:
        known = _known_keys(session, pending)
        report.duplicates += sum(key in known for key in pending)
        report.would_import += sum(key not in known for key in pending)
        pending.clear()

    for mapped in mapped_rows(staged.table, staged.export, mapping):
        report.rows += 1
        if mapped.errors:
            report.rows_with_errors += 1
            room = MAX_LISTED_ERRORS - len(report.errors)
            report.errors += list(mapped.errors[:room])
            report.more_errors += max(0, len(mapped.errors) - room)
        elif mapped.row is not None:
            pending.append(import_key(forum_id, staged.destination.slug, mapped.row.fingerprint))
            if len(pending) >= LOOKUP_BATCH:
                count_known()
    count_known()
    return report


def import_ready(session: Session, forum_id: int, staged: Staged, mapping: ColumnMapping) -> ImportedExport:
    """The export to hand to ``journeys.import_responses``. Raises ``UploadProblem`` when a new survey's
    address was taken since the upload (nothing is written)."""
    if staged.destination.new:
        taken = session.scalar(
            select(Survey.id).where(Survey.forum_id == forum_id, Survey.slug == staged.destination.slug)
        )
        if taken is not None:
            raise UploadProblem(
                f"A survey at the address “{staged.destination.slug}” was made since this file was "
                "uploaded: upload the file again with another address",
                "mapping",
            )
    return mapped_export(staged.table, staged.export, mapping, staged.survey)


# --- importing -----------------------------------------------------------------------------------

# ``journeys.import_responses``, given by the view (the builder does not reach the moderation pipeline
# itself): stores the export's rows in the forum's survey, telling ``progress`` each batch's row count.
Importer = Callable[[Session, Forum, ImportedExport, Callable[[int], None]], ImportReport]


def _minute(now: datetime | None = None) -> datetime:
    return (now or utcnow()).replace(second=0, microsecond=0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def is_stopped(upload: ImportUpload, now: datetime | None = None) -> bool:
    """Whether the upload says "importing" but has not moved for ``STALE_AFTER`` (the app stopped)."""
    if upload.status != UPLOAD_IMPORTING:
        return False
    return upload.moved_at is None or _aware(now or utcnow()) - _aware(upload.moved_at) >= STALE_AFTER


def may_import(upload: ImportUpload, now: datetime | None = None) -> bool:
    """Whether the mapping page may (still, or again) import the upload: it is not imported and nothing
    is importing it."""
    return upload.status in (UPLOAD_STAGED, UPLOAD_FAILED) or is_stopped(upload, now)


def claim_upload(
    session: Session, upload_id: str, destination: Destination, total: int, now: datetime | None = None
) -> bool:
    """Mark the upload as being imported, ``total`` rows into ``destination``, unless it is imported or
    being imported: one conditional UPDATE, so of two clicks (or two tabs) only one wins. Returns whether
    this call did. Commits."""
    now = _aware(now or utcnow())
    free = or_(
        ImportUpload.status.in_((UPLOAD_STAGED, UPLOAD_FAILED)),
        and_(
            ImportUpload.status == UPLOAD_IMPORTING,
            or_(ImportUpload.moved_at.is_(None), ImportUpload.moved_at <= _minute(now) - STALE_AFTER),
        ),
    )
    claimed = session.execute(
        update(ImportUpload)
        .where(ImportUpload.id == upload_id, free)
        .values(
            status=UPLOAD_IMPORTING,
            total=total,
            done=0,
            report={"slug": destination.slug, "title": destination.title, "new": destination.new},
            moved_at=_minute(now),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def record_progress(sessions: sessionmaker[Session], upload_id: str, rows: int) -> None:
    """Count ``rows`` more rows read by the import, in a short transaction of its own (the import's own
    transactions are left alone)."""
    with sessions() as session:
        session.execute(
            update(ImportUpload)
            .where(ImportUpload.id == upload_id, ImportUpload.status == UPLOAD_IMPORTING)
            .values(done=ImportUpload.done + rows, moved_at=_minute())
            .execution_options(synchronize_session=False)
        )
        session.commit()


def run_import(
    session: Session,
    sessions: sessionmaker[Session],
    upload_id: str,
    forum_id: int,
    export: ImportedExport,
    importer: Importer,
) -> None:
    """Import a claimed upload's ``export`` with ``importer``, counting progress through ``sessions``.
    Imported: the figures are kept and the rows dropped at once. An error: the upload is marked failed
    (the rows stay, to try again; what was stored stays, and a second import adds only the rest) and only
    the error's kind is logged, never data. Never raises. Commits."""
    try:
        forum = session.get_one(Forum, forum_id)
        report = importer(session, forum, export, partial(record_progress, sessions, upload_id))
    except Exception as exc:  # the upload says what happened; the rows stay for another try
        session.rollback()
        log.error("Past responses could not be imported (%s).", type(exc).__name__)
        problem = str(exc).rstrip(".") if isinstance(exc, (UploadProblem, ImportFileError)) else ""
        _finish(session, upload_id, UPLOAD_FAILED, {"problem": problem})
        return
    _finish(session, upload_id, UPLOAD_IMPORTED, asdict(report))


def _finish(session: Session, upload_id: str, status: str, figures: dict[str, Any]) -> None:
    try:
        upload = session.get(ImportUpload, upload_id, populate_existing=True)
        if upload is None:  # purged meanwhile
            return
        upload.status, upload.moved_at = status, _minute()
        upload.report = {**(upload.report or {}), **figures}
        if status == UPLOAD_IMPORTED:
            upload.table = {}
            upload.done = int(figures["rows"])
        session.commit()
    except Exception as exc:  # the upload stays "importing" and is shown as stopped once stale
        session.rollback()
        log.error("The end of an import could not be recorded (%s).", type(exc).__name__)


@dataclass(frozen=True)
class ImportProgress:
    """An import as its progress page shows it: ``state`` is importing, imported, failed or stopped
    (cut off, as the app stopped); rows done of the total; the figures once imported."""

    state: str
    filename: str
    slug: str
    title: str
    new: bool
    done: int
    total: int
    figures: dict[str, Any]
    problem: str

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def import_progress(upload: ImportUpload, now: datetime | None = None) -> ImportProgress:
    """The progress page's data for an upload that is being, or was, imported."""
    report = upload.report or {}
    state = "stopped" if is_stopped(upload, now) else upload.status
    return ImportProgress(
        state=state,
        filename=upload.filename,
        slug=str(report.get("slug", "")),
        title=str(report.get("title", "")),
        new=bool(report.get("new")),
        done=min(upload.done, upload.total) if upload.total else upload.done,
        total=upload.total,
        figures=report if upload.status == UPLOAD_IMPORTED else {},
        problem=str(report.get("problem") or ""),
    )


def purge_uploads(session: Session, day: date, dry_run: bool = False) -> int:
    """Delete every upload made more than ``KEEP_DAYS`` before ``day`` (or, with ``dry_run``, count
    them). Returns how many. Commits."""
    old = ImportUpload.created_on < day - timedelta(days=KEEP_DAYS)
    count = session.scalar(select(func.count()).select_from(ImportUpload).where(old)) or 0
    if not dry_run and count:
        session.execute(delete(ImportUpload).where(old))
        session.commit()
    return count
