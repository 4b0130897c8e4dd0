"""Every public page and state the browser checks run on: one line each.

To add a page, add a ``State``: its name, how to reach it from a fresh browser context (the steps are in
``actions.py``), and the prepared session it needs (see ``site.SESSION_BUILDERS``). Every check in
``test_accessibility.py`` and ``test_weight.py`` then runs on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import FilePayload, Page

from tests.browser.actions import (
    ABOUT,
    BUILDER,
    CODEBOOK,
    CODEBOOK_EDIT,
    MODERATION,
    MODERATION_SETTINGS,
    PACK,
    PACKS,
    POPULATION,
    SURVEY_IMPORT,
    TWO_FACTOR,
    Reach,
    ask_to_sign_out_everywhere,
    check_an_export,
    choose_a_wrong_quote,
    clear_a_question,
    clear_codebook_label,
    code_a_quote_left_out,
    code_first_answer,
    easy_read_page,
    endpoint,
    enter_a_wrong_passcode,
    enter_answers_for_a_parent,
    enter_sign_in_code,
    expire,
    follow_links,
    import_a_wrong_codebook_file,
    import_an_export,
    impossible_month,
    invite_someone,
    link,
    make_a_pack_wrongly,
    map_an_export,
    not_a_number,
    open_shortcuts,
    open_the_invitation,
    out_of_range,
    page_at,
    question,
    question_page,
    quote_an_answer,
    record_no_action,
    redact_nothing,
    retrain_too_soon,
    save_and_leave,
    see_a_quote_left_out,
    see_quotes,
    set_about_wrongly,
    set_moderation_days_wrongly,
    set_population_wrongly,
    set_threshold_wrongly,
    set_up_wrongly,
    share_a_pack,
    shared,
    sign_in_wrongly,
    sign_out_everywhere_without_password,
    submit_at,
    submit_question,
    survey_page,
    tick,
    too_long,
    turn_on_two_factor,
    types_question,
    upload_an_unknown_export,
    visit,
    with_two_factor,
    withdraw,
)
from tests.browser.site import CLOSED_FORUM, Site
from tests.packs.stored import EXPIRED_TOKEN, OPEN_TOKEN, PASSCODE_TOKEN


@dataclass(frozen=True)
class State:
    name: str
    reach: Reach
    session: str | None = None  # a prepared session from site.SESSION_BUILDERS, or a fresh one
    status: int = 200
    error_title: bool = False  # the title starts "Error: "
    error_summary: bool = False  # an error summary is shown (and, with JavaScript, focused)
    endpoint: str | None = None  # checked only while the app has this endpoint


def error(name: str, reach: Reach, session: str | None = None, endpoint: str | None = None) -> State:
    """A form sent back with an error message: titled "Error: ", with an error summary."""
    return State(name, reach, session, error_title=True, error_summary=True, endpoint=endpoint)


def expired(name: str, reach: Reach, session: str | None = None) -> State:
    """A form sent with an expired token: a notice says so, and the title starts "Error: "."""
    return State(name, reach, session, error_title=True)


def upload_a_translation(page: Page, site: Site) -> None:
    """An Urdu translation of the survey's title alone uploaded: its result lists the strings left."""
    page.goto(site.url + UPLOAD_UR)
    sheet: FilePayload = {
        "name": "ur.csv",
        "mimeType": "text/csv",
        "buffer": "String id,Urdu translation\r\ntitle,آپ کے خاندان کا تجربہ\r\n".encode(),
    }
    page.locator("#translation_file").set_input_files(files=[sheet])
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()


def remove_a_translation(page: Page, site: Site) -> None:
    """ "Remove?" for the Urdu translation just uploaded."""
    upload_a_translation(page, site)
    page.goto(f"{site.url}{BUILDER}/languages/ur/remove")


UPLOAD_UR = BUILDER + "/languages/ur/upload"
_TO_DISAGREEMENTS = ("See the figures", "See the disagreements")

