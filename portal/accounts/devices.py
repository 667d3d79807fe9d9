"""Device cookies (OWASP): a browser that has signed in to an account is known to it.

Failed sign-ins from a known browser count against that browser alone, so a stranger who
exhausts an account's limit cannot lock its owner out; failures from anywhere else keep the
account-wide and per-address limits. The cookie is signed with SECRET_KEY and holds, for each
of the last few accounts signed in on this browser, the address, a random nonce that names
the browser, and when it was issued. It is only ever sent to /login.
"""

from __future__ import annotations

import secrets
import time

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from portal.accounts.throttling import Bucket

COOKIE_NAME = "portal_device"
COOKIE_PATH = "/login"
ACCOUNTS_PER_BROWSER = 5
Entry = tuple[str, str, int]  # email, nonce, issued at (Unix time)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="portal-device-cookie")


def _lifetime() -> int:
    return current_app.config["DEVICE_COOKIE_DAYS"] * 24 * 3600


def _entries() -> list[Entry]:
    """This browser's unexpired entries; a forged or damaged cookie counts as none."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return []
    try:
        entries = _serializer().loads(raw)
    except BadSignature:
        return []
    oldest = time.time() - _lifetime()
    return [
        (email, nonce, issued)
        for email, nonce, issued in entries[:ACCOUNTS_PER_BROWSER]
        if issued > oldest
    ]


def known_device(email: str) -> str | None:
    """The nonce this browser holds for the account, if it has signed in to it before."""
    return next((nonce for known, nonce, _ in _entries() if known == email), None)


def sign_in_buckets(email: str) -> list[Bucket]:
    """Where this attempt's failure counts: the browser if it is known, else account and address."""
    config = current_app.config
    nonce = known_device(email)
    if nonce:
        return [Bucket("device", nonce, config["LOGIN_LIMIT_PER_DEVICE"])]
    return [
        Bucket("account", email, config["LOGIN_LIMIT_PER_ACCOUNT"]),
        Bucket("address", request.remote_addr or "", config["LOGIN_LIMIT_PER_ADDRESS"]),
    ]


def remember_device(response: Response, email: str) -> None:
    """After a successful sign-in: a fresh nonce for this account, the newest first."""
    others = [entry for entry in _entries() if entry[0] != email]
    entries = [(email, secrets.token_urlsafe(16), int(time.time())), *others]
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(entries[:ACCOUNTS_PER_BROWSER]),
        max_age=_lifetime(),
        path=COOKIE_PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
