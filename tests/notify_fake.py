"""A fake GOV.UK Notify on 127.0.0.1: enough of POST /v2/notifications/email to
test the Notify backend with the official client, no traffic leaving the machine.

It checks what Notify checks (a Bearer JWT signed HS256 with the API key's secret,
its issuer the service id, issued within 30 seconds; the JSON body's shape), records
every request, and can be told to answer the next few with an error status.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "7c7a2a4e-39a4-4a16-9f2b-4c2f31a6e0d1"
SECRET = "2f1d3b9e-8a5c-4e7f-b1d2-6c9a0e4f7b3a"
API_KEY = f"offer_triage_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
# The template for emails with a file: ((subject)), ((body)) and ((link_to_file)).
ATTACHMENT_TEMPLATE_ID = "0b6d3c2e-5f8a-4d1b-9e7c-3a2f1d4c5b6a"
# What prepare_upload gives a placeholder (Notify's "send a file by email").
FILE_FIELDS = {"file", "filename", "confirm_email_before_download", "retention_period"}

EMAIL_FIELDS = {
    "email_address",
    "template_id",
    "personalisation",
    "reference",
    "email_reply_to_id",
    "one_click_unsubscribe_url",
}

# What Notify says with each status (its v2 error body: a list of errors).
ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type TEAM of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
    503: ("Exception", "Service unavailable"),
}


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any
    claims: dict[str, Any] | None
    status: int
    problems: list[str]


@dataclass
class FakeNotify:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` well-formed requests with `status`, then succeed."""
        with self._lock:
            self._failures.extend([status] * times)

    @property
    def accepted(self) -> list[Request]:
        return [request for request in self.requests if request.status == 201]

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        problems: list[str] = []
        claims = _check_token(headers.get("authorization", ""), problems)
        body = _check_body(path, headers, raw, problems)
        with self._lock:
            if problems:
                status = 403 if claims is None else 400
                answer = _error(status, "; ".join(problems))
            elif self._failures:
                status = self._failures.pop(0)
                answer = _error(status)
            else:
                status, answer = 201, self._created(body)
            self.requests.append(Request(path, headers, body, claims, status, problems))
        return status, answer

    def _created(self, body: dict[str, Any]) -> dict[str, Any]:
        notification_id = str(uuid.uuid4())
        return {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {
                "subject": body["personalisation"]["subject"],
                "body": body["personalisation"]["body"],
                "from_email": "offer.triage@notifications.service.gov.uk",
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {
                "id": body["template_id"],
                "version": 1,
                "uri": f"{self.url}/services/{SERVICE_ID}/templates/{body['template_id']}",
            },
            "scheduled_for": None,
        }


def _error(status: int, message: str | None = None) -> dict[str, Any]:
    name, default = ERRORS.get(status, ("Exception", "Error"))
    return {"errors": [{"error": name, "message": message or default}], "status_code": status}


def _check_token(authorization: str, problems: list[str]) -> dict[str, Any] | None:
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token:
        problems.append("Unauthorized: authentication token must be provided")
        return None
    try:
        header = jwt.get_unverified_header(token)
        claims: dict[str, Any] = jwt.decode(token, SECRET, algorithms=["HS256"])
    except jwt.PyJWTError as error:
        problems.append(f"Invalid token: {type(error).__name__}")
        return None
    if header.get("alg") != "HS256" or header.get("typ") != "JWT":
        problems.append("Invalid token: header")
    if claims.get("iss") != SERVICE_ID:
        problems.append("Invalid token: iss is not the service id")
    if abs(time.time() - int(claims.get("iat", 0))) > 30:
        problems.append("Invalid token: iat more than 30 seconds from now")
    return claims


def _check_body(path: str, headers: dict[str, str], raw: bytes, problems: list[str]) -> Any:
    if path != "/v2/notifications/email":
        problems.append(f"Unexpected path {path}")
    if headers.get("content-type") != "application/json":
        problems.append("Content-Type is not application/json")
    try:
        body = json.loads(raw)
    except ValueError:
        problems.append("Body is not JSON")
        return None
    if not isinstance(body, dict):
        problems.append("Body is not a JSON object")
        return body
    if unknown := set(body) - EMAIL_FIELDS:
        problems.append(f"Additional properties are not allowed ({sorted(unknown)})")
    for name in ("email_address", "template_id", "reference"):
        if not isinstance(body.get(name), str) or not body[name]:
            problems.append(f"{name} is a required string")
    personalisation = body.get("personalisation")
    placeholders = {"subject", "body"}
    if body.get("template_id") == ATTACHMENT_TEMPLATE_ID:
        placeholders.add("link_to_file")
    if not isinstance(personalisation, dict) or set(personalisation) != placeholders:
        problems.append(f"personalisation must have exactly {sorted(placeholders)}")
        return body
    upload = personalisation.pop("link_to_file", None)
    if not all(isinstance(value, str) for value in personalisation.values()):
        problems.append("personalisation values must be strings")
    if upload is not None:
        _check_upload(upload, problems)
        personalisation["link_to_file"] = upload
    return body


def _check_upload(upload: Any, problems: list[str]) -> None:
    """A file sent by email: base64 content and a filename with an extension."""
    if not isinstance(upload, dict) or set(upload) - FILE_FIELDS or "file" not in upload:
        problems.append("link_to_file is not a file prepared for upload")
        return
    try:
        base64.b64decode(upload["file"], validate=True)
    except (TypeError, ValueError):
        problems.append("link_to_file: file is not base64")
    filename = upload.get("filename")
    if filename is not None and (not isinstance(filename, str) or "." not in filename):
        problems.append("link_to_file: filename must include a file extension")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, answer = self.server.fake.handle(self.path, headers, raw)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests assert on the recorded requests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeNotify


@contextmanager
def running() -> Iterator[FakeNotify]:
    """A fake Notify listening on a free port of 127.0.0.1 until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeNotify(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
