"""The pack's figures that share families, published together (see ``linked.py`` for the method).

* A theme: the families mentioning it split by view in T2 (negative, neutral or mixed, positive) and
  by pre-set group in T5, with one total, over the coded families of each group (T5's bases).
* A question with set options: its answers in T4 (each option, the families who answered, "don't
  know") and, for a grouping question, the same answers merged into T7's categories over every
  family who answered the survey.

Each is one ``linked.protect`` system, so the tables that print parts of it agree and no suppressed
count can be worked out by reading them together. Groups of fewer than ``MIN_GROUP_BASE`` coded
families are merged before anything is published (``merged_groups``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forum_app.packs import linked
from forum_app.packs.contents import Cell
from forum_app.packs.data import Gathered
from forum_app.packs.disclosure import DisclosureRules

DONT_KNOW = frozenset({"dont_know", "not_sure"})
VIEWS = ("negative", "neutral", "positive")
# Pre-set groups for T5 and T7 (no free breakdowns): question key -> (name, {answer value: group label}).
GROUPINGS: dict[str, tuple[str, dict[str, str]]] = {
    "age_band": (
        "Age",
        {"0-4": "0 to 4", "5-10": "5 to 10", "11-15": "11 to 15", "16-18": "16 to 18", "19-25": "19 to 25"},
    ),
    "setting": (
        "School or setting",
        {
            "early_years": "Early years",
            "mainstream_primary": "Mainstream primary",
            "mainstream_secondary": "Mainstream secondary",
            "resourced": "Special school or resourced provision",
            "special": "Special school or resourced provision",
            "post16": "Post-16",
        },
    ),
    "ehcp": ("EHC plan", {"yes": "Has an EHC plan", "sen_support": "SEN support"}),
}
OTHER_GROUP = "Other or not known"
MIN_GROUP_BASE = 20


def theme_sentiment(sentiments: set[str]) -> str:
    """A respondent's view of a theme over their answers: negative if any answer is negative,
    positive if any is positive and none negative, otherwise neutral (mixed counts as neutral)."""
    if "negative" in sentiments:
        return "negative"
    if "positive" in sentiments:
        return "positive"
    return "neutral"


# ---------------------------------------------------------------------------------------------
# Groups


@dataclass(frozen=True)
class Group:
    label: str
    members: frozenset[str]  # response ids
    shown: bool  # False: too small even after merging, so left out of T5 (its families still count)


def merged_groups(groups: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Group]]:
    """Each grouping's groups of coded families, every one of at least ``MIN_GROUP_BASE``: smaller
    groups are merged into "Other or not known", and while that is still too small the smallest
    named group joins it too ("Other or not known, with Post-16"). No group is left out on its own:
    the families of a group left out could be counted by subtracting the others from the total.
    A grouping left with one group is not shown (``shown`` False)."""
    found: dict[str, list[Group]] = {}
    for key, (_, labels) in GROUPINGS.items():
        members: dict[str, set[str]] = {}
        for response_id, answers in groups.items():
            members.setdefault(labels.get(str(answers.get(key)), OTHER_GROUP), set()).add(response_id)
        other = members.pop(OTHER_GROUP, set())
        named = []  # groups large enough on their own, merged to make "Other or not known" large enough
        for label in sorted(members, key=lambda label: (len(members[label]), label)):
            if len(members[label]) < MIN_GROUP_BASE:
                other |= members.pop(label)
            elif 0 < len(other) < MIN_GROUP_BASE:
                other |= members.pop(label)
                named.append(label)
        other_label = OTHER_GROUP + (f", with {', '.join(named)}" if named else "")
        listed = [(label, members[label]) for label in sorted(members)] + (
            [(other_label, other)] if other else []
        )
        shown = len(listed) > 1
        found[key] = [Group(label, frozenset(ids), shown) for label, ids in listed]
    return found


# ---------------------------------------------------------------------------------------------
# Themes (T2 and T5)


@dataclass(frozen=True)
class ThemeCells:
    """A theme's published counts: by view (T2) and, for the themes T5 shows, by group."""

    views: dict[str, Cell]  # "negative" | "neutral" | "positive" -> count
    total: Cell
    by_group: dict[str, dict[str, Cell]] = field(default_factory=dict)  # grouping key -> label -> count
    # What a reader can tell of the total and of each view from T2 with T5 (``linked.tightest``), for
    # the tables that add to them (T1); empty where T5 does not break the theme down.
    ranges: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def protect_themes(
    rules: DisclosureRules,
    gathered: Gathered,
    theme_ids: Iterable[str],
    grouped: Iterable[str],
    groups: Mapping[str, list[Group]],
    group_bases: Mapping[str, Mapping[str, Cell]],
    base: Cell,
) -> dict[str, ThemeCells]:
    """Every theme's published counts; themes in ``grouped`` also by the shown ``groups``, whose
    published bases (``group_bases``) and the coded families (``base``) are already published."""
    grouped = set(grouped)
    return {
        theme_id: _protect_theme(
            rules, gathered, theme_id, groups if theme_id in grouped else {}, group_bases, base
        )
        for theme_id in theme_ids
    }


