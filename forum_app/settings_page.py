"""A lead's settings page, the same for every section of ``forum_settings``: one form, saved unless
another lead saved the same section meanwhile.

A feature describes its page (``SettingsPage``: the section, its form's fields, how the stored section
is shown, how the form is checked, the template and its messages) and its view returns
``settings_page(PAGE)``. The page:

- on GET shows the form with the stored values and the section's version (``forum_settings.
  section_version``) in a hidden field (``templates/macros/settings.html``);
- on POST checks what was typed (a field left out of the form keeps its stored value); when it is
  wrong, shows the form again as typed with the messages by field; when it is right, saves it with
  ``forum_settings.save_section``, flashes ``saved`` and redirects to itself (303, so the audit log
  records the POST); and when another lead saved since the form was shown, saves nothing and shows the
  form again as typed with ``changed_meanwhile`` in the error summary and the new version, so that
  sending it again replaces theirs.

Who may open it is the view's decorator's business (``role_required("lead")``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from flask import flash, redirect, render_template, request, url_for

from forum_app.extensions import db
from forum_app.forum_settings import Errors, S, read_section, save_section, section_version
from forum_app.security import current_membership
from forum_app.views import Page

NOTICE = "notice"  # flash category
VERSION_FIELD = "version"


@dataclass(frozen=True)
class SettingsPage(Generic[S]):
    section: type[S]
    endpoint: str  # the page's own endpoint, to redirect to once saved
    template: str
    saved: str  # flashed once saved
    changed_meanwhile: str  # the error summary's message when another lead saved meanwhile
    fields: Callable[[], Sequence[str]]  # the form's field names, in its order
    shown: Callable[[S], dict[str, str]]  # the stored section as the form shows it, by field
    check: Callable[[Mapping[str, str], S], tuple[S, Errors]]  # typed, stored -> to save, messages
    context: Callable[[dict[str, str], Errors], dict[str, Any]]  # values, messages -> template's


def settings_page(page: SettingsPage[S]) -> Page:
    """The page for the signed-in member's forum: GET shows the form, POST saves it (see above)."""
    forum = current_membership().forum
    stored = read_section(forum, page.section)
    values = page.shown(stored)
    if request.method != "POST":
        return _render(page, values, section_version(forum, page.section), {})
    typed = {**values, **{name: request.form[name] for name in page.fields() if name in request.form}}
    version = request.form.get(VERSION_FIELD, "")
    changed, errors = page.check(typed, stored)
    if not errors:
        if save_section(db.session, forum, changed, version or None):
            flash(page.saved, NOTICE)
            return redirect(url_for(page.endpoint), 303)
        # Another lead saved meanwhile: the form now carries their version, so sending it replaces theirs.
        errors, version = {"form": [page.changed_meanwhile]}, section_version(forum, page.section)
    return _render(page, typed, version, errors)


def _render(page: SettingsPage[S], values: dict[str, str], version: str, errors: Errors) -> str:
    return render_template(page.template, version=version, errors=errors, **page.context(values, errors))
