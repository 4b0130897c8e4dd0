"""How a browser reaches each page and state of the registry (``registry.py``) from a fresh context:
open a page, fill in a form, send it. A ``Reach`` is given the page and the running site."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import FilePayload, Page

from tests import factories
from tests.browser.site import STAFF_EMAIL, TWO_FACTOR_EMAIL, Site, send_answers
from tests.packs.stored import PASSCODE_TOKEN
from tests.surveys.imports.factories import GOOGLE, csv_bytes

Reach = Callable[[Page, Site], object]


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()


def visit(where: Callable[[Site], str]) -> Reach:
    return lambda page, site: page.goto(where(site))


def question(key: str) -> Reach:
    return visit(lambda site: site.question(key))


def link(endpoint: str) -> Callable[[Site], str]:
    return lambda site: site.link(endpoint)


def endpoint(name: str) -> Reach:
    return visit(link(name))


def easy_read_page(path: str = "") -> Reach:
    """A page of the Easy Read survey: its start page, or ``q/KEY`` for a question."""
    return visit(lambda site: site.easy_read(path))


def types_question(key: str) -> Reach:
    """A question of the survey of number and month questions."""
    return visit(lambda site: site.types_question(key))


def submit_question(
    key: str, fill: Callable[[Page], object] = lambda page: None, types: bool = False
) -> Reach:
    """Open the question (of the default survey, or with ``types`` of the survey of number and month
    questions), fill it in with ``fill`` (nothing by default) and press the button."""

    def reach(page: Page, site: Site) -> None:
        page.goto(site.types_question(key) if types else site.question(key))
        fill(page)
        _submit(page)

    return reach


def expire(where: Callable[[Site], str], fill: Callable[[Page], object] = lambda page: None) -> Reach:
    """Submit a form whose CSRF token is no longer valid, as after a page left open for days."""

    def reach(page: Page, site: Site) -> None:
        page.goto(where(site))
        fill(page)
        page.locator("input[name=csrf_token]").evaluate("input => { input.value = 'expired' }")
        _submit(page)

    return reach


def sign_in_wrongly(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/staff/login")
    page.get_by_label("Email address").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill("not the password")
    _submit(page)


def ask_to_sign_out_everywhere(page: Page, site: Site) -> None:
    """The page "Sign out everywhere" on "Your account" leads to, asking for the password."""
    page.goto(f"{site.url}/staff/account")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out everywhere").click()


def sign_out_everywhere_without_password(page: Page, site: Site) -> None:
    ask_to_sign_out_everywhere(page, site)
    _submit(page)


TWO_FACTOR = "/staff/two-factor"


def enter_sign_in_code(code: str | None) -> Reach:
    """The right password of a lead with two-factor sign-in: the page asking for the code; with
    ``code``, that code sent."""

    def reach(page: Page, site: Site) -> None:
        page.goto(f"{site.url}/staff/login")
        page.get_by_label("Email address").fill(TWO_FACTOR_EMAIL)
        page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
        _submit(page)
        if code is not None:
            page.get_by_label("Enter your sign-in code").fill(code)
            _submit(page)

    return reach


def set_up_wrongly(page: Page, site: Site) -> None:
    page.goto(site.url + TWO_FACTOR + "/set-up")
    page.get_by_label("Code from the app").fill("12345x")
    _submit(page)


def turn_on_two_factor(page: Page, site: Site) -> None:
    """A new coder signs in and sets up two-factor sign-in: the page of their recovery codes."""
    import secrets

    import pyotp

    from forum_app.extensions import db

    email = f"coder-{secrets.token_hex(4)}@example.org"
    with site.app.app_context():
        factories.make_staff(db.session, email, role="coder")
    page.goto(f"{site.url}/staff/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    _submit(page)
    page.goto(site.url + TWO_FACTOR + "/set-up")
    secret = "".join(page.locator(".secret-key").inner_text().split())
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    _submit(page)


def with_two_factor(path: str, wrong: bool = False) -> Reach:
    """A coder who has just turned on two-factor sign-in opens ``path``; with ``wrong``, sends its form
    with a wrong password."""

    def reach(page: Page, site: Site) -> None:
        turn_on_two_factor(page, site)
        page.goto(site.url + path)
        if wrong:
            page.locator("input[name=secret]").fill("not the password")
            _submit(page)

    return reach


def submit_at(where: Callable[[Site], str]) -> Reach:
    """Press the page's button without filling anything in."""

    def reach(page: Page, site: Site) -> None:
        page.goto(where(site))
        _submit(page)

    return reach