def _protect_theme(
    rules: DisclosureRules,
    gathered: Gathered,
    theme_id: str,
    groups: Mapping[str, list[Group]],
    group_bases: Mapping[str, Mapping[str, Cell]],
    base: Cell,
) -> ThemeCells:
    # Atoms: each view (or not mentioning it) in each combination of groups. Every coded family is
    # in one group of each grouping; only figures made by hand can hold families outside them, who
    # then get a place of their own after the groups.
    keys = [key for key in groups if groups[key]]
    where = {
        key: {member: position for position, group in enumerate(groups[key]) for member in group.members}
        for key in keys
    }
    mentions = gathered.themes.get(theme_id, {})
    families = set(gathered.groups) | set(mentions)
    extra = max(0, gathered.text_base - len(families))
    outside = int(extra > 0 or any(family not in where[key] for key in keys for family in families))
    combos = list(itertools.product((*VIEWS, None), *(range(len(groups[key]) + outside) for key in keys)))
    index = {combo: i for i, combo in enumerate(combos)}
    atoms = [0] * len(combos)
    for response_id in families:
        view = theme_sentiment(mentions[response_id]) if response_id in mentions else None
        atoms[index[(view, *(where[key].get(response_id, len(groups[key])) for key in keys))]] += 1
    if extra:
        atoms[index[(None, *(len(groups[key]) for key in keys))]] += extra

    system = linked.System(combos, atoms)
    figure = system.figure
    by_view = {view: figure(lambda c, v=view: c[0] == v) for view in VIEWS}
    total = figure(lambda c: c[0] is not None)
    figure(lambda c: True, base)
    by_group: dict[str, dict[str, int]] = {}
    for k, key in enumerate(keys, start=1):
        by_group[key] = {}
        for position, group in enumerate(groups[key]):
            if not group.shown:
                continue
            figure(lambda c, k=k, p=position: c[k] == p, group_bases[key][group.label])
            by_group[key][group.label] = figure(lambda c, k=k, p=position: c[k] == p and c[0] is not None)
    published = system.protect(rules)
    named = {**by_view, "total": total}
    ranges = (
        linked.tightest(len(atoms), system.figures, published, rules, list(named.values())) if keys else {}
    )
    return ThemeCells(
        {view: published[i] for view, i in by_view.items()},
        published[total],
        {key: {label: published[i] for label, i in cells.items()} for key, cells in by_group.items()},
        {name: ranges[i] for name, i in named.items() if i in ranges},
    )


# ---------------------------------------------------------------------------------------------
# Framework areas (T1)


