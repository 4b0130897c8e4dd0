"""Checks of a draft's routing ("show only if the answer to X is one of Y"), in words a lead can act on.

``routing_problems`` reads the raw document, so it also explains a document ``parse_definition`` would
refuse (a condition on a later question, say). A survey with a routing problem is not published.
"""

from __future__ import annotations

from typing import Any

from forum_app.builder.editing import KIND_NAMES, questions_of
from forum_app.surveys.definitions import KINDS_WITH_OPTIONS


def _name(question: dict[str, Any]) -> str:
    return f"“{question.get('title') or question.get('key')}”"


def _condition(question: dict[str, Any]) -> tuple[str, list[str]] | None:
    raw = question.get("show_if")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        return "", []
    values = raw.get("any_of")
    return str(raw.get("question", "")), [str(v) for v in values] if isinstance(values, list) else []


def _own_problem(
    question: dict[str, Any], position: dict[str, int], by_key: dict[str, dict[str, Any]]
) -> tuple[str | None, bool]:
    """What is wrong with one question's own condition, and whether it leaves the question never shown."""
    condition = _condition(question)
    if condition is None:
        return None, False
    on, values = condition
    name = _name(question)
    depends = by_key.get(on)
    if depends is None:
        return f"{name} is shown only for an answer to a question the survey no longer has.", True
    if on == question.get("key"):
        return f"{name} is shown only for some of its own answers, so it can never be shown.", True
    if position[on] > position[str(question.get("key"))]:
        return (
            f"{name} is shown only for some answers to {_name(depends)}, which comes after it. "
            f"Move {_name(depends)} above it, or change its “show only if”.",
            True,
        )
    kind = str(depends.get("type"))
    if kind not in KINDS_WITH_OPTIONS:
        kind_name = KIND_NAMES.get(kind, kind).lower()
        return (
            f"{name} is shown only for some answers to {_name(depends)}, which has no options to choose "
            f"from ({kind_name}). Choose another question in its “show only if”.",
            True,
        )
    offered = {str(o.get("value")) for o in depends.get("options") or [] if isinstance(o, dict)}
    missing = [value for value in values if value not in offered]
    if not values or len(missing) == len(values):
        return (
            f"{name} is shown only for answers {_name(depends)} no longer offers, so it can never be "
            "shown. Choose its answers again in its “show only if”.",
            True,
        )
    if missing:
        return (
            f"{name} is shown for {len(missing)} "
            f"{'answer' if len(missing) == 1 else 'answers'} {_name(depends)} no longer offers. "
            "Choose its answers again in its “show only if”.",
            False,
        )
    return None, False


def routing_problems(document: dict[str, Any]) -> list[str]:
    """Every routing problem of the document, one sentence each naming the question, in survey order:
    a condition on itself or on a later question, on a question without options, on answers not
    offered (a dead end), and a question never shown because the question it depends on never is."""
    questions = questions_of(document)
    position = {str(q.get("key")): index for index, q in enumerate(questions)}
    by_key = {str(q.get("key")): q for q in questions}
    problems: list[str] = []
    never_shown: set[str] = set()
    for question in questions:
        key = str(question.get("key"))
        problem, dead = _own_problem(question, position, by_key)
        if problem:
            problems.append(problem)
        if dead:
            never_shown.add(key)
    # Dependence runs forward only once the problems above are fixed; until then follow it to a fixed point.
    changed = True
    while changed:
        changed = False
        for question in questions:
            key = str(question.get("key"))
            condition = _condition(question)
            if key in never_shown or condition is None or condition[0] not in never_shown:
                continue
            never_shown.add(key)
            changed = True
            depends = by_key[condition[0]]
            problems.append(
                f"{_name(question)} can never be shown, because {_name(depends)}, whose answer decides it, "
                "is never shown."
            )
    return problems
