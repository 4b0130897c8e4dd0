"""The coder a forum uses: a model (the shipped one, or one retrained on the forum's own codings) and
the forum's codebook, whose added indicator phrases count as evidence.

A phrase the lead added to a theme (one the shipped codebook does not have) suggests that theme when
it is found and not negated, with at least ``PHRASE_CONFIDENCE``, and is shown as its evidence.
Phrases the lead removed still weigh in the model's word weights until the forum's coder is retrained.

The model is the forum's active ``ForumModel`` when it has one (see ``retraining``), read from its
stored npz bytes without pickle once per process, else the shipped default.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.shipped import Codebook, default_codebook
from forum_app.codebook.versions import as_codebook
from forum_app.coder.classifier import LONGEST_TEXT, Model
from forum_app.coder.indicators import TextIndex, find_indicators
from forum_app.coder.jargon import normalise
from forum_app.coder.model_files import model_from_bytes
from forum_app.coder.pipeline import Coding, Evidence, ThemeSuggestion
from forum_app.coder.shipped_model import default_model
from forum_app.coding.models import ForumModel
from forum_app.coding.retraining import active_model, model_number

PHRASE_CONFIDENCE = 0.6


def added_phrases(codebook: Codebook) -> Codebook | None:
    """A codebook holding only the indicator phrases this codebook adds to the shipped one."""
    shipped = default_codebook()
    themes = []
    for theme in codebook.themes:
        known = {phrase.lower() for phrase in shipped.theme(theme.id).indicators}
        extra = tuple(phrase for phrase in theme.indicators if phrase.lower() not in known)
        themes.append(replace(theme, indicators=extra))
    if not any(theme.indicators for theme in themes):
        return None
    return replace(codebook, themes=tuple(themes))


@dataclass(frozen=True)
class ForumCoder:
    model: Model
    label: str  # "default", or "forum model N"
    codebook: Codebook
    extra: Codebook | None = field(default=None)

    def adjust(self, text: str, coding: Coding) -> Coding:
        """Add the suggestions that the forum's own indicator phrases make."""
        if self.extra is None:
            return coding
        normalised = normalise(text[:LONGEST_TEXT])
        found: dict[str, list[Evidence]] = {}
        for hit in find_indicators(TextIndex.of(normalised.text), self.extra):
            if not hit.negated:
                quote = normalised.quote(hit.start, hit.end)
                found.setdefault(hit.theme, []).append(
                    Evidence("phrase", quote, f"forum codebook phrase “{hit.phrase}”")
                )
        if not found:
            return coding
        labels = {theme.id: theme.label for theme in self.codebook.themes}
        suggestions = {suggestion.theme: suggestion for suggestion in coding.themes}
        scores = dict(coding.scores)
        for theme, evidence in found.items():
            before = suggestions.get(theme)
            confidence = max(scores.get(theme, 0.0), PHRASE_CONFIDENCE)
            scores[theme] = confidence
            suggestions[theme] = ThemeSuggestion(
                theme,
                labels.get(theme, theme),
                confidence,
                tuple(evidence) + (before.evidence if before else ()),
            )
        ordered = tuple(sorted(suggestions.values(), key=lambda suggestion: -suggestion.confidence))
        return replace(coding, themes=ordered, scores=scores)


# Forum models read from the database: (label, model) by ForumModel id (and creation time, so a
# database rebuilt from empty, as in tests, cannot hand out another model under a reused id). A
# model's parameters never change once stored, so a cached one is never stale; the least recently
# used are dropped beyond CACHED_MODELS.
CACHED_MODELS = 8
_models: OrderedDict[tuple[int, str], tuple[str, Model]] = OrderedDict()
_models_lock = threading.Lock()


def _forum_model(session: Session, active: ForumModel) -> tuple[str, Model] | None:
    key = (active.id, active.created_at.replace(tzinfo=None).isoformat())
    with _models_lock:
        if key in _models:
            _models.move_to_end(key)
            return _models[key]
    parameters = session.scalar(select(ForumModel.parameters).where(ForumModel.id == active.id))
    if not parameters:
        return None
    loaded = (f"forum model {model_number(session, active)}", model_from_bytes(parameters))
    with _models_lock:
        _models[key] = loaded
        while len(_models) > CACHED_MODELS:
            _models.popitem(last=False)
    return loaded


def forget_models(model_ids: Sequence[int]) -> None:
    """Drop these models from this process's cache (their parameters were deleted)."""
    gone = set(model_ids)
    with _models_lock:
        for key in [key for key in _models if key[0] in gone]:
            del _models[key]


def coder_for_forum(session: Session, forum_id: int, version: CodebookVersion) -> ForumCoder:
    """The coder for new answers of this forum, with its current codebook ``version``: the forum's
    active retrained model if it has one, else the default."""
    codebook = as_codebook(version)
    active = active_model(session, forum_id)
    found = _forum_model(session, active) if active is not None else None
    label, model = found if found is not None else ("default", default_model())
    return ForumCoder(model, label, codebook, added_phrases(codebook))
