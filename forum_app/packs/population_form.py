"""The lead's form for the local population figures: checking what was typed, saving it, and the
fieldsets the page prints. ``population.py`` reads the saved figures and builds T7 from them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.forum_settings import Errors, PackPopulation, read_section, save_section, section_version
from forum_app.packs.population import (
    MAX_DATE_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TOTAL,
    OFFICIAL_SERVICES,
    OTHER,
    SETTINGS_KEY,
    SUM_TOLERANCE,
    TOTALS,
    clean_text,
    groupings,
    short_text,
)
from forum_app.packs.tables import lower_first
from forum_app.packs.waits import LIMITS

CHANGED_MEANWHILE = (
    "Another lead saved these figures while you were changing them, so your changes were not saved. "
    "Open this page again in a new tab to see theirs; saving this form again replaces them with yours."
)
PERCENT = re.compile(r"(\d{1,3})(?:\.(\d+))?")
# Examples of an official figure's source and date, in messages and hints: service key -> (source, date).
OFFICIAL_EXAMPLES: dict[str, tuple[str, str]] = {
    "ehcna": ("DfE SEN2 2025", "calendar year 2024"),
}
HEALTH_EXAMPLE = ("NHS England waiting times", "March 2025")
OVER_THE_LIMIT_LABEL = "% over the limit"


def percent_field(key: str, category_id: str) -> str:
    return f"{key}-{category_id}"


def source_field(key: str) -> str:
    return f"{key}-source"


def date_field(key: str) -> str:
    return f"{key}-date"


def total_field(total_id: str) -> str:
    return f"total-{total_id}"


def official_field(service: str) -> str:
    return f"official-{service}"


def _official_noun(service: str) -> str:
    """ "official EHC needs assessment figure", inside a sentence."""
    return f"official {lower_first(OFFICIAL_SERVICES[service])} figure"


def field_names() -> list[str]:
    """Every field of the form, in its order."""
    names = []
    for grouping in groupings():
        names += [percent_field(grouping.key, c.id) for c in grouping.categories]
        names += [source_field(grouping.key), date_field(grouping.key)]
    for total_id in TOTALS:
        key = total_field(total_id)
        names += [key, source_field(key), date_field(key)]
    for service in OFFICIAL_SERVICES:
        key = official_field(service)
        names += [key, source_field(key), date_field(key)]
    return names


def check_percent(text: str, label: str) -> tuple[Decimal | None, list[str]]:
    """A percentage as typed: blank is "not known" (None); otherwise 0 to 100 with at most one decimal
    place ("12", "12.5", "12.5%")."""
    typed = clean_text(text).removesuffix("%").strip()
    if not typed:
        return None, []
    match = PERCENT.fullmatch(typed) if typed.isascii() else None
    if match is None:
        if typed.isascii() and re.fullmatch(r"-?\d+(\.\d+)?", typed):
            return None, [f"The percentage for {label} must be between 0 and 100"]
        return None, [f"Enter the percentage for {label} as a number from 0 to 100, like 12.5"]
    if match.group(2) is not None and len(match.group(2)) > 1:
        return None, [f"The percentage for {label} can have at most one decimal place, like 12.5"]
    value = Decimal(typed)
    if value > 100:
        return None, [f"The percentage for {label} must be between 0 and 100"]
    return value, []


def check_total(text: str, words: str) -> tuple[int | None, list[str]]:
    """A whole number of children and young people, like "3210" or "3,210"; blank is "not known"."""
    typed = clean_text(text)
    if not typed:
        return None, []
    digits = typed.replace(",", "").replace(" ", "")
    what = f"the number of children and young people {words}"
    if digits.startswith("-") and digits[1:].isascii() and digits[1:].isdigit():
        return None, [f"{what[:1].upper()}{what[1:]} cannot be negative"]
    if not (digits.isascii() and digits.isdigit()):
        return None, [f"Enter {what} as a whole number, like 3,210"]
    if len(digits) > 9 or int(digits) > MAX_TOTAL:
        return None, [f"{what[:1].upper()}{what[1:]} must be {MAX_TOTAL:,} or fewer"]
    return int(digits), []


def _check_words(text: str, limit: int, too_long: str) -> tuple[str, list[str]]:
    typed = clean_text(text)
    if len(typed) > limit:
        return "", [f"{too_long} must be {limit} characters or fewer. It has {len(typed):,}."]
    return typed, []


def _source_and_date(
    typed: Mapping[str, str],
    name: str,
    noun: str,
    comes: str,
    given: bool,
    add: Callable[[str, list[str]], None],
    example: tuple[str, str] = ("DfE SEN2 2025", "January 2025"),
) -> tuple[str, str]:
    """The source and date typed for the figures of field ``name`` (both needed once a figure is given),
    their messages added with ``add``. ``noun`` names the figures in messages: "the {noun} {comes} from"."""
    source, source_errors = _check_words(
        typed.get(source_field(name), ""), MAX_SOURCE_CHARS, f"The source of the {noun}"
    )
    as_of, date_errors = _check_words(
        typed.get(date_field(name), ""), MAX_DATE_CHARS, f"The date of the {noun}"
    )
    if given and not source and not source_errors:
        source_errors = [f"Enter where the {noun} {comes} from, like {example[0]}"]
    if given and not as_of and not date_errors:
        date_errors = [f"Enter the date of the {noun}, like {example[1]}"]
    add(source_field(name), source_errors)
    add(date_field(name), date_errors)
    return source, as_of


def _number(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1")))


def check_population(typed: Mapping[str, str]) -> tuple[dict[str, Any], Errors]:
    """Check the form as typed: returns what to store under ``settings["population"]`` and the
    messages by field (the store is only to be used when there are none)."""
    errors: Errors = {}

    def add(name: str, messages: list[str]) -> None:
        if messages:
            errors.setdefault(name, []).extend(messages)

    characteristics: dict[str, Any] = {}
    for grouping in groupings():
        percents: dict[str, Decimal] = {}
        bad = given = False
        for category in grouping.categories:
            name = percent_field(grouping.key, category.id)
            label = f"{category.label.lower() if category.id == OTHER else category.label} ({grouping.noun})"
            value, messages = check_percent(typed.get(name, ""), label)
            add(name, messages)
            given = given or bool(clean_text(typed.get(name, "")))
            bad = bad or bool(messages)
            if value is not None:
                percents[category.id] = value
        if not bad and percents:  # shown above the first percentage: its place in the form's order
            added = sum(percents.values(), Decimal(0))
            if len(percents) == len(grouping.categories) and abs(added - 100) > SUM_TOLERANCE:
                add(
                    grouping.key,
                    [
                        f"The {grouping.noun} percentages must add up to 100, give or take 1. "
                        f"They add up to {added.normalize():f}."
                    ],
                )
            elif added > 100 + SUM_TOLERANCE:
                add(
                    grouping.key,
                    [
                        f"The {grouping.noun} percentages add up to {added.normalize():f}, more than 100. "
                        "Check them."
                    ],
                )
        source, as_of = _source_and_date(typed, grouping.key, f"{grouping.noun} figures", "come", given, add)
        if percents or source or as_of:
            characteristics[grouping.key] = {
                "percents": {category_id: _number(value) for category_id, value in percents.items()},
                "source": source,
                "date": as_of,
            }
    totals: dict[str, Any] = {}
    for total_id, words in TOTALS.items():
        name = total_field(total_id)
        count, messages = check_total(typed.get(name, ""), words)
        add(name, messages)
        given = bool(clean_text(typed.get(name, "")))
        noun = f"number of children and young people {words}"
        source, as_of = _source_and_date(typed, name, noun, "comes", given, add)
        if count is not None or source or as_of:
            totals[total_id] = {
                **({"count": count} if count is not None else {}),
                "source": source,
                "date": as_of,
            }
    official: dict[str, Any] = {}
    for service, label in OFFICIAL_SERVICES.items():
        name = official_field(service)
        value, messages = check_percent(typed.get(name, ""), f"{label} (official figure)")
        add(name, messages)
        given = bool(clean_text(typed.get(name, "")))
        example = OFFICIAL_EXAMPLES.get(service, HEALTH_EXAMPLE)
        source, as_of = _source_and_date(typed, name, _official_noun(service), "comes", given, add, example)
        if value is not None or source or as_of:
            official[service] = {
                **({"percent": _number(value)} if value is not None else {}),
                "source": source,
                "date": as_of,
            }
    return {"characteristics": characteristics, "totals": totals, "official": official}, errors


def targets() -> dict[str, str]:
    """Where the error summary's link of a grouping's sum leads: its first percentage."""
    return {
        "form": field_names()[0],
        **{g.key: percent_field(g.key, g.categories[0].id) for g in groupings()},
    }


def check_section(typed: Mapping[str, str], stored: PackPopulation) -> tuple[PackPopulation, Errors]:
    """``check_population`` for the settings page: the figures to save (all of them: a blank box is a
    figure not known)."""
    figures, errors = check_population(typed)
    return PackPopulation.from_stored({SETTINGS_KEY: figures}), errors


def population_version(forum: Forum) -> str:
    """A short fingerprint of the stored local figures, to notice another lead's save."""
    return section_version(forum, PackPopulation)


