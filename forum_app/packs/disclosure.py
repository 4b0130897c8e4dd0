"""Disclosure control: what a count may look like once it leaves the app.

The product rule (DESIGN.md, "Rules of the product"): counts of 1 to 7 are shown as ``[c]``, all
other counts are rounded to the nearest 5 (halves up), zero stays 0, totals are computed from the
unrounded values and then rounded, percentages are computed from the rounded values, and statistics
over 7 or fewer values are suppressed. PACK.md adds that a forum may be stricter, never looser.

Everything here is a pure function of plain numbers; no database, no request.

Stricter settings (``rules_for``)
---------------------------------
A forum may raise the threshold (``suppression_threshold``, never below 7) and round to 10 instead of
5 (``rounding_base``, 5 or 10). With a raised threshold the smallest published count is the first
multiple of the base *above* the threshold (threshold 11: a true 12 is published as 15, not as 10),
so that no published number ever lies in 1..threshold and a published 10 can never be read as "12
exactly".

Secondary suppression (``protect_row_and_total``)
-------------------------------------------------
A row of parts that add up to a published total (negative/neutral/positive of a theme; the options
of a question) can give a suppressed cell away by subtraction. Rounding to 5 alone does not prevent
it, because the rounding ranges of several cells can pin a cell at one end of its range. A published
10 stands for 8..12, a 45 for 43..47:

* parts 7, 12, 12, 12 would be published as ``[c]``, 10, 10, 10 with total 45 (true 43): the
  ``[c]`` is at least 43 - 3 x 12 = 7, and a ``[c]`` is at most 7, so it is exactly 7;
* parts 1, 1, 8, 8, 8, 8, 8 would be ``[c]``, ``[c]``, 10 x 5 with total 40 (true 42): the 10s are
  at least 40 and the total at most 42, so the two ``[c]`` are exactly 1 each. Two suppressed cells
  in a row are not enough either;
* parts 7, 7, 7, 7 would be four ``[c]`` with total 30: four counts of at most 7 adding up to at
  least 28 are 7 each.

Nor is suppressing more cells one at a time until the row looks safe: which cell is chosen, and the
decision to go on, are themselves visible. (1, 8, 18) would end as three ``[c]`` with total 25, and an
exhaustive search shows that no other row ends that way, so anyone who re-runs the procedure reads
the 1 back. So a row is protected in three steps, and the audit accounts for what each step shows:

1. If exactly one part is ``[c]`` while the total is published, the smallest other non-zero part
   (ties: the first) is suppressed too, so the ``[c]`` can never be recovered by subtraction, even by
   someone who knows the other figures exactly from elsewhere.
2. An audit computes, exactly, the values each count of 1..threshold can take given everything
   published *and* how the cell in step 1 was chosen (it is above the threshold and no larger than
   any other part still published, strictly smaller than those before it).
3. If some count of 1..threshold can take only one value, the whole row is withheld: every cell and
   the total are ``[c]``, zeros included. A row whose total is itself ``[c]`` is withheld the same
   way (when the total is at most the threshold, "7 options each ``[c]``, total ``[c]``" would
   otherwise mean one each).

The guarantee, and its proof
~~~~~~~~~~~~~~~~~~~~~~~~~~~~
*Attacker.* Anyone who sees one protected row and its total, knows these rules and this procedure,
may re-run it on every row they can imagine, and (for a row that is not withheld) is even told which
``[c]`` cells are counts of 1..threshold.

*Guarantee.* Every count of 1..threshold in the row keeps at least two possible values in
1..threshold: there are two rows with different values for that cell for which the procedure
publishes exactly what was published.

*Proof.* A withheld row is published identically for every row whose total is 1..threshold, among
them the row with 1 in that cell and 0 elsewhere, and the row with 2 there (threshold >= 7). For a
row that is not withheld, let P be its counts of 1..threshold and k the cell chosen in step 1, if
any. Take every row t' with the same P, each count in P in 1..threshold, t'_k above the threshold and
before every other remaining non-zero part in (value, position) order, every other cell within the
range of its published value (``count_range``) and the sum within the range of the published total.
Steps 1 to 3 see the same thing for each such t' (the same cells above the threshold round to the
same values, the same cell is chosen, and the audit uses only those) so they publish the same row.
The audit's bounds are exactly the values a count in P takes over these rows: with the others'
ranges tightened to what the order implies (t'_k at most the smallest upper end among later parts
and one less than among earlier parts; earlier parts at least threshold + 2), the lowest and the
highest sum of the other cells are both reachable, and every sum between them is reachable one unit
at a time without breaking the order (raise the published parts first, then t'_k), so a cell in P
takes every whole number between ``S_lo - (others' highest)`` and ``S_hi - (others' lowest)``
within 1..threshold. Step 3 withholds the row unless that range has two values or more. The tests
check the guarantee by exhaustive search over every row of up to four parts (re-running the
procedure), and ``feasible_ranges`` (the reader's calculation) against an enumeration of the
consistent rows.

*Limits, stated rather than hidden.* The guarantee is for one row read on its own. Figures repeated
in other tables (the same total, or the same families split another way) can be combined with it;
the pack publishes each total once and only pre-defined breakdowns, with small groups merged
(PACK.md). "At least two values" is the minimum: a count may be narrowed to, say, 6 or 7. A count
above the threshold can sometimes be pinned exactly by subtraction (8, 8, 8, 8 is published as 10,
10, 10, 10 with total 30, so each is 8); that reveals no count of 1..threshold.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from forum_app.packs.contents import NOT_APPLICABLE, SUPPRESSED

DEFAULT_THRESHOLD = 7
DEFAULT_BASE = 5
ALLOWED_BASES = (5, 10)

Published = int | str  # a published count: 0, a multiple of the base above the threshold, or "[c]"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class DisclosureRules:
    """A forum's disclosure rules. Never looser than the defaults: construction fails otherwise.

    ``threshold``: counts of 1..threshold are suppressed (at least 7).
    ``base``: other counts are rounded to a multiple of it, halves up (5 or 10).
    """

    threshold: int = DEFAULT_THRESHOLD
    base: int = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not _is_int(self.threshold) or self.threshold < DEFAULT_THRESHOLD:
            raise ValueError(f"suppression threshold must be a whole number of at least {DEFAULT_THRESHOLD}")
        if not _is_int(self.base) or self.base not in ALLOWED_BASES:
            raise ValueError("rounding base must be 5 or 10")

    @property
    def smallest_published(self) -> int:
        """The smallest non-zero count that can be published: the first multiple of the base above
        the threshold (10 under the default rules)."""
        return (self.threshold // self.base + 1) * self.base


DEFAULT_RULES = DisclosureRules()


def rules_for(settings: Mapping[str, Any] | None) -> DisclosureRules:
    """The rules a forum's settings ask for, clamped so that they are never looser than the defaults.

    ``settings["suppression_threshold"]``: missing or None means 7; anything below 7 is raised to 7.
    ``settings["rounding_base"]``: missing or None means 5; 5 or less means 5; 6 to 10 means 10
    (rounded up, so the result is at least as strict as asked). A base above 10 cannot be honoured
    without being looser than asked, so it is refused, as is anything that is not a whole number
    (a whole number in a string, as a form sends it, is accepted).
    """
    settings = settings or {}
    threshold = _setting_int(settings, "suppression_threshold", DEFAULT_THRESHOLD)
    base = _setting_int(settings, "rounding_base", DEFAULT_BASE)
    if base > max(ALLOWED_BASES):
        raise ValueError(f"rounding base {base} is not supported: use 5 or 10")
    return DisclosureRules(
        threshold=max(threshold, DEFAULT_THRESHOLD),
        base=DEFAULT_BASE if base <= DEFAULT_BASE else max(ALLOWED_BASES),
    )


def publish_count(n: int, threshold: int = DEFAULT_THRESHOLD, base: int = DEFAULT_BASE) -> Published:
    """A count as it may be published: 0 stays 0, 1..threshold is ``[c]``, anything else is rounded
    to the nearest multiple of ``base`` (halves up), and never below the first multiple above the
    threshold. ``8 -> 10``, ``12 -> 10``, ``13 -> 15``, ``17 -> 15``, ``18 -> 20``.

    Raises ValueError for a negative count, a non-integer, or rules looser than the defaults.
    """
    rules = DisclosureRules(threshold, base)
    _check_count(n)
    if n == 0:
        return 0
    if n <= rules.threshold:
        return SUPPRESSED
    rounded = (n + rules.base // 2) // rules.base * rules.base
    return max(rounded, rules.smallest_published)


def publish_total(parts: Sequence[int], rules: DisclosureRules = DEFAULT_RULES) -> Published:
    """The total of exact parts, published: computed from the unrounded values, then rounded."""
    for part in parts:
        _check_count(part)
    return _publish(sum(parts), rules)


def is_published(value: object, rules: DisclosureRules = DEFAULT_RULES) -> bool:
    """Whether ``value`` is something ``publish_count`` could have produced under ``rules``."""
    if value == SUPPRESSED and isinstance(value, str):
        return True
    if not _is_int(value):
        return False
    assert isinstance(value, int)
    return value == 0 or (value >= rules.smallest_published and value % rules.base == 0)


def count_range(value: Published, rules: DisclosureRules = DEFAULT_RULES) -> tuple[int, int | None]:
    """What a published value tells a reader about the true count: ``(lowest, highest)``, with
    ``None`` for no upper limit. ``0 -> (0, 0)``; ``10 -> (8, 12)``; ``[c] -> (1, None)``, because a
    ``[c]`` may also be a larger count suppressed to protect another (see the module docstring)."""
    if not is_published(value, rules):
        raise ValueError(f"{value!r} is not a published count under {rules}")
    if value == SUPPRESSED:
        return 1, None
    assert isinstance(value, int)
    if value == 0:
        return 0, 0
    # Halves round up, so the whole numbers from value - b/2 up to just below value + b/2 round to
    # value; and everything from threshold + 1 up to there is published as the smallest value.
    low = rules.threshold + 1 if value == rules.smallest_published else value - rules.base // 2
    high = value + (rules.base - 1) // 2
    return low, high


def publish_percent(
    count_pub: Published, base_pub: Published, rules: DisclosureRules = DEFAULT_RULES
) -> float | str:
    """A percentage computed from *published* values, rounded to 1 decimal place (halves up).

    ``[c]`` if either value is suppressed; ``[z]`` if the base is 0. Exact counts are refused
    (ValueError): pass what ``publish_count`` returned. Whether a percentage should be shown at all
    for a small base is ``stats.percent_with_ci``'s business.
    """
    check_published(count_pub, base_pub, rules=rules)
    if count_pub == SUPPRESSED or base_pub == SUPPRESSED:
        return SUPPRESSED
    assert isinstance(count_pub, int) and isinstance(base_pub, int)
    if base_pub == 0:
        if count_pub != 0:
            raise ValueError("a count cannot be larger than its base")
        return NOT_APPLICABLE
    if count_pub > base_pub:
        raise ValueError("a count cannot be larger than its base")
    return float((Decimal(100 * count_pub) / Decimal(base_pub)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def publish_median(values: Sequence[float], rules: DisclosureRules = DEFAULT_RULES) -> float | str:
    """The median of ``values`` to 1 decimal place, or ``[c]`` when there are ``threshold`` values or
    fewer (a statistic over 7 or fewer values is suppressed); ``[z]`` when there are none."""
    if not values:
        return NOT_APPLICABLE
    if len(values) <= rules.threshold:
        return SUPPRESSED
    return round_half_up(statistics.median(values))


class ProtectedRow(NamedTuple):
    cells: list[Published]
    total: Published


def protect_row_and_total(parts: Sequence[int], rules: DisclosureRules = DEFAULT_RULES) -> ProtectedRow:
    """The published cells of a row of exact parts and its published total, with secondary
    suppression so that no count of 1..threshold can be worked out from the rest of the row.

    See the module docstring for the method, the guarantee and its proof. A withheld row has every
    cell and the total ``[c]``. Publish this total with the cells, not one computed separately: in a
    withheld row it is ``[c]`` although the sum may be above the threshold.
    """
    for part in parts:
        _check_count(part)
    cells = [_publish(part, rules) for part in parts]
    total = _publish(sum(parts), rules)
    if total == SUPPRESSED:
        return _withheld(len(parts))
    primary = [i for i, cell in enumerate(cells) if cell == SUPPRESSED]
    if not primary:
        return ProtectedRow(cells, total)
    boxes = [(1, rules.threshold) if cell == SUPPRESSED else count_range(cell, rules) for cell in cells]
    if len(primary) == 1:
        # Step 1. The total is above the threshold and the [c] is not, so another part is non-zero.
        others = [i for i, cell in enumerate(cells) if cell not in (0, SUPPRESSED)]
        chosen = min(others, key=lambda i: (parts[i], i))
        cells[chosen] = SUPPRESSED
        # What the choice tells: the chosen part comes before every other part still published.
        # Later parts are at least as large, earlier ones strictly larger (so above threshold + 1).
        ceiling: int | None = None
        for i in others:
            low, high = boxes[i]
            assert high is not None  # a published count has a finite range
            if i < chosen:
                boxes[i] = (max(low, rules.threshold + 2), high)
                high -= 1
            if i != chosen:
                ceiling = high if ceiling is None else min(ceiling, high)
        boxes[chosen] = (rules.threshold + 1, ceiling)
    # Steps 2 and 3.
    ranges = _project(boxes, *count_range(total, rules))
    if any(ranges[i][0] == ranges[i][1] for i in primary):
        return _withheld(len(parts))
    return ProtectedRow(cells, total)


def protect_row(parts: Sequence[int], rules: DisclosureRules = DEFAULT_RULES) -> list[Published]:
    """The published cells of a row (see ``protect_row_and_total``, which also gives the total that
    must be published with them)."""
    return protect_row_and_total(parts, rules).cells


def feasible_ranges(
    cells: Sequence[Published],
    total: Published,
    rules: DisclosureRules = DEFAULT_RULES,
    primary: Collection[int] | None = None,
) -> list[tuple[int, int | None]]:
    """For each cell of a published row, the exact range of true values consistent with the
    published cells and total (``None``: no upper limit). This is the attacker's calculation; the
    module docstring proves that every whole number in the range is possible.

    Without ``primary`` the attacker reads a ``[c]`` as any count of at least 1 (or of at least 0 in
    a withheld row, whose total is ``[c]``). With ``primary`` (the indexes of the ``[c]`` cells that
    are counts of 1..threshold) the attacker is also told which ``[c]`` cells those are: they range
    over 1..threshold and the other ``[c]`` cells over counts above it.
    """
    withheld = total == SUPPRESSED
    boxes = []
    for index, cell in enumerate(cells):
        low, high = count_range(cell, rules)
        if cell == SUPPRESSED and withheld:
            low = 0
        elif cell == SUPPRESSED and primary is not None:
            low, high = (1, rules.threshold) if index in primary else (rules.threshold + 1, None)
        boxes.append((low, high))
    total_low, total_high = count_range(total, rules)
    return _project(boxes, total_low, total_high)


def _project(
    boxes: Sequence[tuple[int, int | None]], total_low: int, total_high: int | None
) -> list[tuple[int, int | None]]:
    """The values each x_j can take when lo_i <= x_i <= hi_i and total_low <= sum(x) <= total_high
    (``None``: unbounded). Exact for whole numbers: every value between the bounds is possible."""
    sum_low = sum(low for low, _ in boxes)
    unbounded = sum(1 for _, high in boxes if high is None)
    sum_high = sum(high for _, high in boxes if high is not None)
    ranges: list[tuple[int, int | None]] = []
    for low, high in boxes:
        others_low = sum_low - low
        others_high = None if unbounded - (high is None) else sum_high - (high or 0)
        lowest = low if others_high is None else max(low, total_low - others_high)
        highest = None if total_high is None else total_high - others_low
        if high is not None:
            highest = high if highest is None else min(high, highest)
        if highest is not None and highest < lowest:
            raise ValueError("the published row and total contradict each other")
        ranges.append((lowest, highest))
    return ranges


def _withheld(size: int) -> ProtectedRow:
    return ProtectedRow([SUPPRESSED] * size, SUPPRESSED)


def check_published(*values: object, rules: DisclosureRules = DEFAULT_RULES) -> None:
    """Raise ValueError unless every value is a published count under ``rules``: the guard for
    functions that must only ever see published figures (percentages, intervals)."""
    for value in values:
        if not is_published(value, rules):
            raise ValueError(f"{value!r} is not a published count: pass the output of publish_count")


def round_half_up(value: float, places: int = 1) -> float:
    """``value`` rounded to ``places`` decimals, halves away from zero (2.25 -> 2.3), as printed."""
    exponent = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(exponent, ROUND_HALF_UP))


def _publish(n: int, rules: DisclosureRules) -> Published:
    return publish_count(n, rules.threshold, rules.base)


def _check_count(n: object) -> None:
    if not _is_int(n):
        raise ValueError(f"a count must be a whole number, not {n!r}")
    assert isinstance(n, int)
    if n < 0:
        raise ValueError(f"a count cannot be negative ({n})")


def _setting_int(settings: Mapping[str, Any], key: str, default: int) -> int:
    value = settings.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if not _is_int(value):
        raise ValueError(f"{key} must be a whole number, not {value!r}")
    return int(value)
