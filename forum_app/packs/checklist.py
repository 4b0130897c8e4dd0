"""The check before building a pack: what a lead may want to fix first, each with where to fix it.

A pack can always be built (the rules that refuse one stay where they are, in ``data`` and ``build``);
these are warnings, shown on the make-the-pack page above the form and printed by ``flask packs build``:

- **About this survey**: the forum's own words for the methodology; each part not written is a
  sentence in the pack saying it is missing.
- **Quotes**: candidate quotes a lead chose in themes with at least ``MIN_REPORTS_FOR_QUOTES`` reports,
  which pass the final check. Without any the pack has no "What families say" section.
- **The final check on quotes**: how many candidates are left out, and why (a school year, a month or
  date, an exact age, a name: ``themes.quote_check``).
- **Double-coding**: a kappa from fewer than ``MIN_DOUBLE_CODED`` answers coded by two people says
  little (its interval is wide), and without a sample T2 shows no kappa at all.
- **Moderation and coding**: answers waiting for a moderator or for coding count nowhere in the pack.

The figures are the forum's as they are now (every survey, every day): the pack itself may narrow them
to one survey, a period or a group. Each feature answers for its own data (``moderation.queue.counts``,
``themes.quotes.candidates``, ``themes.reliability``, ``themes.workspace.progress``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.agreement.reliability import forum_agreement_summary
from forum_app.coding.filters import Filters
from forum_app.coding.queue import progress
from forum_app.moderation.reads import awaiting_decision
from forum_app.packs.about import PARTS, pack_about
from forum_app.packs.quotes import MIN_REPORTS_FOR_QUOTES
from forum_app.quotes import candidates as theme_quotes
from forum_app.quotes.check import KINDS, NOUNS

# A kappa from fewer double-coded answers has a 95% interval wider than about ±0.2 (the review found
# one from 18 answers printed with no warning).
MIN_DOUBLE_CODED = 50


@dataclass(frozen=True)
class Item:
    """One point of the checklist: ``ok`` or a warning, in words, with where the lead fixes it."""

    key: str
    title: str
    ok: bool
    message: str
    endpoint: str  # where to fix it (a Flask endpoint) ...
    label: str  # ... and the link's words
    args: dict[str, str] = field(default_factory=dict)  # the endpoint's query string
    anchor: str | None = None


@dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]

    @property
    def warnings(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.ok)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _about(forum: Forum) -> Item:
    written = pack_about(forum)
    missing = [part.label for part in PARTS if not written.get(part.key)]
    if not missing:
        return Item("about", "About this survey", True, "Every part is written.", "packs.about", "Review it")
    listed = "; ".join(missing[:3]) + ("; ..." if len(missing) > 3 else "")
    return Item(
        "about",
        "About this survey",
        False,
        f"{len(missing)} of {len(PARTS)} parts are not written yet ({listed}). The pack's methodology "
        "says each one is missing.",
        "packs.about",
        "Write About this survey",
    )


def _quotes(session: Session, forum_id: int) -> tuple[Item, Item]:
    found = theme_quotes.candidates(session, forum_id)
    reports = theme_quotes.theme_reports(session, forum_id, {c.theme_id for c in found})
    usable = [c for c in found if not c.left_out and reports.get(c.theme_id, 0) >= MIN_REPORTS_FOR_QUOTES]
    themes = {c.theme_id for c in usable}
    if usable:
        chosen = Item(
            "quotes",
            "Quotes",
            True,
            f"{_plural(len(usable), 'candidate quote', 'candidate quotes')} in "
            f"{_plural(len(themes), 'theme', 'themes')} with {MIN_REPORTS_FOR_QUOTES} or more reports.",
            "quotes.overview",
            "See the candidate quotes",
        )
    else:
        chosen = Item(
            "quotes",
            "Quotes",
            False,
            "No quotes can be used yet, so the pack will have no “What families say” section. Choose "
            "quotes from coded answers whose family agreed to be quoted, in themes with "
            f"{MIN_REPORTS_FOR_QUOTES} or more reports.",
            "coding.queue",
            "Find answers you can quote",
            {"status": "coded", "quotable": "yes"},
        )
    left_out = [c for c in found if c.left_out]
    if not left_out:
        words = (
            "Every candidate quote passes the check for school years, months and dates, ages and names."
            if found
            else "No candidate quotes to check yet."
        )
        return chosen, Item("quote_check", "Final check on quotes", True, words, "quotes.overview", "")
    why = Counter(kind for c in left_out for kind in {p.kind for p in c.problems})
    because = "; ".join(
        f"{why[kind]:,} {'gives' if why[kind] == 1 else 'give'} {NOUNS[kind]}" for kind in KINDS if why[kind]
    )
    return chosen, Item(
        "quote_check",
        "Final check on quotes",
        False,
        f"{len(left_out):,} of {_plural(len(found), 'candidate quote', 'candidate quotes')} will be left "
        f"out of the pack, not edited: {because}. Choose other answers for their themes.",
        "quotes.overview",
        "See which quotes are left out",
        anchor="left-out",
    )


def _double_coding(session: Session, forum_id: int) -> Item:
    summary = forum_agreement_summary(session, forum_id)
    endpoint, label = "agreement.samples", "Double-code a sample"
    if summary is None:
        return Item(
            "double_coding",
            "Double-coding",
            False,
            "No answers have been coded by two people, so table T2 shows no kappa for any theme and the "
            "pack cannot say how consistent the coding is.",
            endpoint,
            label,
        )
    n = summary.n_double_coded
    if n < MIN_DOUBLE_CODED:
        return Item(
            "double_coding",
            "Double-coding",
            False,
            f"Only {_plural(n, 'answer was', 'answers were')} coded by two people. A kappa from fewer "
            f"than {MIN_DOUBLE_CODED} answers is very uncertain: double-code a larger sample.",
            endpoint,
            label,
        )
    return Item(
        "double_coding",
        "Double-coding",
        True,
        f"{n:,} answers were coded by two people.",
        endpoint,
        "See the samples",
    )


def _moderation(session: Session, forum_id: int) -> Item:
    waiting = awaiting_decision(session, forum_id)
    if not waiting:
        return Item(
            "moderation", "Moderation", True, "No answers are waiting for moderation.", "moderation.queue", ""
        )
    return Item(
        "moderation",
        "Moderation",
        False,
        f"{_plural(waiting, 'answer is', 'answers are')} waiting for moderation (or held). They count "
        "nowhere in the pack until a moderator approves them.",
        "moderation.queue",
        "Moderate answers",
    )


def _coding(session: Session, forum_id: int) -> Item:
    pending = progress(session, forum_id, Filters()).pending
    if not pending:
        return Item("coding", "Coding", True, "Every approved answer is coded.", "coding.queue", "")
    return Item(
        "coding",
        "Coding",
        False,
        f"{_plural(pending, 'approved answer is', 'approved answers are')} not coded yet. Only answers "
        "a person has coded count in the pack's themes.",
        "coding.queue",
        "Code answers",
    )


def pre_build_checklist(session: Session, forum_id: int) -> Checklist:
    """The forum's checklist before building a pack (read-only)."""
    forum = session.get(Forum, forum_id)
    if forum is None:
        return Checklist(())
    chosen, checked = _quotes(session, forum_id)
    return Checklist(
        (
            _about(forum),
            chosen,
            checked,
            _double_coding(session, forum_id),
            _moderation(session, forum_id),
            _coding(session, forum_id),
        )
    )


def checklist_lines(checklist: Checklist) -> list[str]:
    """The warnings as lines of text, for the command line."""
    return [f"Warning: {item.title}: {item.message}" for item in checklist.warnings]