REGISTRY: list[State] = [
    State("index", page_at("/")),
    State("start", visit(survey_page())),
    expired("start, page expired", expire(survey_page())),
    # One question of each type of the default survey, blank and in its error state.
    State("radio", question("age_band"), "answering"),
    error("radio, error", submit_question("age_band"), "answering"),
    expired("radio, page expired", expire(question_page("age_band"), tick("5 to 10")), "answering"),
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
    # The Easy Read survey (larger text, a picture beside each question): its start page and a question
    # of each kind of page.
    State("easy read start", easy_read_page()),
    State("easy read radio", easy_read_page("q/age_band"), "answering easy read"),
    State("easy read checkboxes", easy_read_page("q/services_waited"), "answering easy read"),
    State("easy read duration", easy_read_page("q/wait_ehcna_plan"), "answering easy read"),
    State("easy read consent", easy_read_page("q/quote_consent"), "answering easy read"),
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
    State("coding queue, error", page_at("/staff/coding?theme=none&from=soon&q=x&sure_from=200"), "staff",
          status=422, error_title=True, error_summary=True, endpoint="coding.queue"),
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
    # blind coding page of a sample the lead is coding (tests/agreement/factories.py seeds them).
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
    # Past responses imported (lead): the upload page, a file of no known tool, the columns, a dry run,
    # the import's result.
    State("survey import", page_at(SURVEY_IMPORT), "staff", endpoint="builder.upload"),
    State("survey import, error", upload_an_unknown_export, "staff", status=422, error_title=True,
          error_summary=True, endpoint="builder.upload"),
    State("survey import, columns", map_an_export, "staff", endpoint="builder.upload_mapping"),
    State("survey import, dry run", check_an_export, "staff", endpoint="builder.upload_mapping"),
    State("survey import, imported", import_an_export, "staff", endpoint="builder.upload_progress"),
    # A new survey (lead): from a starter, and from a survey file, each blank and sent without what it needs.
    State("new survey", page_at("/staff/surveys/new"), "staff", endpoint="builder.new"),
    State("new survey, error", submit_at(lambda site: f"{site.url}/staff/surveys/new"), "staff", status=422,
          error_title=True, error_summary=True, endpoint="builder.new"),
    State("import a survey file", page_at("/staff/surveys/import-survey"), "staff",
          endpoint="builder.import_definition"),
    State("import a survey file, error", submit_at(lambda site: f"{site.url}/staff/surveys/import-survey"),
          "staff", status=422, error_title=True, error_summary=True, endpoint="builder.import_definition"),
    # The automatic coder (lead): which is in use, retraining it (refused below the minimum).
    State("coder", page_at("/staff/coder"), "staff", endpoint="coding.coder"),
    State("coder, retrain refused", retrain_too_soon, "staff", status=400, error_title=True,
          error_summary=True, endpoint="coding.retrain"),
    # Exporting responses (lead): the form, and a choice sent back with its problem.
    State("export responses", page_at("/staff/responses/export"), "staff", endpoint="coding.export"),
    State("export responses, error",
          page_at("/staff/responses/export?survey=send-experience&from=2026-02-30&to=&format=csv"), "staff",
          status=422, error_title=True, error_summary=True, endpoint="coding.export"),
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
    # Sharing a survey (staff): its short link, QR code, text for newsletters and poster.
    # The builder (lead): the forum's surveys, one survey, its draft's questions, one question (and sent
    # without its words), the preview, the dates, the title and introduction, and the local lists.
    State("surveys", page_at("/staff/surveys"), "staff", endpoint="builder.surveys"),
    State("survey", page_at(BUILDER), "staff", endpoint="builder.survey"),
    State("survey, questions", page_at(BUILDER + "/edit"), "staff", endpoint="builder.edit"),
    State("survey, a question", page_at(BUILDER + "/questions/age_band"), "staff",
          endpoint="builder.question"),
    State("survey, a question, error", clear_a_question, "staff", status=422, error_title=True,
          error_summary=True, endpoint="builder.question"),
    State("survey, preview", page_at(BUILDER + "/preview"), "staff", endpoint="builder.preview"),
    State("survey, dates", page_at(BUILDER + "/dates"), "staff", endpoint="builder.dates"),
    State("survey, title and introduction", page_at(BUILDER + "/details"), "staff",
          endpoint="builder.details"),
    State("local lists", page_at("/staff/surveys/local-lists"), "staff", endpoint="builder.local_lists"),
    State("survey, share", page_at("/staff/surveys/send-experience/share"), "staff",
          endpoint="builder.share"),
    # A survey's languages (staff; leads upload): the list, the upload page (and sent with no file),
    # the strings not translated after an upload, and "Remove?".
    State("survey, languages", page_at(BUILDER + "/languages"), "staff", endpoint="builder.translations"),
    State("survey, languages, upload", page_at(UPLOAD_UR), "staff", endpoint="builder.translation_upload"),
    State("survey, languages, upload error", submit_at(lambda site: site.url + UPLOAD_UR), "staff",
          status=422, error_title=True, error_summary=True, endpoint="builder.translation_upload"),
    State("survey, languages, not translated", upload_a_translation, "staff",
          endpoint="builder.translation_result"),
    State("survey, languages, remove?", remove_a_translation, "staff", endpoint="builder.translation_remove"),
    # The survey on paper (to print), and a parent's answers entered for them by staff (with the banner).
    State("survey, paper version", page_at(BUILDER + "/paper"), "staff", endpoint="builder.paper_page"),
    State("survey, entering a parent's answers", enter_answers_for_a_parent, "staff",
          endpoint="builder.assisted_start"),
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