def _shown(value: float | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:g}"


def population_values(stored: PackPopulation) -> dict[str, str]:
    """The stored figures as the form shows them (blank where not known)."""
    values = dict.fromkeys(field_names(), "")
    for grouping in groupings():
        entry = stored.characteristics.get(grouping.key)
        if entry is None:
            continue
        for category in grouping.categories:
            values[percent_field(grouping.key, category.id)] = _shown(entry.percents.get(category.id))
        values[source_field(grouping.key)] = short_text(entry.source, MAX_SOURCE_CHARS)
        values[date_field(grouping.key)] = short_text(entry.date, MAX_DATE_CHARS)
    figures = [(total_field(total_id), stored.totals.get(total_id)) for total_id in TOTALS]
    figures += [(official_field(service), stored.official.get(service)) for service in OFFICIAL_SERVICES]
    for name, figure in figures:
        if figure is None:
            continue
        values[name] = _shown(figure.value)
        values[source_field(name)] = short_text(figure.source, MAX_SOURCE_CHARS)
        values[date_field(name)] = short_text(figure.date, MAX_DATE_CHARS)
    return values


def population_text(forum: Forum) -> dict[str, str]:
    """The forum's stored figures as the form shows them (``population_values``)."""
    return population_values(read_section(forum, PackPopulation))


