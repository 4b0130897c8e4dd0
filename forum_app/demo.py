"""Demo data: a demo forum with the default survey and synthetic reports that take a real report's
path (``journeys.store_added``), the demo lead's coding and quotes, made-up local figures, and the
``flask seed-demo`` command that puts them together."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.accounts.models import Forum, User
from forum_app.accounts.passwords import ONE_TIME_DAYS
from forum_app.accounts.services import create_user, ensure_forum
from forum_app.coding.bulk import bulk_accept
from forum_app.coding.filters import Filters, filter_options
from forum_app.coding.queue import queue_page
from forum_app.extensions import db
from forum_app.forum_settings import PackPopulation, read_section
from forum_app.moderation.queue import credit_approvals
from forum_app.packs.population_form import (
    date_field,
    official_field,
    percent_field,
    save_population,
    source_field,
    total_field,
)
from forum_app.quotes import candidates
from forum_app.quotes.check import check_quote
from forum_app.surveys.definitions import EASY_READ_SURVEY_SLUG, load_packaged, parse_definition
from forum_app.surveys.demo_answers import insert_submitted
from forum_app.surveys.models import Answer
from forum_app.surveys.services import publish_survey

DEMO_LEAD_EMAIL = "lead@demo.forum.invalid"
BATCH = 1000


@dataclass(frozen=True)
class SeedResult:
    forum_slug: str
    survey_slug: str
    responses: int
    lead_email: str
    lead_password: str | None  # set only when the lead was created now


def seed_demo(
    session: Session, responses: int, seed: int, forum_slug: str = "demo", until: date | None = None
) -> SeedResult:
    """Create (if missing) the forum, the default survey and a lead, then add ``responses``, each
    taken in, checked and coded as a sent report is (``journeys.store_added``).

    Answers depend only on ``seed``; submission dates spread over the year before ``until``.
    """
    forum = ensure_forum(
        session,
        forum_slug,
        name=f"{forum_slug.title()} Parent Carer Forum",
        local_area=f"{forum_slug.title()} local area",
    )
    version = publish_survey(session, forum, load_packaged())
    lead = create_user(session, DEMO_LEAD_EMAIL, forum_slug, "lead") if forum_slug == "demo" else None
    definition = parse_definition(version.definition)
    rng = random.Random(seed)  # noqa: S311  (synthetic content, reproducible by design)
    last_day = until or date.today()
    for start in range(0, responses, BATCH):
        count = min(BATCH, responses - start)
        added = insert_submitted(session, version, definition, count, rng, last_day)
        journeys.store_added(session, added, seeded=True)
    return SeedResult(
        forum_slug,
        definition.slug,
        responses,
        lead.user.email if lead else "",
        lead.password if lead else None,
    )


def add_easy_read_survey(session: Session, forum_slug: str) -> str:
    """Publish the Easy Read version of the default survey in the forum (if not there yet): the same
    questions, so its answers combine with the default survey's. Returns its address."""
    forum = ensure_forum(session, forum_slug, name=f"{forum_slug.title()} Parent Carer Forum")
    version = publish_survey(session, forum, load_packaged(EASY_READ_SURVEY_SLUG))
    return str(version.definition["slug"])


def confirm_demo_coding(session: Session, forum_slug: str, sent_before: date) -> int:
    """The demo lead's coding so far: the coder's suggestions for approved answers sent before
    ``sent_before`` confirmed as they are (as a bulk decision of the lead, which can be undone), so a
    demo pack has coded themes while newer answers wait in the coding queue. Returns how many."""
    forum = session.scalar(select(Forum).where(Forum.slug == forum_slug))
    lead = session.scalar(select(User).where(User.email == DEMO_LEAD_EMAIL))
    if forum is None or lead is None:
        return 0
    return bulk_accept(session, forum.id, lead.id, 0.5, Filters(period_to=sent_before - timedelta(days=1)))


DEMO_QUOTES_PER_THEME = {"negative": 2, "mixed": 1, "neutral": 1, "positive": 1}
DEMO_QUOTES_LEFT_OUT = 2  # candidates the pack's final check leaves out, so the demo shows why


@dataclass(frozen=True)
class DemoQuotes:
    chosen: int
    themes: int
    left_out: int  # of ``chosen``: left out of packs by the final check


def add_demo_quotes(session: Session, forum_slug: str) -> DemoQuotes:
    """The demo lead's candidate quotes, so a demo pack has a Q register: coded answers whose family
    agreed to be quoted, in every theme with enough reports to be quoted, a few per sentiment, oldest
    first, each at most 60 words and passing the pack's final check; plus ``DEMO_QUOTES_LEFT_OUT`` that
    do not pass it, so the candidate quotes page and the pack's checklist show why. The demo's
    approvals are recorded as the demo lead's, as a pack quotes only answers approved by a known role.
    Nothing is added where the lead has chosen quotes already."""
    forum = session.scalar(select(Forum).where(Forum.slug == forum_slug))
    lead = session.scalar(select(User).where(User.email == DEMO_LEAD_EMAIL))
    if forum is None or lead is None or candidates.candidates(session, forum.id):
        return DemoQuotes(0, 0, 0)
    wanted = Filters(status="coded", quotable=True)
    first = queue_page(session, forum.id, wanted, 1, 500)
    rows = list(first.rows)
    for number in range(2, first.pages + 1):
        rows += queue_page(session, forum.id, wanted, number, 500, total=first.total).rows
    themes = list(filter_options(session, forum.id).theme_labels)
    reports = candidates.theme_reports(session, forum.id, themes)
    places = {
        (theme, view): n
        for theme in themes
        if reports.get(theme, 0) >= candidates.PACK_MINIMUM_REPORTS
        for view, n in DEMO_QUOTES_PER_THEME.items()
    }
    chosen: dict[int, str] = {}
    left_out = 0
    for row in rows:
        text = str(session.scalar(select(Answer.value).where(Answer.id == row.answer_id)) or "")
        failing = bool(check_quote(text))
        if len(text.split()) > candidates.MOST_WORDS or (failing and left_out >= DEMO_QUOTES_LEFT_OUT):
            continue
        theme = next(
            (t for t in candidates.themes_of(session, row.answer_id) if places.get((t, row.sentiment))), None
        )
        if theme is None:
            continue
        chosen[row.answer_id] = theme
        if failing:
            left_out += 1  # shown on the quotes page; its place stays for one the pack can use
        else:
            places[(theme, row.sentiment)] -= 1
    credit_approvals(session, list(chosen), lead.id)
    for answer_id, theme in chosen.items():
        candidates.mark(session, forum.id, answer_id, [theme], lead.id)
    return DemoQuotes(len(chosen), len(set(chosen.values())), left_out)


