"""The pack's quotes: which approved, consented, redacted answers are shown, by the rules in PACK.md.

Which answers may be quoted at all is the quotes feature's rule (``quotes.reads.quotable``): a lead
marked it as a candidate for the theme, the family ticked "you can quote my words", a moderator whose
role in the forum is known approved it (so only the redacted text is left) and a person coded it with
that theme. What follows is the pack's use of them, so it lives here: which of those a pack publishes,
given its own counts, disclosure rules and descriptors.

The final check comes first (``final_check``): a candidate with a school year, a month or date, an
exact age or a name in it (``quotes.check``) is left out, never edited, and cannot take a place.

The selection rule, theme by theme in codebook order:

1. A theme gives quotes only when at least ``MIN_REPORTS_FOR_QUOTES`` families mention it (both the
   exact and the published count).
2. Each family mentioning the theme has one view of it, as in T2: negative if any of their answers
   on it is negative, positive if any is positive and none negative, otherwise neutral (mixed answers
   count as neutral). The view most families hold is the typical view (a tie goes to negative, then
   neutral).
3. The ``MAX_QUOTES_PER_THEME`` places are shared between the views in proportion to the families
   holding each (largest remainder: each view gets the whole part of its share of the places; the
   places left go to the largest fractions, a tie to the larger view). A 2:1 split gives 2 and 1.
4. Each view's places are filled with its candidates in answer order, skipping any longer than
   ``MAX_QUOTE_WORDS`` words and any already shown (the same answer, or the same words, for another
   theme). A place with no candidate stays empty: another view never takes it.
5. The typical view comes first; a quote of another view is labelled "one family's view". A theme
   with no quote of its typical view shows none.

Each quote carries a descriptor of who said it (``descriptor``): at most "parent, secondary age,
EHCP", and only a description that at least ``MIN_DESCRIPTOR_GROUP`` respondents counted in the pack
(its period, and its filter if any) share; otherwise a coarser one, down to "parent".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from forum_app.packs.blocks import theme_sentiment
from forum_app.packs.contents import Quote
from forum_app.packs.data import Gathered
from forum_app.packs.tables import Publisher, fmt
from forum_app.quotes.candidates import PACK_MINIMUM_REPORTS
from forum_app.quotes.check import Problem, check_quote
from forum_app.quotes.reads import QuoteSource

MIN_REPORTS_FOR_QUOTES = PACK_MINIMUM_REPORTS  # the quotes feature's rule, shown on its overview
MAX_QUOTES_PER_THEME = 3
MAX_QUOTE_WORDS = 60
MIN_DESCRIPTOR_GROUP = 10
VIEWS = ("negative", "neutral", "positive")  # the order ties are broken in
SELECTION_RULE = (
    f"at most {MAX_QUOTES_PER_THEME} per theme, shared between negative, neutral and positive views in "
    "proportion to how many families hold each; the view most families hold comes first and any other "
    "is labelled “one family's view”"
)

# Descriptor words for the grouping answers: never an exact age, a date or a setting's name.
AGE_WORDS = {
    "0-4": "early years age",
    "5-10": "primary age",
    "11-15": "secondary age",
    "16-18": "post-16",
    "19-25": "post-16",
}
PLAN_WORDS = {"yes": "EHCP", "sen_support": "SEN support"}
Profile = tuple[str | None, str | None]  # (age words, plan words)


def final_check(
    sources: Iterable[QuoteSource], deny_names: Iterable[str] = (), deny_list: Iterable[str] = ()
) -> tuple[list[QuoteSource], list[tuple[QuoteSource, tuple[Problem, ...]]]]:
    """The candidates that pass the final check, and those left out with what was found in each.
    ``deny_names``, ``deny_list``: the forum's own names of people and settings (moderation settings)."""
    names, settings = tuple(deny_names), tuple(deny_list)
    passed: list[QuoteSource] = []
    left_out: list[tuple[QuoteSource, tuple[Problem, ...]]] = []
    for source in sources:
        problems = check_quote(source.text, names, settings)
        if problems:
            left_out.append((source, problems))
        else:
            passed.append(source)
    return passed, left_out


