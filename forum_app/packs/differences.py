"""Differences between two percentages in words, from published counts (T1, T2, T5, T6, page 1)."""

from __future__ import annotations

from forum_app.packs import stats
from forum_app.packs.contents import NOT_AVAILABLE, SUPPRESSED, Cell


def difference(c1: Cell, n1: Cell, c0: Cell, n0: Cell) -> tuple[str, Cell, Cell, Cell]:
    """The first percentage against the second in percentage points, with Newcombe's 95% interval,
    and in words: "clearly higher: 9 pp (2 to 16)", "no clear difference", or why it cannot be said."""
    if not (isinstance(c1, int) and isinstance(n1, int) and isinstance(c0, int) and isinstance(n0, int)):
        return "too few families to compare", SUPPRESSED, SUPPRESSED, SUPPRESSED
    if min(n1, n0) < stats.MIN_BASE_FOR_PERCENT:
        return "too few families to compare", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE
    diff, low, high = stats.newcombe_difference(c1, n1, c0, n0)
    if low > 0:
        return f"clearly higher: {diff:.0f} pp ({low:.0f} to {high:.0f})", diff, low, high
    if high < 0:
        return f"clearly lower: {-diff:.0f} pp ({-high:.0f} to {-low:.0f})", diff, low, high
    return "no clear difference", diff, low, high


def period_change(count: Cell, base: Cell, count_before: Cell, base_before: Cell) -> str:
    """A change since the period before, in words: "up 9 pp (2 to 16)", "no clear change", or why it
    cannot be said ("no earlier period" when no family's answers were coded then)."""
    if base_before == 0:
        return "no earlier period"
    words = difference(count, base, count_before, base_before)[0]
    return (
        words.replace("clearly higher:", "up")
        .replace("clearly lower:", "down")
        .replace("difference", "change")
    )
