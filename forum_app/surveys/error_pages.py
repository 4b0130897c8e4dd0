"""The survey runner's error pages for its own exceptions, registered on the app with the surveys
blueprint (``app_errorhandler``), so ``forum_app.errors`` needs to know nothing of surveys."""

from __future__ import annotations

from flask_babel import gettext as _

from forum_app.errors import render_error
from forum_app.surveys import bp
from forum_app.surveys.services import FormTampered, SurveyClosed, SurveyNotFound


@bp.app_errorhandler(SurveyNotFound)
def survey_not_found(_error: SurveyNotFound) -> tuple[str, int]:
    return render_error(
        404,
        _("Survey not found"),
        _("Check the web address. The forum that shared the link can send it again."),
    )


@bp.app_errorhandler(SurveyClosed)
def survey_closed(error: SurveyClosed) -> tuple[str, int]:
    return render_error(
        410,
        _("This survey has closed"),
        _(
            "%(forum)s is no longer collecting answers to ‘%(survey)s’. Thank you for wanting to take part.",
            forum=error.survey.forum.name,
            survey=error.survey.title,
        ),
    )


@bp.app_errorhandler(FormTampered)
def form_tampered(_error: FormTampered) -> tuple[str, int]:
    return render_error(400)
