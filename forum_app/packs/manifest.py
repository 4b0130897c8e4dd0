"""The manifest of a pack's files: what each file is (name, size, SHA-256) and what pack made it.

``manifest(files, pack)`` gives JSON (UTF-8, keys sorted, indented by 2, ending with a new line)::

    {"format": "forum-evidence-manifest", "format_version": 1,
     "pack_id", "built_on", "filters", "period": {"from", "to"}, "codebook_version",
     "software": {"name", "version"},
     "files": [{"name", "bytes", "sha256"}, ...]}      # sorted by name

Anyone holding the files can check them against it, and its own SHA-256 (printed on the cover) pins
the whole set. The same files and pack give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

from forum_app.packs.contents import Pack

FORMAT = "forum-evidence-manifest"
FORMAT_VERSION = 1
DISTRIBUTION = "forum-evidence"  # the project name in pyproject.toml
_PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@cache
def software_version() -> str:
    """The installed package's version, else the version in the source tree's pyproject.toml."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    try:
        project = tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
    return str(project.get("version", "unknown"))


def manifest(files: dict[str, bytes], pack: Pack) -> bytes:
    meta = pack.meta
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "pack_id": meta.pack_id,
        "built_on": meta.built_on,
        "filters": meta.filters,
        "period": {"from": meta.period_from, "to": meta.period_to},
        "codebook_version": meta.codebook_version,
        "software": {"name": DISTRIBUTION, "version": software_version()},
        "files": [
            {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        ],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")
