"""The idea-and-recognition portal."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.accounts.rollups.counting import count_people_on_every_flush
from portal.accounts.sso import oidc
from portal.core import db, jobs
from portal.core.config import config_from_environment
from portal.core.errors import register_error_handlers
from portal.core.extensions import csrf, htmx, login_manager
from portal.core.inputs import IdConverter, PortalRequest
from portal.core.markdown import render_markdown
from portal.core.preflight import init_rate_limits
from portal.core.web import add_security_headers
from portal.recognition.cycles import hand_down_open_cycle
from portal.recognition.services.rerouting import reroute_when_managers_change
from portal.reviews.queries import get_open_cycle
from portal.site import layout


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.request_class = PortalRequest
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(config_from_environment())
    if config:
        app.config.update(config)
    configure_logging(app)
    trust_proxies(app)

    db.init_app(app)
    jobs.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    init_rate_limits(app)
    login_manager.init_app(app)
    layout.init_app(app)
    oidc.init_app(app)
    hand_down_open_cycle(app, get_open_cycle)
    reroute_when_managers_change()
    count_people_on_every_flush(db.get_database(app).write_sessions)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "basic"

    app.jinja_env.filters["markdown"] = render_markdown
    register_blueprints(app)
    register_error_handlers(app)
    add_security_headers(app)

    from portal.site.cli import register_commands

    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    from portal.accounts.sso.views import bp as identity_bp
    from portal.accounts.views import bp as accounts_bp
    from portal.ideas.views import bp as ideas_bp
    from portal.leaderboards.views import bp as leaderboards_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.recognition.views import bp as recognition_bp
    from portal.reviews.views import bp as reviews_bp
    from portal.scim.views import bp as scim_bp
    from portal.site.admin import bp as admin_bp
    from portal.site.home import bp as home_bp
    from portal.site.people import bp as people_bp

    for blueprint in (
        home_bp,
        accounts_bp,
        people_bp,
        identity_bp,
        admin_bp,
        notifications_bp,
        ideas_bp,
        recognition_bp,
        reviews_bp,
        leaderboards_bp,
        scim_bp,
    ):
        app.register_blueprint(blueprint)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("alembic").setLevel(logging.WARNING)


def trust_proxies(app: Flask) -> None:
    """Behind a load balancer, take the client address from X-Forwarded-For (PORTAL_PROXY_COUNT)."""
    count = app.config["PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
