"""``flask themes ...``: the automatic coder from the command line.

The heavy imports (NumPy, scikit-learn, TextBlob) happen inside the commands, so building the app
stays quick for every other command.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("themes", help="The automatic theme coder: evaluate it, try it on a text, retrain it.")
def themes_cli() -> None:
    pass


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


@themes_cli.command("evaluate")
@click.argument("path", metavar="FILE.jsonl", type=click.Path(dir_okay=False, path_type=Path))
def evaluate_command(path: Path) -> None:
    """Code every text in FILE.jsonl with the shipped default coder and score it against the labels.

    Each line is {"text": ..., "themes": [...], "sentiment": ...}. The coder never trains on FILE.
    The last line printed is one JSON object: n, macro_f1, micro_f1, per_theme, sentiment_accuracy
    and texts_per_second (one core).
    """
    from forum_app.coder.measuring import evaluate_default

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        click.echo(f"{path}: some bytes are not UTF-8; they were replaced with \ufffd.", err=True)
    report = evaluate_default(text.splitlines())
    labelled = report.labelled
    for problem in labelled.problems:
        click.echo(f"{path}: {problem}", err=True)
    if labelled.unknown_themes:
        listed = "; ".join(
            f"{theme!r} ({_lines(lines)})" for theme, lines in sorted(labelled.unknown_themes.items())
        )
        click.echo(
            f"{path}: unknown theme ids, ignored: {listed}. "
            f"The known ids are: {', '.join(report.theme_ids)}.",
            err=True,
        )
    if not labelled.examples:
        raise click.ClickException(f'{path} has no usable lines (each needs a JSON object with a "text").')
    click.echo(
        f"Coded {_plural(len(labelled.examples), 'text')} from {path} with the shipped default coder "
        f"(macro-F1 {report.result['macro_f1']:.3f}, micro-F1 {report.result['micro_f1']:.3f})."
    )
    click.echo(json.dumps(report.result, sort_keys=False))


@themes_cli.command("code")
@click.argument("text")
@click.option("--all-scores", is_flag=True, help="Also print the confidence of every theme.")
def code_command(text: str, all_scores: bool) -> None:
    """Code one TEXT (or - to read it from standard input) and print the result as JSON."""
    from forum_app.coder.pipeline import code_text

    if text == "-":
        text = sys.stdin.read()
    data = code_text(text).to_dict()
    if not all_scores:
        data.pop("scores", None)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@themes_cli.command("train-default")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the shipped forum_app/coder/data/default_model.npz).",
)
def train_default_command(out: Path | None) -> None:
    """Retrain the default coder on the packaged labelled data and write its parameters."""
    from forum_app.coder.model_files import save_model
    from forum_app.coder.shipped_model import DEFAULT_MODEL_PATH, train_default_model

    target = out or DEFAULT_MODEL_PATH
    started = time.perf_counter()
    model = train_default_model()
    save_model(model, target)
    thresholds = ", ".join(f"{t} {v:.2f}" for t, v in zip(model.theme_ids, model.thresholds, strict=True))
    elapsed = time.perf_counter() - started
    click.echo(f"Trained on {_plural(int(model.meta['examples']), 'example')} in {elapsed:.1f} s.")
    click.echo(f"Thresholds: {thresholds}.")
    click.echo(f"Wrote {target} ({target.stat().st_size / 1e6:.1f} MB).")


# --- A forum's own coder: retraining on its confirmed codings, coding what is uncoded -------------


def _forum_id(slug: str) -> int:
    from forum_app.accounts.services import get_forum
    from forum_app.extensions import db

    forum = get_forum(db.session, slug)
    if forum is None:
        raise click.ClickException(f"There is no forum with the slug {slug!r}.")
    return forum.id


@themes_cli.command("retrain")
@click.option("--forum", "forum_slug", required=True, help="Slug of the forum whose codings to learn from.")
@with_appcontext
def retrain_command(forum_slug: str) -> None:
    """Retrain a forum's coder on the packaged examples plus the forum's confirmed codings.

    A fifth of the forum's codings are held out first to compare the new coder with the default;
    the new one is switched on only if it does no worse there. Needs at least RETRAIN_MIN_CODED
    (100) confirmed codings.
    """
    from flask import current_app

    from forum_app.coding.retraining import (
        FAILED,
        MIN_FORUM_EXAMPLES,
        RetrainError,
        model_number,
        retrain_forum,
    )
    from forum_app.extensions import db

    forum_id = _forum_id(forum_slug)
    minimum = int(current_app.config.get("RETRAIN_MIN_CODED", MIN_FORUM_EXAMPLES))
    try:
        job = retrain_forum(db.session, forum_id, None, minimum, current_app.config.get("RETRAIN_SETTINGS"))
    except RetrainError as exc:
        raise click.ClickException(str(exc)) from exc
    if job.status == FAILED:
        raise click.ClickException(job.message)
    metrics, name = job.metrics, f"forum model {model_number(db.session, job)}"
    new, default = metrics["new"], metrics["default"]
    counted = f" (each counted {metrics['repeat']} times)" if metrics["repeat"] > 1 else ""
    click.echo(
        f"Trained {name} on {_plural(metrics['forum_examples'], 'confirmed coding')} of {forum_slug}"
        f"{counted} and {metrics['packaged_examples']:,} packaged examples in {metrics['seconds']:.1f} s."
    )
    click.echo(
        f"Checked on all {metrics['held_out']} of the forum's codings, each held out of training in "
        f"turn ({metrics['check_folds']} rounds): macro-F1 {new['macro_f1']:.3f} new, "
        f"{default['macro_f1']:.3f} default; micro-F1 {new['micro_f1']:.3f} new, "
        f"{default['micro_f1']:.3f} default."
    )
    if job.active:
        click.echo(f"Switched on: new answers of {forum_slug} are now coded by {name}.")
    else:
        click.echo(f"Not switched on: {forum_slug} keeps its coder. {job.message}")


@themes_cli.command("code-new")
@click.option("--forum", "forum_slug", default=None, help="Slug of one forum (default: every forum).")
@with_appcontext
def code_new_command(forum_slug: str | None) -> None:
    """Code every submitted free-text answer that has no coding yet."""
    from forum_app.coding.automatic import code_new_answers
    from forum_app.extensions import db

    coded = code_new_answers(db.session, _forum_id(forum_slug) if forum_slug else None)
    where = f" of {forum_slug}" if forum_slug else ""
    click.echo(f"Coded {_plural(coded, 'answer')}{where} that had no coding yet.")


# --- Codebook: export and import a forum's codebook (JSON or CSV; see codebook_io) ----------------


@themes_cli.command("codebook-export")
@click.option("--forum", "forum_slug", required=True, help="Slug of the forum.")
@click.option("--format", "kind", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--version", "number", type=int, default=None, help="Default: the current one.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: print.")
@with_appcontext
def codebook_export_command(forum_slug: str, kind: str, number: int | None, out: Path | None) -> None:
    """Export a forum's codebook as JSON or as CSV for spreadsheets (UTF-8 with a byte order mark)."""
    from forum_app.codebook.editing import load_snapshot
    from forum_app.codebook.files import export_csv, export_json
    from forum_app.extensions import db

    snapshot = load_snapshot(db.session, _forum_id(forum_slug), number)
    if snapshot is None:
        raise click.ClickException(f"{forum_slug} has no codebook version {number}.")
    text = export_json(snapshot, forum_slug) if kind == "json" else export_csv(snapshot)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise click.ClickException(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    click.echo(f"Wrote version {snapshot.number} of the codebook of {forum_slug} to {out}.", err=True)


@themes_cli.command("codebook-import")
@click.option("--forum", "forum_slug", required=True, help="Slug of the forum.")
@click.option("--note", default="", help="Shown in the codebook's history (default: the file's name).")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def codebook_import_command(forum_slug: str, note: str, path: Path) -> None:
    """Import FILE (.json or .csv) as the forum's next codebook version: all of it, or nothing.

    Every problem is printed with its row (CSV) or theme (JSON) number, and the exit status is 1.
    """
    from forum_app.codebook.files import MAX_FILE_BYTES, import_codebook
    from forum_app.extensions import db

    forum_id = _forum_id(forum_slug)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    result = import_codebook(db.session, forum_id, None, data, path.name, note)
    if result.status == "invalid":
        for error in result.errors:
            click.echo(f"{path}: {error}", err=True)
        raise click.ClickException(f"Nothing was imported: {_plural(len(result.errors), 'problem')}.")
    if result.saved:
        click.echo(f"Imported {path} as version {result.version} of the codebook of {forum_slug}.")
    else:
        click.echo(f"{path} is the same as version {result.version} of {forum_slug}: no new version made.")
