"""Forums as the platform administrator sees them: made with the default survey and codebook, listed
with staff and response counts only (never answers, codings or packs), suspended and restored."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.accounts.platform import ForumRow, list_forums, new_forum
from forum_app.codebook.versions import ensure_codebook
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.services import count_submitted, publish_survey


@dataclass(frozen=True)
class CreatedForum:
    """A forum just made, with the slug of its survey and the number of themes of its codebook."""

    forum: Forum
    survey_slug: str
    themes: int


def create_forum(session: Session, slug: str, name: str, local_area: str = "") -> CreatedForum:
    """A new forum with the default survey and the default codebook, and no answers (one commit).
    Raises ``AccountError`` for a slug in use or bad input."""
    forum = new_forum(session, slug, name, local_area)
    codebook = ensure_codebook(session, forum.id)
    version = publish_survey(session, forum, load_packaged())  # commits the forum and its codebook
    return CreatedForum(forum, version.survey.slug, len(codebook.themes))


@dataclass(frozen=True)
class ForumSummary(ForumRow):
    """A forum of the platform's list, with its number of submitted responses."""

    responses: int


def forum_summaries(session: Session) -> list[ForumSummary]:
    """Every forum with its number of active staff and of submitted responses."""
    return [
        ForumSummary(**asdict(row), responses=count_submitted(session, row.id))
        for row in list_forums(session)
    ]
