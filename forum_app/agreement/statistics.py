"""Inter-coder agreement: per-theme Cohen's kappa and percentage agreement, Krippendorff's alpha overall.

Only answers coded by both coders count (an answer coded by one is left out, as reviewers expect).
Each theme is a yes/no decision per answer, so kappa is computed per theme on those decisions, and
alpha over every (answer, theme) decision together, at the nominal level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import krippendorff
import numpy as np


@dataclass(frozen=True)
class ThemeAgreement:
    theme: str
    n: int  # answers both coders coded
    both: int  # answers both gave this theme
    either: int  # answers at least one gave this theme
    percent: float | None  # share of answers where the two decisions match, 0-100
    kappa: float | None  # None when it is undefined: neither coder varied on this theme


@dataclass(frozen=True)
class Agreement:
    n: int
    per_theme: dict[str, ThemeAgreement]
    alpha: float | None  # Krippendorff's alpha, nominal, over all (answer, theme) decisions


def cohen_kappa(first: list[bool], second: list[bool]) -> float | None:
    """Cohen's kappa for two coders' yes/no decisions on the same items."""
    n = len(first)
    if n == 0 or n != len(second):
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p_first, p_second = sum(first) / n, sum(second) / n
    expected = p_first * p_second + (1 - p_first) * (1 - p_second)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def compare(
    first: Mapping[str, Iterable[str]], second: Mapping[str, Iterable[str]], themes: Iterable[str]
) -> Agreement:
    """Agreement of two coders, each given as {answer id: themes}, over the answers both coded."""
    shared = sorted(set(first) & set(second))
    a = {item: set(first[item]) for item in shared}
    b = {item: set(second[item]) for item in shared}
    theme_list = list(themes)
    per_theme = {}
    for theme in theme_list:
        yes_a = [theme in a[item] for item in shared]
        yes_b = [theme in b[item] for item in shared]
        matches = sum(x == y for x, y in zip(yes_a, yes_b, strict=True))
        per_theme[theme] = ThemeAgreement(
            theme=theme,
            n=len(shared),
            both=sum(x and y for x, y in zip(yes_a, yes_b, strict=True)),
            either=sum(x or y for x, y in zip(yes_a, yes_b, strict=True)),
            percent=100 * matches / len(shared) if shared else None,
            kappa=cohen_kappa(yes_a, yes_b),
        )
    return Agreement(len(shared), per_theme, _alpha(shared, a, b, theme_list))


def _alpha(
    shared: list[str], a: dict[str, set[str]], b: dict[str, set[str]], themes: list[str]
) -> float | None:
    decisions = [[float(theme in coded[item]) for item in shared for theme in themes] for coded in (a, b)]
    values = np.array(decisions)
    if values.size == 0 or len(np.unique(values)) < 2:
        return None  # no variation at all: alpha is undefined
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement="nominal"))
