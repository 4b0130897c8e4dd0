"""An attacker for evidence packs: integer programming over every published count of a pack.

The attacker knows how families can answer (each family's age band, school or setting, EHC plan
answer, whether it has coded free text and its view of each theme), reads every count the pack
publishes (T1, T2, T4, T5, T7 and the number of families), and asks a solver (scipy ``milp``) for the
lowest and the highest value each suppressed count could have. The unknowns are the numbers of
families with each combination of answers (the atoms); every published count is a sum of atoms that
must lie in the range its published value stands for (``[c]``: at least 1, or at least 0 inside a
suppressed total; 10: 8 to 12). A suppressed count is *pinned* when only one value is possible, and
*narrowed* when some value of 1..threshold is ruled out, knowing it is a count of 1..threshold.

It is built from the families' answers and the tables' meaning, not from the pack's own record of
which figures add up to which, so a relation the pack forgets to protect is still found.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from forum_app.packs.contents import SUPPRESSED, Cell, Table
from forum_app.packs.data import Gathered
from forum_app.packs.disclosure import DisclosureRules, count_range
from forum_app.packs.tables import GROUPINGS, OTHER_GROUP

AGES = ("0-4", "5-10", "11-15", None)
SETTINGS = ("mainstream_primary", "resourced", "special", None)  # resourced and special share T7's label
EHCP = ("yes", "sen_support", "no", "dont_know", None)
VIEWS = ("negative", "neutral", "positive", None)  # None: the theme is not mentioned
THEMES = [
    ("waiting_times", "Waiting times", ["identification_assessment", "right_help"]),
    ("family_impact", "Impact on families", ["right_help"]),
]
AREAS = [("identification_assessment", "(1) Identifying needs"), ("right_help", "(3) Right help")]
QUESTIONS: dict[str, dict[str, Any]] = {
    "age_band": {
        "key": "age_band",
        "type": "radio",
        "title": "How old is your child?",
        "options": [{"value": v} for v in ("0-4", "5-10", "11-15", "16-18", "19-25")],
    },
    "setting": {
        "key": "setting",
        "type": "radio",
        "title": "Where does your child learn?",
        "options": [
            {"value": v}
            for v in ("early_years", "mainstream_primary", "resourced", "special", "post16", "ap")
        ],
    },
    "ehcp": {
        "key": "ehcp",
        "type": "radio",
        "title": "Does your child have an EHC plan?",
        "options": [{"value": v} for v in ("yes", "sen_support", "no", "dont_know")],
    },
}


@dataclass(frozen=True)
class Family:
    age: str | None
    setting: str | None
    ehcp: str | None
    coded: bool
    views: tuple[str | None, ...]  # one per theme of THEMES; all None unless coded


ATOMS: list[Family] = [
    Family(age, setting, ehcp, coded, views)
    for age, setting, ehcp in itertools.product(AGES, SETTINGS, EHCP)
    for coded, views in [(False, (None,) * len(THEMES))]
    + [(True, views) for views in itertools.product(VIEWS, repeat=len(THEMES))]
]


def random_families(seed: int) -> list[Family]:
    """A small forum's families with skewed answers, so that small counts turn up everywhere."""
    rng = random.Random(seed)
    n = rng.randint(8, 140)

    def weights(k: int) -> list[float]:
        return [rng.random() ** 3 for _ in range(k)]

    age, setting, ehcp = weights(len(AGES)), weights(len(SETTINGS)), weights(len(EHCP))
    mention = [rng.random() for _ in THEMES]
    view = [weights(3) for _ in THEMES]
    coded_share = rng.random()
    families = []
    for _ in range(n):
        coded = rng.random() < coded_share
        views = tuple(
            rng.choices(VIEWS[:3], view[t])[0] if coded and rng.random() < mention[t] else None
            for t in range(len(THEMES))
        )
        families.append(
            Family(
                rng.choices(AGES, age)[0],
                rng.choices(SETTINGS, setting)[0],
                rng.choices(EHCP, ehcp)[0],
                coded,
                views,
            )
        )
    return families


