"""The pack's quotes: which approved, consented, redacted answers are shown, by the rules in PACK.md.

Only themes with at least ``MIN_REPORTS_FOR_QUOTES`` reports (published count) give quotes; at most
``MAX_QUOTES_PER_THEME`` each, the typical view first, each at most ``MAX_QUOTE_WORDS`` words, none
repeated; a minority view is labelled.
"""

from __future__ import annotations

from collections import Counter

from forum_app.packs.data import Gathered
from forum_app.packs.model import Quote
from forum_app.packs.tables import Publisher, fmt, theme_sentiment

MIN_REPORTS_FOR_QUOTES = 10
MAX_QUOTES_PER_THEME = 3
MAX_QUOTE_WORDS = 60


def select_quotes(
    publisher: Publisher, now: Gathered, themes: list[tuple[str, str, list[str]]], area_labels: dict[str, str]
) -> tuple[Quote, ...]:
    """Up to 3 candidate quotes per theme with at least 10 reports, typical view first, none repeated."""
    labels = {theme_id: (label, areas) for theme_id, label, areas in themes}
    used: set[int] = set()
    out: list[Quote] = []
    by_theme: dict[str, list[tuple[int, str, str]]] = {}
    for answer_id, theme_id, text, sentiment, _ in now.quotes:
        by_theme.setdefault(theme_id, []).append((answer_id, text, sentiment))
    for theme_id, _, _ in themes:
        mentions = now.themes.get(theme_id, {})
        reports = publisher.count(len(mentions))
        if (
            len(mentions) < MIN_REPORTS_FOR_QUOTES
            or not isinstance(reports, int)
            or reports < MIN_REPORTS_FOR_QUOTES
        ):
            continue
        typical = Counter(theme_sentiment(s) for s in mentions.values()).most_common(1)[0][0]
        choices = sorted(by_theme.get(theme_id, []), key=lambda c: (c[2] != typical, c[0]))
        shown = 0
        for answer_id, text, sentiment in choices:
            words = len(text.split())
            if answer_id in used or words > MAX_QUOTE_WORDS or shown == MAX_QUOTES_PER_THEME:
                continue
            used.add(answer_id)
            shown += 1
            label, areas = labels[theme_id]
            out.append(
                Quote(
                    id=f"Q-{len(out) + 1:03d}",
                    theme_id=theme_id,
                    theme_label=label,
                    framework_area="; ".join(area_labels.get(a, a) for a in areas),
                    sentiment=sentiment,
                    text=text,
                    words=words,
                    of_comments=f"1 of {fmt(reports)} comments on this theme",
                    minority=theme_sentiment({sentiment}) != typical,
                )
            )
    return tuple(out)
