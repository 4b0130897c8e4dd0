"""Every public page and state the browser checks run on: one line each.

To add a page, add a ``State``: its name, how to reach it from a fresh browser context, and the
prepared session it needs (see ``site.SESSION_BUILDERS``). Every check in ``test_accessibility.py``
and ``test_weight.py`` then runs on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import FilePayload, Page

from tests import factories
from tests.browser.site import CLOSED_FORUM, STAFF_EMAIL, TWO_FACTOR_EMAIL, Site, send_answers
from tests.packs.stored import EXPIRED_TOKEN, OPEN_TOKEN, PASSCODE_TOKEN

Reach = Callable[[Page, Site], object]


@dataclass(frozen=True)
class State:
    name: str
    reach: Reach
    session: str | None = None  # a prepared session from site.SESSION_BUILDERS, or a fresh one
    status: int = 200
    error_title: bool = False  # the title starts "Error: "
    error_summary: bool = False  # an error summary is shown (and, with JavaScript, focused)
    endpoint: str | None = None  # checked only while the app has this endpoint


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


_TO_DISAGREEMENTS = ("See the figures", "See the disagreements")


def follow_links(path: str, *names: str) -> Reach:
    """Open ``path``, then follow the first link whose name starts with each of ``names`` in turn."""

    def reach(page: Page, site: Site) -> None:
        page.goto(site.url + path)
        for name in names:
            with page.expect_navigation():
                page.get_by_role("link", name=re.compile("^" + re.escape(name))).first.click()

    return reach


def _tick(label: str) -> Callable[[Page], object]:
    return lambda page: page.get_by_label(label, exact=True).check()


def error(name: str, reach: Reach, session: str | None = None, endpoint: str | None = None) -> State:
    """A form sent back with an error message: titled "Error: ", with an error summary."""
    return State(name, reach, session, error_title=True, error_summary=True, endpoint=endpoint)


def expired(name: str, reach: Reach, session: str | None = None) -> State:
    """A form sent with an expired token: a notice says so, and the title starts "Error: "."""
    return State(name, reach, session, error_title=True)


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


REGISTRY: list[State] = [
    State("index", page_at("/")),
    State("start", visit(survey_page())),
    expired("start, page expired", expire(survey_page())),
    # One question of each type of the default survey, blank and in its error state.
    State("radio", question("age_band"), "answering"),
    error("radio, error", submit_question("age_band"), "answering"),
    expired("radio, page expired", expire(question_page("age_band"), _tick("5 to 10")), "answering"),
    State("checkboxes", question("needs"), "answering"),
    error("checkboxes, error", submit_question("needs"), "answering"),
    State("duration", question("wait_ehcna_plan"), "answering"),
    error("duration, error", submit_question("wait_ehcna_plan", not_a_number), "answering"),
    State("rating", question("rating_communication"), "answering"),
    error("rating, error", submit_question("rating_communication"), "answering"),
    State("text", question("not_worked"), "answering"),
    error("text, error (too long)", submit_question("not_worked", too_long), "answering"),
    State("consent", question("quote_consent"), "answering"),  # one optional tick box: no error state
    # The types the default survey does not use, in a survey of their own.
    State("number", types_question("days_missed"), "answering types"),
    error("number, error", submit_question("days_missed", out_of_range, types=True), "answering types"),
    State("month", types_question("plan_month"), "answering types"),
    error("month, error", submit_question("plan_month", impossible_month, types=True), "answering types"),
    State("check answers", visit(survey_page("check")), "answered"),
    expired("check answers, page expired", expire(survey_page("check")), "answered"),
    State("confirmation", visit(survey_page("done")), "submitted"),
    State("not found (404)", page_at("/no-such-page"), status=404),
    State("survey closed (410)", visit(lambda site: site.survey(forum=CLOSED_FORUM)), status=410),
    State("staff sign-in", page_at("/staff/login")),
    error("staff sign-in, error", sign_in_wrongly),
    State("staff home", page_at("/staff/"), "staff", endpoint="home.index"),
    State("staff forums", page_at("/staff/forums"), "staff", endpoint="accounts.forums"),
    # Two-factor sign-in: the code step (and sent wrongly, and too late), the lead's own page, setting it
    # up (and wrongly), the recovery codes, making new ones, turning it off, and the forum's setting.
    State("sign-in code", enter_sign_in_code(None), endpoint="accounts.login_code"),
    error("sign-in code, error", enter_sign_in_code("abcdef"), endpoint="accounts.login_code"),
    State("sign-in code, sign in again", page_at("/staff/login/code"), endpoint="accounts.login_code"),
    State("two-factor sign-in", page_at(TWO_FACTOR), "staff", endpoint="accounts.two_factor"),
    State("two-factor set-up", page_at(TWO_FACTOR + "/set-up"), "staff",
          endpoint="accounts.two_factor_setup"),
    error("two-factor set-up, error", set_up_wrongly, "staff", endpoint="accounts.two_factor_setup"),
    State("two-factor, recovery codes", turn_on_two_factor, endpoint="accounts.two_factor_setup"),
    State("two-factor, on", with_two_factor(TWO_FACTOR), endpoint="accounts.two_factor"),
    State("two-factor, new recovery codes", with_two_factor(TWO_FACTOR + "/recovery-codes"),
          endpoint="accounts.two_factor_codes"),
    error("two-factor, turn off, error", with_two_factor(TWO_FACTOR + "/turn-off", wrong=True),
          endpoint="accounts.two_factor_off"),
    State("who needs two-factor sign-in", page_at(TWO_FACTOR + "/forum"), "staff",
          endpoint="accounts.two_factor_forum"),
    State("staff responses", page_at("/staff/responses"), "staff"),
    State("staff spam folder", page_at("/staff/responses?folder=spam"), "staff", endpoint="surveys.not_spam"),
    State("staff audit log", page_at("/staff/audit"), "staff", endpoint="accounts.audit_log"),
    State("staff account", page_at("/staff/account"), "staff", endpoint="accounts.account"),
    State("staff account, sign out everywhere", ask_to_sign_out_everywhere, "staff",
          endpoint="accounts.sign_out_everywhere"),
    error("staff account, sign out everywhere, error", sign_out_everywhere_without_password, "staff",
          endpoint="accounts.sign_out_everywhere"),
    State("staff response", visit(lambda site: f"{site.url}/staff/responses/{site.response_id}"), "staff"),
    # The coding workspace (staff): the queue, coding an answer, bulk acceptance.
    State("coding queue", page_at("/staff/coding"), "staff", endpoint="coding.queue"),
    error("coding queue, error", page_at("/staff/coding?theme=none&from=soon"), "staff",
          endpoint="coding.queue"),
    State("coding an answer", code_first_answer, "staff", endpoint="coding.answer"),
    State("coding, bulk acceptance", page_at("/staff/coding/bulk"), "staff", endpoint="coding.bulk"),
    error("coding, threshold error", set_threshold_wrongly, "staff", endpoint="coding.threshold"),
    # Candidate quotes (lead): an answer's quote choices saved, sent wrongly, and the overview.
    State("coding, quote choices saved", quote_an_answer, "staff", endpoint="quotes.choices"),
    error("coding, quote choices error", choose_a_wrong_quote, "staff", endpoint="quotes.choices"),
    State("candidate quotes", see_quotes, "staff", endpoint="quotes.overview"),
    State("candidate quotes, one left out", see_a_quote_left_out, "staff", endpoint="quotes.overview"),
    State("coding, quote left out", code_a_quote_left_out, "staff", endpoint="quotes.choices"),
    State("coding queue, answers you can quote", page_at("/staff/coding?status=coded&quotable=yes"), "staff",
          endpoint="coding.queue"),
    # Save and come back later, taking sent answers back, help and privacy: built alongside this
    # suite, so each is checked only while the app has its endpoint.
    State("saved", save_and_leave, "saving", endpoint="surveys.saved"),
    State("resume", endpoint("surveys.resume_form"), endpoint="surveys.resume_form"),
    error("resume, error", submit_at(link("surveys.resume_form")), endpoint="surveys.resume_form"),
    State("withdraw", endpoint("surveys.withdraw_form"), endpoint="surveys.withdraw_form"),
    error("withdraw, error", submit_at(link("surveys.withdraw_form")), endpoint="surveys.withdraw_form"),
    State("withdraw, sure?", withdraw(confirm=False), "submitted", endpoint="surveys.withdraw_confirm"),
    State("withdrawn", withdraw(confirm=True), "withdrawing", endpoint="surveys.withdrawn"),
    State("get help now", endpoint("surveys.help_page"), endpoint="surveys.help_page"),
    State("get help now (forum)", endpoint("surveys.forum_help"), endpoint="surveys.forum_help"),
    State("privacy", endpoint("surveys.privacy"), endpoint="surveys.privacy"),
    # Double coding: the samples, starting one, a seeded sample's figures and disagreements, and the
    # blind coding page of a sample the lead is coding (tests/agreement/test_sampling.py seeds them).
    State("agreement samples", page_at("/staff/agreement"), "staff", endpoint="agreement.samples"),
    State("agreement, new sample", page_at("/staff/agreement/new"), "staff", endpoint="agreement.new"),
    error("agreement, new sample, error", submit_at(lambda site: f"{site.url}/staff/agreement/new"), "staff",
          endpoint="agreement.new"),
    State("agreement report", follow_links("/staff/agreement", "See the figures"), "staff",
          endpoint="agreement.report"),
    State("agreement disagreements", follow_links("/staff/agreement", *_TO_DISAGREEMENTS), "staff",
          endpoint="agreement.disagreements"),
    State("agreement, settle", follow_links("/staff/agreement", *_TO_DISAGREEMENTS, "Settle"), "staff",
          endpoint="agreement.resolve"),
    State("agreement, blind coding", follow_links("/staff/agreement", "Code your next answer"), "staff",
          endpoint="agreement.code"),
    # The moderation queue (staff): the waiting and held answers, a safeguarding concern with its
    # redactions, a missed redaction sent without words, and "Reject as spam?".
    State("moderation queue", page_at(MODERATION), "staff", endpoint="moderation.queue"),
    State("moderation queue, held", page_at(MODERATION + "?status=held"), "staff",
          endpoint="moderation.queue"),
    State("moderation, an answer", follow_links(MODERATION, "Answer"), "staff", endpoint="moderation.item"),
    error("moderation, redaction error", redact_nothing, "staff", endpoint="moderation.add"),
    # The concerns with no action recorded, an answer with its shortcuts open, a safeguarding action sent
    # without a choice, and the confirmation page of bulk approval.
    State("moderation queue, concerns", page_at(MODERATION + "?status=concerns"), "staff",
          endpoint="moderation.record_safeguarding"),
    State("moderation, an answer, shortcuts", open_shortcuts, "staff",
          endpoint="moderation.record_safeguarding"),
    error("moderation, safeguarding action error", record_no_action, "staff",
          endpoint="moderation.record_safeguarding"),
    State("moderation, bulk approval", page_at(MODERATION + "/bulk"), "staff",
          endpoint="moderation.bulk_approve"),
    State("moderation, reject as spam?", follow_links(MODERATION, "Answer", "Reject as spam"), "staff",
          endpoint="moderation.spam"),
    # The moderation settings (lead), and sent with days that are not a number.
    State("moderation settings", page_at(MODERATION_SETTINGS), "staff", endpoint="moderation.settings"),
    error("moderation settings, error", set_moderation_days_wrongly, "staff", endpoint="moderation.settings"),
    # The forum's codebook (staff).
    State("codebook", page_at(CODEBOOK), "staff", endpoint="codebook.index"),
    State("codebook history", page_at(CODEBOOK + "/history"), "staff", endpoint="codebook.history"),
    State("codebook, change a theme", page_at(CODEBOOK_EDIT), "staff", endpoint="codebook.edit"),
    error("codebook, change, error", clear_codebook_label, "staff", endpoint="codebook.edit"),
    error("codebook import, error", import_a_wrong_codebook_file, "staff", endpoint="codebook.import_file"),
    # The automatic coder (lead): which is in use, retraining it (refused below the minimum).
    State("coder", page_at("/staff/coder"), "staff", endpoint="coding.coder"),
    State("coder, retrain refused", retrain_too_soon, "staff", status=400, error_title=True,
          error_summary=True, endpoint="coding.retrain"),
    # Evidence packs (staff): the list and its form, a pack with its files and links, sharing it,
    # comparing two packs, "Delete?"; and what an inspector sees through a share link (no account).
    State("evidence packs", page_at(PACKS), "staff", endpoint="packs.index"),
    State("evidence packs, make error", make_a_pack_wrongly, "staff", status=400, error_title=True,
          error_summary=True, endpoint="packs.make"),
    State("evidence pack", follow_links(PACKS, *PACK), "staff", endpoint="packs.snapshot"),
    State("evidence pack, link made", share_a_pack("30"), "staff", endpoint="packs.share"),
    State("evidence pack, share error", share_a_pack("ninety"), "staff", status=400, error_title=True,
          error_summary=True, endpoint="packs.share"),
    State("evidence packs compared", follow_links(PACKS, *PACK, "Compare with"), "staff",
          endpoint="packs.compare_packs"),
    State("evidence pack, delete?", follow_links(PACKS, *PACK, "Delete this pack"), "staff",
          endpoint="packs.delete"),
    # The local population figures (lead) that T7 compares with, and sent with a wrong percentage.
    State("local population figures", page_at(POPULATION), "staff", endpoint="packs.population"),
    error("local population figures, error", set_population_wrongly, "staff", endpoint="packs.population"),
    # What the pack says about the survey (lead), and sent with a DPIA reference that is too long.
    State("about this survey", page_at(ABOUT), "staff", endpoint="packs.about"),
    error("about this survey, error", set_about_wrongly, "staff", endpoint="packs.about"),
    # The platform administrator's forums: the list, a new forum (and sent empty), "Suspend?", a lead invited.
    State("forums (administrator)", page_at("/admin/forums"), "administrator", endpoint="admin.forums"),
    State("create a forum", page_at("/admin/forums/new"), "administrator", endpoint="admin.new_forum"),
    error("create a forum, error", submit_at(lambda site: f"{site.url}/admin/forums/new"), "administrator",
          endpoint="admin.new_forum"),
    State("suspend a forum?", follow_links("/admin/forums", "Suspend"), "administrator",
          endpoint="admin.suspend"),
    State("invite a forum's lead", follow_links("/admin/forums", "Invite a lead"), "administrator",
          endpoint="admin.invite_lead"),
    # The team (lead): the members, inviting someone (blank, and the link made), the invitation's own
    # page, "forgot password" (no mail here: ask the lead) and a link that no longer works.
    State("team", page_at("/staff/team"), "staff", endpoint="accounts.team_page"),
    State("team, invite", page_at("/staff/team/invite"), "staff", endpoint="accounts.team_invite"),
    error("team, invite, error", submit_at(lambda site: f"{site.url}/staff/team/invite"), "staff",
          endpoint="accounts.team_invite"),
    State("team, invitation link", invite_someone, "staff", endpoint="accounts.team_invite"),
    State("invitation, choose a password", open_the_invitation, "staff", endpoint="accounts.accept_invite"),
    State("forgot password", page_at("/staff/forgot-password"), endpoint="accounts.forgot_password"),
    State("account link expired (410)", page_at("/staff/reset/" + "a" * 43), status=410,
          endpoint="accounts.reset_password"),
    State("shared pack", shared(OPEN_TOKEN), endpoint="packs.shared"),
    State("shared pack, passcode", shared(PASSCODE_TOKEN), endpoint="packs.shared_passcode"),
    State("shared pack, passcode error", enter_a_wrong_passcode, status=400, error_title=True,
          error_summary=True, endpoint="packs.shared_passcode"),
    State("shared pack, link expired (410)", shared(EXPIRED_TOKEN), status=410, endpoint="packs.shared"),
]  # fmt: skip


def pages(endpoints: frozenset[str]) -> list[State]:
    """The registry's states whose pages exist in an app with these ``endpoints``."""
    return [state for state in REGISTRY if state.endpoint is None or state.endpoint in endpoints]