def protect_area(
    rules: DisclosureRules,
    gathered: Gathered,
    theme_ids: Sequence[str],
    themes: Mapping[str, ThemeCells],
    base: Cell,
) -> ThemeCells:
    """A framework area's published counts (the families mentioning any of its themes, by their view
    over those themes), protected together with the T2 counts of its themes, which stay as they are."""
    combos = list(itertools.product((*VIEWS, None), repeat=len(theme_ids)))
    index = {combo: i for i, combo in enumerate(combos)}
    atoms = [0] * len(combos)
    mentions = [gathered.themes.get(theme_id, {}) for theme_id in theme_ids]
    for response_id in set(gathered.groups).union(*mentions):
        views = tuple(theme_sentiment(m[response_id]) if response_id in m else None for m in mentions)
        atoms[index[views]] += 1
    atoms[index[(None,) * len(theme_ids)]] += max(0, gathered.text_base - sum(atoms))

    def area_view(combo: tuple[str | None, ...]) -> str | None:
        views = {view for view in combo if view is not None}
        return theme_sentiment(views) if views else None

    system = linked.System(combos, atoms)
    system.figure(lambda c: True, base)
    for position, theme_id in enumerate(theme_ids):
        cells = themes[theme_id]
        for view in VIEWS:
            system.figure(lambda c, p=position, v=view: c[p] == v, cells.views[view], cells.ranges.get(view))
        system.figure(lambda c, p=position: c[p] is not None, cells.total, cells.ranges.get("total"))
    first = len(system.figures)
    for view in VIEWS:
        system.figure(lambda c, v=view: area_view(c) == v)
    system.figure(lambda c: area_view(c) is not None)
    published = system.protect(rules)
    return ThemeCells(dict(zip(VIEWS, published[first : first + 3], strict=True)), published[first + 3])


# ---------------------------------------------------------------------------------------------
# Questions with set options (T4 and T7)


@dataclass(frozen=True)
class QuestionCells:
    """A question's published counts in T4 and, for a grouping question, T7."""

    options: dict[str, Cell]  # option value -> count
    answered: Cell  # families who gave an answer other than "don't know"
    dont_know: Cell
    categories: dict[str, Cell] = field(default_factory=dict)  # T7 label -> count
    known: Cell = 0  # families in one of T7's categories (T7's base)
    other: Cell = 0  # "Other or not known", including families who did not answer
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first value -> answers merged


def flat_answers(answers: Counter[Any]) -> Counter[str]:
    """Families per answer value as text (a rating is stored as a number, its option values as text)."""
    flat: Counter[str] = Counter()
    for value, n in answers.items():
        for option in value if isinstance(value, tuple) else (value,):
            flat[str(option)] += n
    return flat


def set_apart(question: dict[str, Any]) -> frozenset[str]:
    """The answers counted on their own, outside the base and off any scale: "don't know" and "not
    sure", and the options a definition marks ``off_scale`` (a rating's "Don't know or does not apply")."""
    off_scale = {str(o.get("value")) for o in question.get("options", []) if o.get("off_scale") is True}
    return DONT_KNOW | off_scale


def protect_question(
    rules: DisclosureRules,
    gathered: Gathered,
    key: str,
    options: Sequence[Sequence[str]],
    apart: frozenset[str] = DONT_KNOW,
) -> QuestionCells:
    """The published counts of a single-answer question: each of ``options`` (the answers that are
    not "don't know", each one value or several merged; keyed by its first value), the families who
    answered other than "don't know", and "don't know" (``apart``: the answers counted as such)."""
    flat = flat_answers(gathered.closed.get(key, Counter()))
    listed = [value for values in options for value in values]
    values = [*listed, *(v for v in flat if v not in listed)]
    figures = [frozenset(values.index(value) for value in merged) for merged in options]
    figures.append(frozenset(i for i, value in enumerate(values) if value not in apart))
    figures.append(frozenset(i for i, value in enumerate(values) if value in apart))
    published = linked.protect([flat[value] for value in values], figures, rules)
    return QuestionCells(
        {merged[0]: cell for merged, cell in zip(options, published, strict=False)},
        published[-2],
        published[-1],
        merged={merged[0]: tuple(merged) for merged in options if len(merged) > 1},
    )