def save_and_leave(page: Page, site: Site) -> None:
    page.goto(site.question("age_band"))
    page.get_by_label("5 to 10").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and come back later").click()


def withdraw(confirm: bool) -> Reach:
    """Type the receipt code of the session's sent answers into the withdraw page; with ``confirm``,
    first send a new set of answers (so each run deletes its own) and confirm the deletion."""

    def reach(page: Page, site: Site) -> None:
        if confirm:
            send_answers(page.context.request, site)
        page.goto(site.survey("done"))
        code = page.locator(".receipt-code").inner_text()
        page.goto(site.link("surveys.withdraw_form"))
        page.locator("input[name=code]").fill(code)
        _submit(page)
        if confirm:
            _submit(page)

    return reach


def follow_links(path: str, *names: str) -> Reach:
    """Open ``path``, then follow the first link whose name starts with each of ``names`` in turn."""

    def reach(page: Page, site: Site) -> None:
        page.goto(site.url + path)
        for name in names:
            with page.expect_navigation():
                page.get_by_role("link", name=re.compile("^" + re.escape(name))).first.click()

    return reach


def tick(label: str) -> Callable[[Page], object]:
    """Tick the box or choose the radio button labelled ``label``."""
    return lambda page: page.get_by_label(label, exact=True).check()


def page_at(path: str) -> Reach:
    return visit(lambda site: site.url + path)


def survey_page(path: str = "") -> Callable[[Site], str]:
    return lambda site: site.survey(path)


def question_page(key: str) -> Callable[[Site], str]:
    return lambda site: site.question(key)


def not_a_number(page: Page) -> None:
    page.get_by_label("How long").fill("abc")


def too_long(page: Page) -> None:
    page.locator("textarea").fill("word " * 1001)  # 5,005 characters, over the 5,000 allowed


def out_of_range(page: Page) -> None:
    page.get_by_label("How many school days has your child missed this term?").fill("12345678901234567890")


def impossible_month(page: Page) -> None:
    """A message for each input: no month 13, and a year must be a number."""
    page.get_by_label("Month", exact=True).fill("13")
    page.get_by_label("Year", exact=True).fill("abcd")


CODEBOOK = "/staff/codebook"
CODEBOOK_EDIT = CODEBOOK + "/waiting_times/edit"


def clear_codebook_label(page: Page, site: Site) -> None:
    """The codebook's edit page, sent with the theme's label cleared."""
    page.goto(site.url + CODEBOOK_EDIT)
    page.get_by_label("Label", exact=True).fill("")
    _submit(page)


BUILDER = "/staff/surveys/send-experience"


def enter_answers_for_a_parent(page: Page, site: Site) -> None:
    """Press "Enter answers for a parent" on the survey's page: its first question, with the banner."""
    page.goto(f"{site.url}{BUILDER}")
    with page.expect_navigation():
        page.get_by_role("button", name="Enter answers for a parent").click()


def clear_a_question(page: Page, site: Site) -> None:
    """The builder's page of a question, sent with the question's words cleared."""
    page.goto(f"{site.url}{BUILDER}/questions/age_band")
    page.get_by_label("Question", exact=True).fill("")
    _submit(page)


