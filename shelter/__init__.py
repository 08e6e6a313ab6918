"""Shelter: hosting nights, guest stays and volunteer shifts for a citizens' collective."""

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shelter.configure import ROOT, instance_path_for, load_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: config layers, extensions, blueprints and commands."""
    from shelter import cli, database, errors, i18n, mail, navigation, security, serving, throttle
    from shelter.auth import policy
    from shelter.extensions import babel, csrf, db, limiter, login_manager, migrate

    app = Flask(
        __name__,
        instance_path=str(instance_path_for(config)),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    app.url_map.converters["int"] = security.IdConverter

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    # The login check must run before the CSRF check, so that an anonymous POST is
    # sent to the login page rather than answered with a CSRF error.
    security.init_app(app)
    policy.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    throttle.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    mail.init_app(app)
    serving.init_app(app)
    _register_blueprints(app)
    serving.mask_token_routes(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from shelter.admin import bp as admin_bp
    from shelter.auth import bp as auth_bp
    from shelter.calendar import bp as calendar_bp
    from shelter.feeds import bp as feeds_bp
    from shelter.members import bp as members_bp
    from shelter.nights import bp as nights_bp
    from shelter.places import bp as places_bp
    from shelter.public import bp as public_bp
    from shelter.report import bp as report_bp
    from shelter.shifts import bp as shifts_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(nights_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(shifts_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(report_bp)
