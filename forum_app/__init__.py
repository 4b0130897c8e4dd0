"""The forum evidence platform: a Flask application built by ``create_app``."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from forum_app.config import PROJECT_ROOT, load_config
from forum_app.extensions import csrf, db, login_manager


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(load_config(config))
    if app.config["PROXY_COUNT"]:
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    register_extensions(app)
    register_blueprints(app)
    register_templates(app)
    register_errors_and_headers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from forum_app.i18n import init_languages
    from forum_app.inputs import LimitedJSONProvider

    app.json = LimitedJSONProvider(app)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_languages(app)


# Every module that adds routes to a feature's blueprint. Importing a feature (its models, its services)
# never pulls in its views; the app imports them here when it registers the blueprints.
VIEW_MODULES = (
    "forum_app.accounts.recovery_views",
    "forum_app.accounts.session_views",
    "forum_app.accounts.switcher_views",
    "forum_app.accounts.team_views",
    "forum_app.accounts.two_factor_views",
    "forum_app.accounts.views",
    "forum_app.admin.views",
    "forum_app.agreement.views",
    "forum_app.builder.assisted_views",
    "forum_app.builder.local_list_views",
    "forum_app.builder.paper_views",
    "forum_app.builder.share_views",
    "forum_app.builder.translation_views",
    "forum_app.builder.upload_views",
    "forum_app.builder.file_views",
    "forum_app.builder.views",
    "forum_app.codebook.views",
    "forum_app.coding.coder_views",
    "forum_app.coding.export_views",
    "forum_app.coding.phrase_views",
    "forum_app.coding.views",
    "forum_app.home.views",
    "forum_app.moderation.settings_views",
    "forum_app.moderation.views",
    "forum_app.packs.about_views",
    "forum_app.packs.population_views",
    "forum_app.packs.shared_views",
    "forum_app.packs.views",
    "forum_app.quotes.views",
    "forum_app.surveys.code_views",
    "forum_app.surveys.error_pages",
    "forum_app.surveys.support_views",
    "forum_app.surveys.views",
)


def register_blueprints(app: Flask) -> None:
    from forum_app.accounts import bp as accounts_bp
    from forum_app.accounts.audit import register_audit
    from forum_app.admin import bp as admin_bp
    from forum_app.agreement import bp as agreement_bp
    from forum_app.builder import bp as builder_bp
    from forum_app.codebook import bp as codebook_bp
    from forum_app.coding import bp as coding_bp
    from forum_app.home import bp as home_bp
    from forum_app.moderation import bp as moderation_bp
    from forum_app.packs import bp as packs_bp
    from forum_app.quotes import bp as quotes_bp
    from forum_app.security import register_guard
    from forum_app.surveys import bp as surveys_bp
    from forum_app.urls import register_converters

    for name in VIEW_MODULES:  # importing a view module registers its routes on its feature's blueprint
        importlib.import_module(name)
    register_converters(app)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(builder_bp)
    app.register_blueprint(codebook_bp)
    app.register_blueprint(coding_bp)
    app.register_blueprint(agreement_bp)
    app.register_blueprint(quotes_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(packs_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(admin_bp)
    # Survey pages check CSRF in each form, so a stale token keeps what the parent typed.
    csrf.exempt(surveys_bp)
    register_guard(app)
    register_audit(app)


def register_templates(app: Flask) -> None:
    from forum_app.templating import register_filters

    register_filters(app)


def register_errors_and_headers(app: Flask) -> None:
    from forum_app.errors import register_error_handlers
    from forum_app.headers import register_headers

    register_error_handlers(app)
    register_headers(app)


def register_cli(app: Flask) -> None:
    from forum_app.accounts.cli import users_cli
    from forum_app.admin.cli import forums_cli
    from forum_app.coding.cli import themes_cli
    from forum_app.dbcli import db_cli
    from forum_app.demo import seed_demo_command
    from forum_app.moderation.cli import moderation_cli
    from forum_app.packs.cli import packs_cli
    from forum_app.retention import retention_cli
    from forum_app.surveys.imports.cli import surveys_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(forums_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(retention_cli)
    app.cli.add_command(themes_cli)
    app.cli.add_command(moderation_cli)
    app.cli.add_command(packs_cli)
    app.cli.add_command(surveys_cli)
