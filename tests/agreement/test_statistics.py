"""Agreement figures against values worked out by hand (and, for kappa, against scikit-learn)."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import cohen_kappa_score

from forum_app.agreement.statistics import cohen_kappa, compare

# Ten answers. Coder A gives the theme to answers 1-5, coder B to 1-4 and 6.
A = {f"r{i}": (["waiting_times"] if i <= 5 else []) for i in range(1, 11)}
B = {f"r{i}": (["waiting_times"] if i <= 4 or i == 6 else []) for i in range(1, 11)}


def test_kappa_and_percentage_by_hand() -> None:
    # Observed agreement 8/10; each coder says yes half the time, so chance agreement is 0.5:
    # kappa = (0.8 - 0.5) / (1 - 0.5) = 0.6.
    result = compare(A, B, ["waiting_times"]).per_theme["waiting_times"]
    assert result.n == 10 and result.both == 4 and result.either == 6
    assert result.percent == pytest.approx(80.0)
    assert result.kappa == pytest.approx(0.6)


def test_alpha_by_hand() -> None:
    # Nominal alpha for two coders and yes/no values: 1 - (n - 1) * o_01 / (n_0 * n_1)
    # with n = 20 pairable values, o_01 = 2 disagreements each way, n_0 = n_1 = 10: 1 - 19 * 2 / 100.
    assert compare(A, B, ["waiting_times"]).alpha == pytest.approx(0.62)


def test_answers_coded_by_one_coder_are_left_out() -> None:
    extra = {**A, "r11": ["waiting_times"], "r12": []}
    result = compare(extra, B, ["waiting_times"])
    assert result.n == 10 and result.per_theme["waiting_times"].kappa == pytest.approx(0.6)


def test_kappa_matches_scikit_learn_on_random_decisions() -> None:
    rng = random.Random(5)
    for _ in range(20):
        first = [rng.random() < 0.3 for _ in range(60)]
        second = [x if rng.random() < 0.8 else not x for x in first]
        assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))


def test_undefined_cases_say_so() -> None:
    never: dict[str, list[str]] = {f"r{i}": [] for i in range(5)}
    result = compare(never, never, ["mental_health"])
    assert result.per_theme["mental_health"].kappa is None  # nobody ever used it: kappa undefined
    assert result.per_theme["mental_health"].percent == 100.0
    assert result.alpha is None
    nothing = compare({}, {"r1": ["mental_health"]}, ["mental_health"])
    assert nothing.n == 0 and nothing.per_theme["mental_health"].percent is None
    assert cohen_kappa([], []) is None


def test_perfect_and_opposite_coders() -> None:
    themes = ["waiting_times", "family_impact"]
    same = compare(A, A, themes)
    assert same.per_theme["waiting_times"].kappa == pytest.approx(1.0) and same.alpha == pytest.approx(1.0)
    flipped = {k: ([] if v else ["waiting_times"]) for k, v in A.items()}
    assert compare(A, flipped, ["waiting_times"]).per_theme["waiting_times"].kappa == pytest.approx(-1.0)