def select_quotes(
    publisher: Publisher,
    now: Gathered,
    themes: list[tuple[str, str, list[str]]],
    area_labels: dict[str, str],
    deny_names: Iterable[str] = (),
    deny_list: Iterable[str] = (),
) -> tuple[Quote, ...]:
    """The pack's quotes by the selection rule above, numbered Q-001 onwards in the order shown: only
    candidates that pass the final check (``deny_names``, ``deny_list``: see ``final_check``)."""
    by_theme: dict[str, list[QuoteSource]] = {}
    for source in final_check(now.quotes, deny_names, deny_list)[0]:
        by_theme.setdefault(source.theme_id, []).append(source)
    profiles = {r: profile_of(answers) for r, answers in now.profiles.items()}
    sizes = Counter(profiles.values())
    shown_answers: set[int] = set()
    shown_words: set[str] = set()
    out: list[Quote] = []
    for theme_id, label, areas in themes:
        mentions = now.themes.get(theme_id, {})
        reports = publisher.count(len(mentions))
        if len(mentions) < MIN_REPORTS_FOR_QUOTES or not (
            isinstance(reports, int) and reports >= MIN_REPORTS_FOR_QUOTES
        ):
            continue
        split = Counter(theme_sentiment(sentiments) for sentiments in mentions.values())
        typical = order_views(split)[0]
        for source in _choose(by_theme.get(theme_id, []), split, shown_answers, shown_words):
            out.append(
                Quote(
                    id=f"Q-{len(out) + 1:03d}",
                    theme_id=theme_id,
                    theme_label=label,
                    framework_area="; ".join(area_labels.get(a, a) for a in areas),
                    sentiment=source.sentiment,
                    text=source.text,
                    words=len(source.text.split()),
                    of_comments=f"1 of {fmt(reports)} comments on this theme",
                    descriptor=describe(profiles.get(source.response_id, (None, None)), sizes),
                    minority=theme_sentiment({source.sentiment}) != typical,
                    redactions=source.redactions,
                    approved_by_role=source.approved_by_role,
                    approved_on=source.approved_on.isoformat(),
                )
            )
    return tuple(out)


def _choose(
    sources: list[QuoteSource], split: Mapping[str, int], answers: set[int], words: set[str]
) -> list[QuoteSource]:
    """One theme's quotes: each view's places filled from its own candidates, the typical view first;
    none at all when the typical view has no candidate."""
    places = allocate(split, MAX_QUOTES_PER_THEME)
    chosen: list[QuoteSource] = []
    for rank, view in enumerate(order_views(split)):
        pool = [s for s in sources if theme_sentiment({s.sentiment}) == view]
        picked = _pick(pool, places.get(view, 0), answers, words)
        if rank == 0 and not picked:
            return []
        chosen += picked
    return chosen


def allocate(split: Mapping[str, int], places: int) -> dict[str, int]:
    """The places shared in proportion to ``split`` by the largest remainder method."""
    total = sum(split.values())
    if not total:
        return {}
    shares = {view: Fraction(places * n, total) for view, n in split.items() if n}
    given = {view: int(share) for view, share in shares.items()}
    by_remainder = sorted(shares, key=lambda v: (-(shares[v] - given[v]), -split[v], _rank(v)))
    for view in by_remainder[: places - sum(given.values())]:
        given[view] += 1
    return given


def order_views(split: Mapping[str, int]) -> list[str]:
    """The views families hold, the most common first (a tie in ``VIEWS`` order)."""
    return sorted((v for v, n in split.items() if n), key=lambda v: (-split[v], _rank(v)))


def _rank(view: str) -> int:
    return VIEWS.index(view) if view in VIEWS else len(VIEWS)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _pick(pool: list[QuoteSource], places: int, answers: set[int], words: set[str]) -> list[QuoteSource]:
    """Up to ``places`` of the pool in answer order, none shown before; marks them as shown."""
    picked: list[QuoteSource] = []
    for source in sorted(pool, key=lambda s: s.answer_id):
        if len(picked) == places:
            break
        key = _key(source.text)
        if source.answer_id in answers or key in words or len(source.text.split()) > MAX_QUOTE_WORDS:
            continue
        picked.append(source)
        answers.add(source.answer_id)
        words.add(key)
    return picked


def profile_of(answers: Mapping[str, Any]) -> Profile:
    """A respondent's descriptor words: age band and EHC plan, None where there are none."""
    return AGE_WORDS.get(str(answers.get("age_band"))), PLAN_WORDS.get(str(answers.get("ehcp")))


def describe(profile: Profile, sizes: Mapping[Profile, int]) -> str:
    """The most specific of "parent, <age>, <plan>", "parent, <age>", "parent, <plan>" and "parent"
    that at least ``MIN_DESCRIPTOR_GROUP`` respondents share (``sizes``: respondents per profile)."""
    age, plan = profile
    for want_age, want_plan in dict.fromkeys(((age, plan), (age, None), (None, plan))):
        if want_age is None and want_plan is None:
            continue
        group = sum(
            n
            for (a, p), n in sizes.items()
            if (want_age is None or a == want_age) and (want_plan is None or p == want_plan)
        )
        if group >= MIN_DESCRIPTOR_GROUP:
            return ", ".join(["parent", *(w for w in (want_age, want_plan) if w)])
    return "parent"