def merged_scale(
    rules: DisclosureRules, gathered: Gathered, key: str, options: Sequence[str], levels: Sequence[int]
) -> list[list[str]]:
    """The answers of a scale, an answer given by 1..threshold families merged with its neighbour
    towards the middle of the scale ("Very badly or badly"; the middle answer with its smaller
    neighbour), while more than two answers are left: the question keeps its bar in C3 rather than
    hiding answers. ``levels``: each option's place on the scale (below 0 negative)."""
    flat = flat_answers(gathered.closed.get(key, Counter()))
    merged = [([option], level) for option, level in zip(options, levels, strict=True)]

    def count(i: int) -> int:
        return sum(flat[value] for value in merged[i][0])

    while len(merged) > 2:
        small = next((i for i in range(len(merged)) if 1 <= count(i) <= rules.threshold), None)
        if small is None:
            break
        level = merged[small][1]
        beside = [i for i in (small - 1, small + 1) if 0 <= i < len(merged)]
        other = small + 1 if level < 0 else small - 1 if level > 0 else min(beside, key=count)
        low, high = sorted((small, other))
        merged[low : high + 1] = [
            (merged[low][0] + merged[high][0], max(merged[low][1], merged[high][1], key=abs))
        ]
    return [values for values, _ in merged]


def protect_groupings(
    rules: DisclosureRules,
    gathered: Gathered,
    options: Mapping[str, Sequence[str]],
    respondents: Cell,
    groups: Mapping[str, list[Group]],
    group_bases: Mapping[str, Mapping[str, Cell]],
    coded: Cell,
) -> dict[str, QuestionCells]:
    """The grouping questions' counts in T4 and T7, protected together with T5's groups: every
    family's answers to the three (``gathered.profiles``), and whether it has coded free text
    (``gathered.groups``), are the atoms. ``respondents``, ``coded`` and the ``group_bases`` of
    the shown ``groups`` are already published. ``options[key]``: the question's options that are
    not "don't know" (T4's rows)."""
    keys = list(GROUPINGS)
    profiles = [
        (tuple(_answer(answers, key) for key in keys), response_id in gathered.groups)
        for response_id, answers in gathered.profiles.items()
    ]
    values: list[list[str | None]] = []
    for position, key in enumerate(keys):
        seen = {answers[position] or "" for answers, _ in profiles} - {""}
        values.append([*options[key], *sorted(v for v in seen if v not in options[key]), None])
    atoms_of = list(itertools.product(*values, (True, False)))
    index = {atom: i for i, atom in enumerate(atoms_of)}
    atoms = [0] * len(atoms_of)
    for answers, is_coded in profiles:
        atoms[index[(*answers, is_coded)]] += 1

    system = linked.System(atoms_of, atoms)
    figure = system.figure
    figure(lambda a: True, respondents)
    figure(lambda a: a[-1], coded)
    made: dict[str, tuple[dict[str, int], int, int, dict[str, int], int, int]] = {}
    for p, key in enumerate(keys):
        mapping = GROUPINGS[key][1]
        by_option = {o: figure(lambda a, p=p, o=o: a[p] == o) for o in options[key]}
        answered = figure(lambda a, p=p: a[p] is not None and a[p] not in DONT_KNOW)
        dont_know = figure(lambda a, p=p: a[p] in DONT_KNOW)
        categories = {
            label: figure(lambda a, p=p, m=mapping, g=label: m.get(str(a[p])) == g)
            for label in dict.fromkeys(mapping.values())
        }
        known = figure(lambda a, p=p, m=mapping: str(a[p]) in m)
        other = figure(lambda a, p=p, m=mapping: str(a[p]) not in m)
        for group in groups.get(key, []):
            if group.shown:
                given = {_answer(gathered.groups[member], key) for member in group.members}
                figure(lambda a, p=p, s=given: a[-1] and a[p] in s, group_bases[key][group.label])
        made[key] = (by_option, answered, dont_know, categories, known, other)
    published = system.protect(rules)
    return {
        key: QuestionCells(
            {option: published[i] for option, i in by_option.items()},
            published[answered],
            published[dont_know],
            {label: published[i] for label, i in categories.items()},
            published[known],
            published[other],
        )
        for key, (by_option, answered, dont_know, categories, known, other) in made.items()
    }


def _answer(answers: Mapping[str, Any], key: str) -> str | None:
    found = answers.get(key)
    return None if found is None else str(found)