def save_population(
    session: Session, forum: Forum, typed: Mapping[str, str], version: str | None = None
) -> Errors:
    """Check the form and save it under ``forum.settings["population"]``, keeping the other settings.

    Returns the messages by field (nothing saved), or ``{}`` once saved and committed. ``version`` is
    the ``population_version`` the form was shown with: if another lead has saved since, nothing is
    saved and the message is under ``"form"`` (without a version, nothing is compared).
    """
    figures, errors = check_section(typed, PackPopulation())
    if errors:
        return errors
    if not save_section(session, forum, figures, version):
        return {"form": [CHANGED_MEANWHILE]}
    return {}


# ---------------------------------------------------------------------------------------------
# The form's page data


@dataclass(frozen=True)
class Field:
    name: str  # also its id
    label: str
    value: str
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fieldset:
    id: str
    legend: str
    hint: str
    errors: tuple[str, ...]  # about the fieldset as a whole (its sum)
    numbers: tuple[Field, ...]
    source: Field
    date: Field
    percent: bool  # the numbers are percentages (shown with "%")
    source_example: str = "DfE SEN2 2025 or the school census"
    date_example: str = "January 2025"


@dataclass(frozen=True)
class FormSections:
    characteristics: tuple[Fieldset, ...]
    totals: tuple[Fieldset, ...]
    official: tuple[Fieldset, ...]  # the official waiting-time figures


def _official_hint(service: str) -> str:
    weeks = LIMITS[service][1]
    if service == "ehcna":
        what = (
            "The percentage of EHC plans issued outside 20 weeks (excluding exceptions), as in your local "
            "authority's SEN2 return"
        )
    else:
        what = (
            f"The percentage of children and young people waiting longer than {weeks} weeks, as the NHS or "
            "your integrated care board publishes it"
        )
    return f"{what}: from 0 to 100, with at most one decimal place. Leave it empty if there is none."


def form_sections(values: Mapping[str, str], errors: Errors) -> FormSections:
    """The form's fieldsets, ready to print: the characteristics, the area totals, then the official
    waiting-time figures."""

    def one(name: str, label: str) -> Field:
        return Field(name, label, values.get(name, ""), tuple(errors.get(name, ())))

    characteristics = tuple(
        Fieldset(
            id=grouping.key,
            legend=grouping.name,
            hint=f"The percentage of children and young people with SEND in your area in each "
            f"{'group' if grouping.key != 'setting' else 'type of school or setting'}, from 0 to 100, "
            "with at most one decimal place. Leave a box empty if it is not known. When every box is "
            "filled in, they must add up to 100, give or take 1.",
            errors=tuple(errors.get(grouping.key, ())),
            numbers=tuple(one(percent_field(grouping.key, c.id), c.label) for c in grouping.categories),
            source=one(source_field(grouping.key), "Source"),
            date=one(date_field(grouping.key), "Date of the figures"),
            percent=True,
        )
        for grouping in groupings()
    )
    totals = tuple(
        Fieldset(
            id=total_field(total_id),
            legend=f"Children and young people {words}",
            hint="A whole number, for your local area. Leave it empty if it is not known.",
            errors=(),
            numbers=(one(total_field(total_id), f"Number {words}"),),
            source=one(source_field(total_field(total_id)), "Source"),
            date=one(date_field(total_field(total_id)), "Date of the figure"),
            percent=False,
        )
        for total_id, words in TOTALS.items()
    )
    official = tuple(
        Fieldset(
            id=official_field(service),
            legend=label,
            hint=_official_hint(service),
            errors=(),
            numbers=(one(official_field(service), OVER_THE_LIMIT_LABEL),),
            source=one(source_field(official_field(service)), "Source"),
            date=one(date_field(official_field(service)), "Date of the figure"),
            percent=True,
            source_example=OFFICIAL_EXAMPLES.get(service, HEALTH_EXAMPLE)[0],
            date_example=OFFICIAL_EXAMPLES.get(service, HEALTH_EXAMPLE)[1],
        )
        for service, label in OFFICIAL_SERVICES.items()
    )
    return FormSections(characteristics, totals, official)
