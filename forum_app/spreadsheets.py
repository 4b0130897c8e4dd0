"""What every spreadsheet the app writes (pack tables, exports of responses) does with its headers."""

from __future__ import annotations

from collections.abc import Iterable


def unique_labels(labels: Iterable[tuple[str, str]]) -> list[str]:
    """Each ``(label, fallback)`` as a header on one line, the fallback when the label is blank, made
    unique ignoring case as Excel wants them (a repeated label gets " (2)", " (3)"...)."""
    found: list[str] = []
    seen: set[str] = set()
    for text, fallback in labels:
        base = " ".join(text.split()) or fallback
        label, n = base, 1
        while label.casefold() in seen:
            n += 1
            label = f"{base} ({n})"
        found.append(label)
        seen.add(label.casefold())
    return found
