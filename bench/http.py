"""A small signed-in HTTP client over http.client (no new dependency)."""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from portal.demo.organisation import DEMO_PASSWORD

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')
NEXT_LINK = re.compile(r'<a\b[^>]*rel="next"[^>]*>')
HREF = re.compile(r'href="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str
    seconds: float

    @property
    def statements(self) -> int | None:
        value = self.headers.get("X-SQL-Statements")
        return int(value) if value is not None else None

    def csrf_token(self) -> str:
        tag = CSRF_INPUT.search(self.text)
        if tag is None:
            raise RuntimeError("no csrf_token field on the page")
        return VALUE.search(tag.group(0)).group(1)

    def next_link(self) -> str | None:
        tag = NEXT_LINK.search(self.text)
        return html.unescape(HREF.search(tag.group(0)).group(1)) if tag else None


class Client:
    """One person's browser: keeps the cookies, one connection per request like gunicorn sync."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            reply = connection.getresponse()
            text = reply.read().decode("utf-8", "replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        self._keep_cookies(reply.headers.get_all("Set-Cookie") or [])
        return Response(reply.status, reply.headers, text, seconds)

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, object], **headers: str) -> Response:
        return self.request("POST", path, form=form, headers=headers)

    def sign_in(self, email: str) -> str:
        """Sign in and return the CSRF token of the signed-in session."""
        token = self.get("/login").csrf_token()
        form = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
        reply = self.post("/login", form)
        if reply.status != 303:
            raise RuntimeError(f"sign-in of {email} answered {reply.status}")
        return self.get("/ideas/new").csrf_token()
