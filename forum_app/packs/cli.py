"""``flask packs build``: the DESIGN.md contract, writing every asked-for format and a manifest.

Before building it prints the pre-build checklist's warnings (``checklist``) to standard error, each on a
line starting "Warning:"; they never stop the build.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from forum_app.accounts.models import Forum
from forum_app.extensions import db
from forum_app.packs.build import build_pack
from forum_app.packs.checklist import checklist_lines, pre_build_checklist
from forum_app.packs.data import FILTER_KEYS, PackRequest, PackRequestError
from forum_app.packs.files import FORMATS, formats_for, render_files


def _filters(values: tuple[str, ...]) -> dict[str, str]:
    filters = {}
    for value in values:
        key, _, wanted = value.partition("=")
        if not wanted or key not in FILTER_KEYS:
            raise click.BadParameter(f"'{value}': use KEY=VALUE with KEY one of {', '.join(FILTER_KEYS)}.")
        filters[key] = wanted
    return filters


def _response(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as problem:
        raise click.BadParameter(
            f"'{path.name}' is not UTF-8 text: save the response as plain text (UTF-8) and try again.",
            param_hint="--partnership-response",
        ) from problem


@click.group("packs", help="Evidence packs for inspectors.")
def packs_cli() -> None:
    pass


@packs_cli.command("build")
@click.option("--forum", "forum_slug", required=True, help="Forum slug.")
@click.option("--survey", "survey_slug", default="send-experience", show_default=True, help="Survey slug.")
@click.option(
    "--format",
    "choice",
    type=click.Choice([*FORMATS, "all"]),
    default="all",
    show_default=True,
    help="One format, or all of them.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into.",
)
@click.option("--from", "period_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day.")
@click.option("--to", "period_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day.")
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE", help="age_band, setting or ehcp.")
@click.option(
    "--partnership-seen",
    "partnership_seen",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day the local area partnership received the pack.",
)
@click.option(
    "--partnership-response",
    "response_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A UTF-8 text file: the partnership's response, printed unedited.",
)
@with_appcontext
def build_command(
    forum_slug: str,
    survey_slug: str,
    choice: str,
    out_dir: Path,
    period_from: object,
    period_to: object,
    filters: tuple[str, ...],
    partnership_seen: datetime | None,
    response_file: Path | None,
) -> None:
    """Build a pack of one survey and write its files and manifest.json into OUT."""
    request = PackRequest(
        forum_slug,
        survey_slug,
        period_from.date() if period_from is not None else None,  # type: ignore[attr-defined]
        period_to.date() if period_to is not None else None,  # type: ignore[attr-defined]
        _filters(filters),
        partnership_seen.date() if partnership_seen is not None else None,
        _response(response_file),
    )
    forum_id = db.session.scalar(select(Forum.id).where(Forum.slug == forum_slug))
    if forum_id is not None:  # the checklist's warnings first; an unknown forum is refused below
        for line in checklist_lines(pre_build_checklist(db.session, forum_id)):
            click.echo(line, err=True)
    try:
        pack = build_pack(db.session, request, built_on=date.today())
    except PackRequestError as problem:
        raise click.ClickException(str(problem)) from problem
    files = render_files(pack, formats_for(choice), progress=lambda key: click.echo(f"Rendering {key}..."))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
        click.echo(f"  {out_dir / name} ({len(data):,} bytes)")
    meta = pack.meta
    click.echo(f"Pack {meta.pack_id}: {meta.responses} responses, {meta.period_from} to {meta.period_to}.")
