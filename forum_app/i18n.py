"""The languages a family can answer in: which one a page is shown in, and how it is written.

The runner's own words go through gettext (Flask-Babel catalogs in ``forum_app/translations``); a
survey's words come from its definition, per language. Staff pages are in English.

A page's language is, in order: ``?lang=CODE`` (remembered in the browser session), the one
remembered, the browser's ``Accept-Language``, English; on a survey's pages, only a language the survey
has been translated into (a page is in one language, never half in another).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, refresh

LANGUAGE_KEY = "lang"
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own words, as a family looks for it
    english_name: str
    direction: str = "ltr"
    draft: bool = True  # translated here, still to be checked by someone the forum trusts


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English", draft=False),
        Language("ar", "العربية", "Arabic", "rtl"),
        Language("bn", "বাংলা", "Bengali"),
        Language("pl", "Polski", "Polish"),
        Language("ro", "Română", "Romanian"),
        Language("ur", "اردو", "Urdu", "rtl"),
    )
}


def _runner_page() -> bool:
    """Pages families see; staff pages, commands and background work stay in English."""
    return has_request_context() and request.blueprint == "surveys" and not request.path.startswith("/staff")


def chosen_language() -> str:
    """The language code of this request's page (see the module's docstring)."""
    if not _runner_page():
        return DEFAULT_LANGUAGE
    offered = [code for code in g.get("offered_languages", LANGUAGES) if code in LANGUAGES]
    asked = request.args.get(LANGUAGE_KEY, "")
    if asked in LANGUAGES and session.get(LANGUAGE_KEY) != asked:
        session[LANGUAGE_KEY] = asked
    remembered = session.get(LANGUAGE_KEY)
    if isinstance(remembered, str) and remembered in offered:
        return remembered
    return request.accept_languages.best_match(offered, DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def offer_languages(codes: Iterable[str]) -> str:
    """Limit this page to English and the languages ``codes`` (a survey's translations); return the
    code of the language it is now in."""
    g.offered_languages = (DEFAULT_LANGUAGE, *codes)
    refresh()
    return page_language()


def current_language() -> Language:
    """The language the page is being written in."""
    return LANGUAGES.get(str(get_locale() or DEFAULT_LANGUAGE), LANGUAGES[DEFAULT_LANGUAGE])


def page_language() -> str:
    """The code of the language the page is being written in (for a survey's own words)."""
    return current_language().code


def _page_code() -> str:
    """The page's language, or English outside a request (a pack being built, the command line)."""
    return page_language() if has_request_context() else DEFAULT_LANGUAGE


def month_and_year(day: date) -> str:
    """ "March 2026", in the page's language."""
    code = _page_code()
    return f"{day:%B %Y}" if code == DEFAULT_LANGUAGE else format_date(day, "LLLL y", locale=code)


def number(value: int) -> str:
    """A whole number as the page's language writes it ("5,000" in English)."""
    code = _page_code()
    return f"{value:,}" if code == DEFAULT_LANGUAGE else format_decimal(value, locale=code)


def html_lang() -> str:
    """The ``<html lang>`` of the page: English is British English."""
    code = current_language().code
    return "en-GB" if code == DEFAULT_LANGUAGE else code


def init_languages(app: Flask) -> None:
    Babel(app, locale_selector=chosen_language)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # a sentence's line breaks are not part of it
    app.add_template_global(current_language, "current_language")
    app.add_template_global(html_lang, "html_lang")
    app.context_processor(lambda: {"languages": LANGUAGES})
