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
    from forum_app.themes.services import evaluate_default

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
    from forum_app.themes.coder import code_text

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
    help="Where to write the model (default: the shipped forum_app/themes/data/default_model.npz).",
)
def train_default_command(out: Path | None) -> None:
    """Retrain the default coder on the packaged labelled data and write its parameters."""
    from forum_app.themes.model import DEFAULT_MODEL_PATH, save_model, train_default_model

    target = out or DEFAULT_MODEL_PATH
    started = time.perf_counter()
    model = train_default_model()
    save_model(model, target)
    thresholds = ", ".join(f"{t} {v:.2f}" for t, v in zip(model.theme_ids, model.thresholds, strict=True))
    elapsed = time.perf_counter() - started
    click.echo(f"Trained on {_plural(int(model.meta['examples']), 'example')} in {elapsed:.1f} s.")
    click.echo(f"Thresholds: {thresholds}.")
    click.echo(f"Wrote {target} ({target.stat().st_size / 1e6:.1f} MB).")
