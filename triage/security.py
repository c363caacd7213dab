"""Response headers that every page carries."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request


def csp_nonce() -> str:
    """This request's nonce for inline scripts, made when first asked for: by the
    page's template or by the headers, whichever comes first. Not in a
    before_request hook, which an earlier hook's error (CSRF, a body over the size
    limit) would skip, leaving the error page with an empty nonce."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def init_app(app: Flask) -> None:
    @app.context_processor
    def nonce_for_templates() -> dict[str, str]:
        return {"cspNonce": csp_nonce()}

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        nonce = csp_nonce()
        # The only inline script is GOV.UK Frontend's one-line js-enabled flag,
        # allowed by this request's nonce.
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["HSTS"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages show people's offers; keep them out of shared caches and history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