def gathered(families: Sequence[Family]) -> Gathered:
    """The exact figures the pack builder would gather from these families."""
    out = Gathered(date(2026, 1, 1), date(2026, 6, 30), respondents=len(families))
    for i, family in enumerate(families):
        answers = {
            key: value
            for key, value in (("age_band", family.age), ("setting", family.setting), ("ehcp", family.ehcp))
            if value is not None
        }
        for key, value in answers.items():
            out.closed.setdefault(key, Counter())[value] += 1
        out.profiles[str(i)] = answers
        if family.coded:
            out.groups[str(i)] = answers
            for (theme_id, _, _), view in zip(THEMES, family.views, strict=True):
                if view is not None:
                    out.themes[theme_id][str(i)] = {view}
    out.text_base = len(out.groups)
    return out


# ---------------------------------------------------------------------------------------------
# Reading the published tables as sums of atoms


Predicate = Callable[[Family], bool]


@dataclass
class Reading:
    """Every published count as (what it counts, its published value, where it is printed)."""

    counts: list[tuple[Predicate, Cell, str]] = field(default_factory=list)

    def add(self, predicate: Predicate, value: Cell, where: str) -> None:
        if value is None or isinstance(value, float):
            raise AssertionError(f"{where} is not a published count: {value!r}")
        if isinstance(value, str) and value != SUPPRESSED:
            return  # [x] or [z]: nothing published
        self.counts.append((predicate, value, where))


def _theme_view(family: Family, theme_ids: Sequence[str]) -> str | None:
    views = [v for (t, _, _), v in zip(THEMES, family.views, strict=True) if t in theme_ids and v is not None]
    if not views:
        return None
    if "negative" in views:
        return "negative"
    return "positive" if "positive" in views else "neutral"


def _label(key: str, value: str | None) -> str:
    return GROUPINGS[key][1].get(str(value), OTHER_GROUP)


def _answer(family: Family, key: str) -> str | None:
    return {"age_band": family.age, "setting": family.setting, "ehcp": family.ehcp}[key]


def _has_theme(ids: Sequence[str], view: str | None = None) -> Predicate:
    """Families who mentioned any of these themes (with this view, if one is given)."""
    if view is None:
        return lambda f: _theme_view(f, ids) is not None
    return lambda f: _theme_view(f, ids) == view


def _answered(key: str) -> Predicate:
    """Families who answered question ``key`` with something other than "don't know"."""
    return lambda f: _answer(f, key) not in (None, "dont_know")


def _answer_is(key: str, value: str) -> Predicate:
    return lambda f: _answer(f, key) == value


def _in_group(key: str, group: str, negate: bool = False) -> Predicate:
    """Families whose answer to ``key`` falls in ``group`` (or, with ``negate``, does not)."""
    return lambda f: (_label(key, _answer(f, key)) == group) != negate


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda f: first(f) and second(f)