def import_a_wrong_codebook_file(page: Page, site: Site) -> None:
    page.goto(f"{site.url}{CODEBOOK}/import")
    wrong: FilePayload = {
        "name": "codebook.csv",
        "mimeType": "text/csv",
        "buffer": b"id,name\r\nwaiting_times,Waits\r\n",
    }
    page.locator("#codebook_file").set_input_files(files=[wrong])
    _submit(page)


def code_first_answer(page: Page, site: Site) -> None:
    """The coding page of the demo forum's first answer (the seeded response's, coded automatically)."""
    page.goto(f"{site.url}/staff/coding?status=all")
    with page.expect_navigation():
        page.locator(".coding-queue a").first.click()


def quote_an_answer(page: Page, site: Site) -> None:
    """Code the first answer (its family agreed to be quoted) with at least one theme, then choose it
    as a quote for its first theme: its coding page, back with the banner and the quote choices."""
    code_first_answer(page, site)
    answer = page.url
    if page.locator("input[name=theme]:checked").count() == 0:
        page.locator("input[name=theme]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and next").click()
    page.goto(answer)
    page.locator("input[name=quote_theme]").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save quote choices").click()


def choose_a_wrong_quote(page: Page, site: Site) -> None:
    """Send quote choices with a theme the answer is not coded with (as a page left open would)."""
    quote_an_answer(page, site)
    page.locator("input[name=quote_theme]").first.evaluate(
        "box => { box.value = 'other'; box.checked = true }"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save quote choices").click()


def see_quotes(page: Page, site: Site) -> None:
    quote_an_answer(page, site)
    page.goto(f"{site.url}/staff/quotes")


LEFT_OUT = " She was in Year 3 then."


def _quote_left_out(page: Page, site: Site) -> str:
    """Choose the first answer as a quote, then give its text a school year (as if approved so), so
    packs leave it out; returns its coding page's address."""
    from sqlalchemy import select

    from forum_app.extensions import db
    from forum_app.surveys.models import Answer

    quote_an_answer(page, site)
    named = page.url.split("/staff/coding/")[1].split("?")[0]
    with site.app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.public_id == named)).one()
        if not str(answer.value).endswith(LEFT_OUT):
            answer.value = f"{answer.value}{LEFT_OUT}"
            db.session.commit()
    return page.url


def see_a_quote_left_out(page: Page, site: Site) -> None:
    _quote_left_out(page, site)
    page.goto(f"{site.url}/staff/quotes")
    assert page.locator("#left-out").count() == 1


def code_a_quote_left_out(page: Page, site: Site) -> None:
    page.goto(_quote_left_out(page, site))
    assert page.locator("#quote-left-out").count() == 1


MODERATION = "/staff/moderation"


def redact_nothing(page: Page, site: Site) -> None:
    """The first answer of the moderation queue (a safeguarding concern), "Redact" with no words typed."""
    follow_links(MODERATION, "Answer")(page, site)
    with page.expect_navigation():
        page.get_by_role("button", name="Redact these words").click()


def record_no_action(page: Page, site: Site) -> None:
    """The first answer of the moderation queue (a safeguarding concern), "Record this action" with
    nothing chosen."""
    follow_links(MODERATION, "Answer")(page, site)
    with page.expect_navigation():
        page.get_by_role("button", name="Record this action").click()


def open_shortcuts(page: Page, site: Site) -> None:
    """The first answer of the moderation queue with its keyboard shortcuts shown ("?")."""
    follow_links(MODERATION, "Answer")(page, site)
    page.keyboard.press("?")
    assert page.locator("[data-moderation-help-panel]").is_visible()


MODERATION_SETTINGS = MODERATION + "/settings"


def set_moderation_days_wrongly(page: Page, site: Site) -> None:
    page.goto(site.url + MODERATION_SETTINGS)
    page.get_by_label("Delete the original words after how many days?").fill("a fortnight")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the settings").click()


