"""The pictograms shipped in ``static/pictograms/``: simple, bold, single-colour SVGs, one idea each.

A survey question may name one (``"picture"``) to be shown beside its title, and the pack's Easy Read
summary puts one beside each point. They are decorative: the words beside them say it all.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup

from forum_app.config import PROJECT_ROOT

FOLDER = PROJECT_ROOT / "forum_app" / "static" / "pictograms"
PICTOGRAMS: frozenset[str] = frozenset(path.stem for path in FOLDER.glob("*.svg"))


def inline_svg(name: object) -> Markup:
    """The pictogram as inline SVG, hidden from screen readers (for the standalone pack, which fetches
    nothing); nothing for a name that is not shipped."""
    return _inline(name) if isinstance(name, str) and name in PICTOGRAMS else Markup("")


@cache
def _inline(name: str) -> Markup:
    svg = (FOLDER / f"{name}.svg").read_text("utf-8").strip()  # a shipped file (name checked), no input
    hidden = svg.replace("<svg ", '<svg class="pictogram" aria-hidden="true" focusable="false" ', 1)
    return Markup(hidden)  # noqa: S704