def read_pack(tables: dict[str, Table], respondents: Cell) -> Reading:
    """What the attacker reads in the tables: each published count and the families it counts."""
    reading = Reading()
    reading.add(lambda f: True, respondents, "families who answered")
    for row in tables["T2"].rows:
        ids = [str(row["theme_id"])]
        reading.add(lambda f: f.coded, row["base"], "T2 base")
        reading.add(_has_theme(ids), row["respondents"], f"T2 {ids[0]}")
        for view in ("negative", "neutral", "positive"):
            reading.add(_has_theme(ids, view), row[view], f"T2 {ids[0]} {view}")
    for row in tables["T1"].rows:
        area = next(a for a, label in AREAS if label == row["area"])
        ids = [t for t, _, areas in THEMES if area in areas]
        reading.add(_has_theme(ids), row["respondents"], f"T1 {area}")
        for view in ("negative", "positive"):
            count = _count_from_percent(row[f"{view}_percent"], row["respondents"])
            reading.add(_has_theme(ids, view), count, f"T1 {area} {view}")
    for row in tables["T4"].rows:
        key = str(row["question_id"])
        value = next(
            str(o["value"]) for o in QUESTIONS[key]["options"] if o.get("label", o["value"]) == row["option"]
        )
        reading.add(_answered(key), row["answered"], f"T4 {key}")
        reading.add(_answer_is(key, "dont_know"), row["dont_know"], f"T4 {key} don't know")
        reading.add(_answer_is(key, value), row["count"], f"T4 {key} {value}")
    names = {name: key for key, (name, _) in GROUPINGS.items()}
    base_label = next(c.label for c in tables["T7"].columns if c.key == "base")
    for row in tables["T7"].rows:
        key, label = names[str(row["characteristic"])], str(row["category"])
        if label == OTHER_GROUP:
            reading.add(_in_group(key, OTHER_GROUP), row["respondents"], f"T7 {key} other")
            continue
        if "known category" in base_label:  # T7's base: families in a known category (else everyone)
            reading.add(_in_group(key, OTHER_GROUP, negate=True), row["base"], f"T7 {key} known")
        reading.add(_in_group(key, label), row["respondents"], f"T7 {key} {label}")
    shown: dict[str, set[str]] = {}
    for row in tables["T5"].rows:
        shown.setdefault(names[str(row["variable"])], set()).add(str(row["group"]))
    for row in tables["T5"].rows:
        key, label = names[str(row["variable"])], str(row["group"])
        theme = next(t for t, name, _ in THEMES if str(row["indicator"]).lower().endswith(name.lower()))

        def member(f: Family, k: str = key, g: str = label) -> bool:
            own = _label(k, _answer(f, k))
            return f.coded and (own == g or (g.startswith(OTHER_GROUP) and own not in shown[k]))

        reading.add(member, row["base"], f"T5 {key} {label} base")
        reading.add(_both(member, _has_theme([theme])), row["count"], f"T5 {key} {label} {theme}")
    return reading


def _count_from_percent(percent: Cell, count: Cell) -> Cell:
    """The published count a percentage of a published base was worked out from (the attacker
    inverts it): the unique multiple of 5 that gives the printed percentage."""
    if not isinstance(percent, float) or not isinstance(count, int) or count == 0:
        return SUPPRESSED if percent == SUPPRESSED else "[x]"
    found = [k for k in range(0, count + 1, 5) if round(100 * k / count, 1) == percent]
    return found[0] if len(found) == 1 else "[x]"


# ---------------------------------------------------------------------------------------------
# The attack


@dataclass(frozen=True)
class Finding:
    where: str
    true: int
    low: int
    high: int | None


def attack(families: Sequence[Family], reading: Reading, rules: DisclosureRules) -> list[Finding]:
    """Every suppressed count of 1..threshold whose possible values, given everything published, are
    not all of 1..threshold."""
    sets = [
        frozenset(i for i, atom in enumerate(ATOMS) if predicate(atom)) for predicate, _, _ in reading.counts
    ]
    suppressed = [s for s, (_, value, _) in zip(sets, reading.counts, strict=True) if value == SUPPRESSED]
    boxes: list[tuple[int, float]] = []
    for atoms, (_, value, _) in zip(sets, reading.counts, strict=True):
        if value == SUPPRESSED:
            boxes.append((0 if any(atoms < other for other in suppressed) else 1, np.inf))
        else:
            assert isinstance(value, int)  # Reading.add keeps published counts only
            low, high = count_range(value, rules)
            boxes.append((low, np.inf if high is None else high))
    matrix = np.zeros((len(sets), len(ATOMS)))
    for row, atoms in enumerate(sets):
        matrix[row, list(atoms)] = 1
    truth = Counter(families)
    found = []
    for index, (predicate, value, where) in enumerate(reading.counts):
        true = sum(n for family, n in truth.items() if predicate(family))
        if value != SUPPRESSED or not 1 <= true <= rules.threshold:
            continue
        lower = np.array([low for low, _ in boxes], dtype=float)
        upper = np.array([high for _, high in boxes], dtype=float)
        lower[index], upper[index] = 1, rules.threshold
        constraint = LinearConstraint(matrix, lower, upper)
        objective = matrix[index]
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * objective,
                constraints=constraint,
                integrality=np.ones(len(ATOMS)),
                bounds=Bounds(0, 10**6),
            )
            assert result.status == 0, f"the published figures contradict each other ({where})"
            ends.append(round(sign * result.fun))
        low, high = ends
        if low > 1 or high < rules.threshold:
            found.append(Finding(where, true, low, high))
    return found