def set_threshold_wrongly(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/staff/coding/bulk")
    page.get_by_label("Threshold, as a percentage").fill("forty")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the threshold").click()


def retrain_too_soon(page: Page, site: Site) -> None:
    """Send the coder page's switched-off "Retrain" form anyway (as a page left open would)."""
    page.goto(f"{site.url}/staff/coder")
    with page.expect_navigation():
        page.locator("form[action$='/staff/coder/retrain']").evaluate("form => form.submit()")


PACKS = "/staff/packs"
PACK = ("P-",)  # the link to the newest pack, the one built from the seeded responses


def make_a_pack_wrongly(page: Page, site: Site) -> None:
    """The "Make a pack" form sent with a last day before the first."""
    page.goto(site.url + PACKS)
    page.get_by_label("First day").fill("2026-06-30")
    page.get_by_label("Last day").fill("2026-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the pack").click()


POPULATION = PACKS + "/population"


def set_population_wrongly(page: Page, site: Site) -> None:
    """The local population figures sent with a percentage that is not a number and no source."""
    page.goto(site.url + POPULATION)
    page.get_by_label("0 to 4", exact=True).fill("ten")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the figures").click()


ABOUT = PACKS + "/about"


def set_about_wrongly(page: Page, site: Site) -> None:
    """What the pack says about the survey, sent with a DPIA reference longer than its limit."""
    page.goto(site.url + ABOUT)
    page.get_by_label("DPIA reference", exact=True).fill("DPIA-" + "0" * 120)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()


def share_a_pack(days: str) -> Reach:
    """The newest pack's "Make a share link" form sent with ``days``: the new link, or an error."""

    def reach(page: Page, site: Site) -> None:
        follow_links(PACKS, *PACK)(page, site)
        page.get_by_label("How many days should the link work?").fill(days)
        with page.expect_navigation():
            page.get_by_role("button", name="Make the link").click()

    return reach


def invite_someone(page: Page, site: Site) -> None:
    """A lead invites a coder: the page with the link to pass on."""
    page.goto(f"{site.url}/staff/team/invite")
    page.get_by_label("Email address").fill("new.coder@example.org")
    page.get_by_label("Coder").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Make the invitation link").click()


def open_the_invitation(page: Page, site: Site) -> None:
    """The invitation's own page, where a newcomer chooses a password."""
    invite_someone(page, site)
    page.goto(page.locator("#link").input_value())


def shared(token: str) -> Reach:
    return visit(lambda site: f"{site.url}/p/{token}")


def enter_a_wrong_passcode(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/p/{PASSCODE_TOKEN}")
    page.get_by_label("Enter the passcode").fill("not the passcode")
    _submit(page)


SURVEY_IMPORT = "/staff/surveys/import"


def _upload_export(page: Page, site: Site, data: bytes, slug: str = "past-survey") -> None:
    """The upload page of past responses, sent with ``data`` as a new survey's export."""
    page.goto(site.url + SURVEY_IMPORT)
    page.locator("#title").fill("Past survey")
    page.locator("#slug").fill(slug)
    export: FilePayload = {"name": "export.csv", "mimeType": "text/csv", "buffer": data}
    page.locator("#export_file").set_input_files(files=[export])
    _submit(page)


def upload_an_unknown_export(page: Page, site: Site) -> None:
    _upload_export(page, site, b"Name,Colour\r\nAnn,Red\r\n")


def map_an_export(page: Page, site: Site) -> None:
    """The mapping page of a Google Forms export just uploaded."""
    _upload_export(page, site, csv_bytes(GOOGLE))


def check_an_export(page: Page, site: Site) -> None:
    """The mapping page after its dry run."""
    map_an_export(page, site)
    with page.expect_navigation():
        page.get_by_role("button", name="Check (dry run)").click()


def import_an_export(page: Page, site: Site) -> None:
    """The progress page of a Google Forms export just imported, into a new survey of its own."""
    _upload_export(page, site, csv_bytes(GOOGLE), slug=f"past-{secrets.token_hex(4)}")
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
