"""Disclosure control across figures that share families: rows, their totals and other breakdowns.

``disclosure.protect_row_and_total`` protects one row and its total. A pack publishes more than rows:
the families mentioning a theme are split by sentiment in T2 and by group in T5, with one total; the
answers to "Does your child have an EHC plan?" are counts in T4 and, merged, in T7, over the same
families. A suppressed count that is safe in each table on its own can come out exactly when the two
are read together (T2 35, T5 20, 20, ``[c]``: the ``[c]`` is at most 37 - 18 - 18 = 1).

Here the figures that share families are protected as one system:

* *Atoms* are the finest groups of families the figures are made of (for a theme: each sentiment in
  each combination of groups). Each published figure is the number of families in a set of atoms.
* Every figure is first published on its own (``publish_count``); then an *audit* works out, by
  integer programming over the atoms, the lowest and the highest value every suppressed count of 1 to
  threshold could have given everything published. A reader who knows the rules reads a ``[c]`` as at
  least 1 (at least 0 under a ``[c]`` total, whose zeros are hidden too), a published count as the
  range that rounds to it.
* While a reader who knows that a ``[c]`` is a count of 1 to threshold can rule out any of those
  values (it must stay anything from 1 to 7), one more figure is suppressed: the smallest published part
  beside it under a common total, else the smallest total above it. Suppressing cells, not whole
  questions: an answer that needs protecting hides one neighbour, not the question.
* Figures published elsewhere already (``fixed``: the number of families who answered; T2's counts
  when T1 adds its framework areas) keep their value; they constrain the audit like every other
  figure, and a suppressed one is protected here too.

The audit is exact for the system it is given (every figure of the block, with its atoms); the test
suite attacks whole packs with an independent integer program over the families' answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from forum_app.packs.contents import SUPPRESSED, Cell
from forum_app.packs.disclosure import DisclosureRules, Published, count_range, publish_count

Atoms = frozenset[int]
UNBOUNDED = 10**7  # an upper limit for a count that the figures do not bound


@dataclass
class System:
    """Figures being described over atoms: each atom's description (``kinds``, e.g. a tuple of
    answers) and its exact number of families (``counts``)."""

    kinds: Sequence[Any]
    counts: Sequence[int]
    figures: list[Atoms] = field(default_factory=list)
    fixed: dict[int, Cell] = field(default_factory=dict)  # published counts, as the tables hold them
    known: dict[int, tuple[int, int | None]] = field(default_factory=dict)

    def figure(
        self,
        test: Callable[..., bool],
        value: Cell | None = None,
        known: tuple[int, int | None] | None = None,
    ) -> int:
        """Add the figure counting the atoms whose kind passes ``test``; ``value``: already published
        elsewhere; ``known``: what a reader can tell of it from elsewhere. Returns its index."""
        self.figures.append(frozenset(i for i, kind in enumerate(self.kinds) if test(kind)))
        index = len(self.figures) - 1
        if value is not None:
            self.fixed[index] = value
        if known is not None:
            self.known[index] = known
        return index

    def protect(self, rules: DisclosureRules) -> list[Published]:
        return protect(self.counts, self.figures, rules, self.fixed, self.known)  # type: ignore[arg-type]


def protect(
    atoms: Sequence[int],
    figures: Sequence[Atoms],
    rules: DisclosureRules,
    fixed: Mapping[int, Published] | None = None,
    known: Mapping[int, tuple[int, int | None]] | None = None,
) -> list[Published]:
    """The published value of each figure (a set of atom indexes) over the exact ``atoms`` counts,
    with secondary suppression until no suppressed count of 1..threshold can be narrowed within
    1..threshold. ``fixed`` maps figure indexes to values already published elsewhere; ``known``
    to what a reader can tell of them from elsewhere, where that is narrower than their values say
    (``tightest``)."""
    fixed = dict(fixed or {})
    known = dict(known or {})
    exact = [sum(atoms[a] for a in figure) for figure in figures]
    published: list[Published] = [
        fixed[i] if i in fixed else publish_count(n, rules.threshold, rules.base) for i, n in enumerate(exact)
    ]
    # Counts of 1..threshold suppressed here, and those suppressed where they were first published.
    primary = [i for i, n in enumerate(exact) if 1 <= n <= rules.threshold and published[i] == SUPPRESSED]
    # Suppressing a figure only widens what a reader can infer, so a count found safe stays safe.
    for index in primary:
        while _too_narrow(len(atoms), figures, published, index, rules, known):
            chosen = _neighbour(figures, published, exact, fixed, index)
            if not chosen:
                break  # only fixed figures are left to narrow it: nothing more can be hidden here
            for neighbour in chosen:
                published[neighbour] = SUPPRESSED
    return hide_zeros(figures, published)


def hide_zeros(figures: Sequence[Atoms], published: Sequence[Published]) -> list[Published]:
    """Zeros inside a suppressed total are suppressed too: "5 families, all answered No" must not
    show as ``[c]`` with every other answer 0."""
    hidden = [figure for figure, value in zip(figures, published, strict=True) if value == SUPPRESSED]
    return [
        SUPPRESSED if value == 0 and figure and any(figure < total for total in hidden) else value
        for figure, value in zip(figures, published, strict=True)
    ]


def reader_boxes(
    figures: Sequence[Atoms], published: Sequence[Published], rules: DisclosureRules
) -> list[tuple[int, int | None]]:
    """What a reader knows of each figure: the range its published value stands for; a ``[c]`` is at
    least 1, or at least 0 inside a suppressed total (whose zeros are hidden)."""
    hidden = [figure for figure, value in zip(figures, published, strict=True) if value == SUPPRESSED]
    boxes: list[tuple[int, int | None]] = []
    for figure, value in zip(figures, published, strict=True):
        if value == SUPPRESSED:
            boxes.append((0 if figure and any(figure < total for total in hidden) else 1, None))
        else:
            boxes.append(count_range(value, rules))
    return boxes


def feasible_range(
    atom_count: int,
    figures: Sequence[Atoms],
    boxes: Sequence[tuple[int, int | None]],
    target: Atoms,
) -> tuple[int, int | None]:
    """The lowest and highest number of families in ``target`` (a set of atoms) over every whole,
    non-negative assignment of the atoms within the ``boxes`` of the figures (``None``: no limit)."""
    matrix = np.zeros((len(figures), atom_count))
    for row, figure in enumerate(figures):
        matrix[row, list(figure)] = 1
    lower = np.array([low for low, _ in boxes], dtype=float)
    upper = np.array([np.inf if high is None else high for _, high in boxes], dtype=float)
    objective = np.zeros(atom_count)
    objective[list(target)] = 1
    constraints = LinearConstraint(matrix, lower, upper) if len(figures) else ()
    bounds = Bounds(0, UNBOUNDED)
    integrality = np.ones(atom_count)
    lowest = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
    highest = milp(-objective, constraints=constraints, integrality=integrality, bounds=bounds)
    if lowest.status != 0 or highest.status != 0:
        raise ValueError("the published figures contradict each other")
    low, high = round(lowest.fun), round(-highest.fun)
    return low, None if high >= UNBOUNDED else high


def tightest(
    atom_count: int,
    figures: Sequence[Atoms],
    published: Sequence[Published],
    rules: DisclosureRules,
    targets: Sequence[int],
) -> dict[int, tuple[int, int | None]]:
    """What a reader can tell of each of the ``targets`` figures from everything published in the
    system: often narrower than its own published value says (a total is also the sum of its parts)."""
    boxes = reader_boxes(figures, published, rules)
    return {index: feasible_range(atom_count, figures, boxes, figures[index]) for index in targets}


def _too_narrow(
    atom_count: int,
    figures: Sequence[Atoms],
    published: Sequence[Published],
    index: int,
    rules: DisclosureRules,
    known: Mapping[int, tuple[int, int | None]],
) -> bool:
    """Whether a reader who knows that this ``[c]`` is a count of 1..threshold can rule out any of
    those values from everything else published."""
    boxes = reader_boxes(figures, published, rules)
    for figure, (low, high) in known.items():
        box_low, box_high = boxes[figure]
        boxes[figure] = (
            max(low, box_low),
            high if box_high is None else box_high if high is None else min(high, box_high),
        )
    boxes[index] = (1, rules.threshold)
    low, high = feasible_range(atom_count, figures, boxes, figures[index])
    return low > 1 or high is None or high < rules.threshold


def _neighbour(
    figures: Sequence[Atoms],
    published: Sequence[Published],
    exact: Sequence[int],
    fixed: Mapping[int, Published],
    exposed: int,
) -> list[int]:
    """The figures to suppress next to protect ``exposed``: the smallest published part beside it
    under a common total; else the smallest published total above it; else every published figure
    that shares families with it."""
    target = figures[exposed]
    open_ = [
        i for i, value in enumerate(published) if isinstance(value, int) and value > 0 and i not in fixed
    ]
    siblings = [
        i for i in open_ if not figures[i] & target and any(figures[i] | target <= total for total in figures)
    ]
    if siblings:
        return [min(siblings, key=lambda i: (exact[i], i))]
    totals = [i for i in open_ if target < figures[i]]
    if totals:
        return [min(totals, key=lambda i: (exact[i], i))]
    return [i for i in open_ if figures[i] & target]
