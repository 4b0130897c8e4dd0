"""A pack's files: every format asked for, and a manifest with the SHA-256 of each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from forum_app.packs.contents import Pack

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Format:
    name: str  # the file's name
    media_type: str
    render: Callable[[Pack], bytes]


def _html(pack: Pack) -> bytes:
    from forum_app.packs.render_html import render_html

    return render_html(pack).encode("utf-8")


def _pdf(pack: Pack) -> bytes:
    from forum_app.packs.render_pdf import render_pdf

    return render_pdf(pack)


def _xlsx(pack: Pack) -> bytes:
    from forum_app.packs.render_xlsx import render_xlsx

    return render_xlsx(pack)


def _csv(pack: Pack) -> bytes:
    from forum_app.packs.render_csv import render_csv_zip

    return render_csv_zip(pack)


def _json(pack: Pack) -> bytes:
    from forum_app.packs.render_json import render_json

    return render_json(pack)


# Renderers are imported when used: WeasyPrint and matplotlib take a while to load.
FORMATS: dict[str, Format] = {
    "html": Format("pack.html", "text/html; charset=utf-8", _html),
    "pdf": Format("pack.pdf", "application/pdf", _pdf),
    "xlsx": Format("pack.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
    "csv": Format("pack-csv.zip", "application/zip", _csv),
    "json": Format("pack.json", "application/json", _json),
}


def formats_for(choice: str) -> list[str]:
    """``all`` or one format's key."""
    if choice == "all":
        return list(FORMATS)
    if choice not in FORMATS:
        raise ValueError(f"Unknown format '{choice}': choose {', '.join(FORMATS)} or all.")
    return [choice]


def render_files(
    pack: Pack, formats: Iterable[str], progress: Callable[[str], None] | None = None
) -> dict[str, bytes]:
    """Every asked-for format's file, then the manifest of them all."""
    from forum_app.packs.manifest import manifest

    files: dict[str, bytes] = {}
    for key in formats:
        if progress is not None:
            progress(key)
        files[FORMATS[key].name] = FORMATS[key].render(pack)
    files[MANIFEST] = manifest(files, pack)
    return files


def media_type(name: str) -> str:
    if name == MANIFEST:
        return "application/json"
    return next(f.media_type for f in FORMATS.values() if f.name == name)
