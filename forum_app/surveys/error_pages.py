"""The survey runner's error pages for its own exceptions, registered on the app with the surveys
blueprint (``app_errorhandler``), so ``forum_app.errors`` needs to know nothing of surveys."""

from __future__ import annotations

from forum_app.errors import render_error
from forum_app.surveys import bp
from forum_app.surveys.services import FormTampered, SurveyClosed, SurveyNotFound


@bp.app_errorhandler(SurveyNotFound)
def survey_not_found(_error: SurveyNotFound) -> tuple[str, int]:
    return render_error(
        404,
        "Survey not found",
        "Check the web address. The forum that shared the link can send it again.",
    )


@bp.app_errorhandler(SurveyClosed)
def survey_closed(error: SurveyClosed) -> tuple[str, int]:
    return render_error(
        410,
        "This survey has closed",
        f"{error.survey.forum.name} is no longer collecting answers to "
        f"‘{error.survey.title}’. Thank you for wanting to take part.",
    )


@bp.app_errorhandler(FormTampered)
def form_tampered(_error: FormTampered) -> tuple[str, int]:
    return render_error(400)
