"""Offer Triage: the web application."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader, Undefined
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from triage import db
from triage.config import PROJECT_ROOT, Config, as_mapping, config_from_environment
from triage.extensions import csrf, login_manager
from triage.upload_limits import CappedUploadRequest


class RenderStrictUndefined(Undefined):
    """Fails when an undefined name is rendered, so a typo fails a test.

    Tests, lengths and lookups stay lenient: GOV.UK Frontend's own macros pass
    optional parameters around undefined, which jinja's StrictUndefined refuses.
    """

    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, capped at the largest id an integer column holds, so a
    longer number is a 404 rather than an overflow in the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    config = config or config_from_environment()
    config.check()
    # Everything the service writes (uploads, emails, the SQLite database, the
    # embedded broker's messages) may hold personal data: readable by its owner only.
    os.umask(0o077)

    app = Flask(
        __name__,
        static_folder="static",
        static_url_path="/assets",
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.request_class = CappedUploadRequest
    app.config.update(as_mapping(config, overrides))
    if app.config["PROXY_FIX_HOPS"]:
        # The client's address (sign-in throttling) and scheme as the configured
        # number of trusted proxies saw them; without proxies, the connection's.
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.url_map.converters["int"] = IdConverter

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.config["TESTING"]:
        app.jinja_env.undefined = RenderStrictUndefined

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    WTFormsHelpers(app)

    from triage import errors, security, template_helpers
    from triage.account import bp as account_blueprint
    from triage.admin import bp as admin_blueprint
    from triage.admin import policy_bp as policy_blueprint
    from triage.auth import bp as auth_blueprint
    from triage.health import blueprint as health_blueprint
    from triage.offers import bp as offers_blueprint
    from triage.pages import bp as pages_blueprint
    from triage.placement import bp as placement_blueprint
    from triage.queue import bp as queue_blueprint

    security.init_app(app)
    errors.init_app(app)
    template_helpers.init_app(app)
    app.register_blueprint(auth_blueprint)
    app.register_blueprint(offers_blueprint)
    app.register_blueprint(queue_blueprint)
    app.register_blueprint(admin_blueprint)
    app.register_blueprint(policy_blueprint)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(account_blueprint)
    app.register_blueprint(placement_blueprint)
    app.register_blueprint(pages_blueprint)

    from triage.cli import register_commands

    register_commands(app)
    return app
