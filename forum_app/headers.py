"""Response headers: strict security headers everywhere, HSTS in production, and ``no-store`` on every
page or file that may hold answers (staff pages, shared packs, and any HTML page)."""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.security import PUBLIC_ENDPOINTS

# Strict by default: no third-party anything, no framing, no referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Production is served over HTTPS only: browsers must never try http:// again, for a year.
HSTS = "max-age=31536000; includeSubDomains"
# Public endpoints whose every answer is private all the same: a shared pack is for its inspector only.
SHARED_PACK_PREFIX = "packs.shared"


def is_private(endpoint: str | None) -> bool:
    """Staff pages and shared packs: never kept in a cache, whatever the file type."""
    if endpoint is None:
        return False
    return endpoint not in PUBLIC_ENDPOINTS or endpoint.startswith(SHARED_PACK_PREFIX)


def security_headers(response: WerkzeugResponse) -> WerkzeugResponse:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["FORUM_ENV"] == "production":
        response.headers["Strict-Transport-Security"] = HSTS
    if is_private(request.endpoint):
        # Exports (CSV, JSON, XLSX, PDF, ZIP) too: a shared computer's cache must not keep them.
        response.headers["Cache-Control"] = "no-store"
    elif "Cache-Control" not in response.headers and response.mimetype == "text/html":
        # Answers may be on screen: never keep them in a shared phone's cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def register_headers(app: Flask) -> None:
    app.after_request(security_headers)