# Made-up local figures for the demo forum's T7 (the share of the area's children with SEND in each
# group, and the area's totals) and an official EHC waiting-time figure for T3 and C2, labelled as not
# real wherever they are shown.
DEMO_SOURCE = "Demo figures, not real data"
DEMO_POPULATION = {
    "age_band": {"0-4": "6", "5-10": "33", "11-15": "36", "16-18": "15", "19-25": "10", "other": "0"},
    "setting": {
        "early_years": "5",
        "mainstream_primary": "38",
        "mainstream_secondary": "30",
        "resourced": "17",
        "post16": "10",
        "other": "0",
    },
    "ehcp": {"yes": "20", "sen_support": "80", "other": "0"},
}
DEMO_TOTALS = {"ehcp": "3200", "sen_support": "13500"}
DEMO_OFFICIAL = {"ehcna": ("49.5", "calendar year 2025")}  # service -> (% over the limit, date)


def add_demo_population(session: Session, forum_slug: str) -> bool:
    """Give the demo forum made-up local population figures, unless it has some. True if added."""
    forum = session.scalar(select(Forum).where(Forum.slug == forum_slug))
    if forum is None or read_section(forum, PackPopulation) != PackPopulation():
        return False
    typed: dict[str, str] = {}
    for key, percents in DEMO_POPULATION.items():
        typed |= {percent_field(key, category): value for category, value in percents.items()}
        typed |= {source_field(key): DEMO_SOURCE, date_field(key): "January 2026"}
    for total_id, count in DEMO_TOTALS.items():
        field = total_field(total_id)
        typed |= {field: count, source_field(field): DEMO_SOURCE, date_field(field): "January 2026"}
    for service, (percent, as_of) in DEMO_OFFICIAL.items():
        field = official_field(service)
        typed |= {field: percent, source_field(field): DEMO_SOURCE, date_field(field): as_of}
    errors = save_population(session, forum, typed)
    if errors:
        raise ValueError(f"The demo population figures do not pass the form's checks: {errors}")
    return True


@click.command("seed-demo")
@click.option(
    "--responses",
    "count",
    type=click.IntRange(0, 1_000_000),
    default=0,
    show_default=True,
    help="How many synthetic submitted responses to add.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same answers.")
@click.option("--forum", "forum_slug", default="demo", show_default=True, help="Forum slug.")
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last submission date (default today); dates spread over the year before.",
)
@click.option(
    "--coded-before-days",
    "coded_days",
    type=click.IntRange(0, 3650),
    default=30,
    show_default=True,
    help="The demo lead confirms the suggested themes of approved answers sent more than this many days "
    "before --until; newer ones wait in the coding queue.",
)
@with_appcontext
def seed_demo_command(count: int, seed: int, forum_slug: str, until: object, coded_days: int) -> None:
    """Create the demo forum, its default survey (and its Easy Read version) and COUNT synthetic
    responses."""
    last_day = until.date() if until is not None else date.today()  # type: ignore[attr-defined]
    result = seed_demo(db.session, count, seed, forum_slug, last_day)
    click.echo(
        f"Forum '{result.forum_slug}', survey '{result.survey_slug}': added {result.responses} responses."
    )
    easy_read = add_easy_read_survey(db.session, forum_slug)
    click.echo(f"The Easy Read version is at /s/{forum_slug}/{easy_read}/.")
    cutoff = last_day - timedelta(days=coded_days)
    coded = confirm_demo_coding(db.session, forum_slug, cutoff) if result.lead_email else 0
    if coded:
        click.echo(
            f"The demo lead confirmed the suggested themes of {coded:,} answers sent before {cutoff}; "
            "newer ones wait in the coding queue."
        )
    demo_quotes = add_demo_quotes(db.session, forum_slug) if coded else None
    if demo_quotes and demo_quotes.chosen:
        click.echo(
            f"The demo lead chose {demo_quotes.chosen} candidate quotes in {demo_quotes.themes} themes; "
            f"packs leave {demo_quotes.left_out} of them out (see Candidate quotes for why)."
        )
    if result.lead_email and add_demo_population(db.session, forum_slug):
        click.echo("Added made-up local figures for tables T3 and T7 (not real data).")
    if result.lead_password:
        click.echo(f"Staff sign-in: {result.lead_email}")
        click.echo(
            f"One-time password (change it when you first sign in, within {ONE_TIME_DAYS} days): "
            f"{result.lead_password}"
        )
    elif result.lead_email:
        click.echo(
            f"Staff user {result.lead_email} already exists. For a new password run: "
            f"flask --app wsgi users reset-password --email {result.lead_email}"
        )
