"""SCIM clients talking to the portal over real HTTP, as a directory does."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx2
import pytest
from flask import Flask
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import EnterpriseUser, Group, ResourceType, ScimProvider, User
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from portal.scim.tokens import create_token


@pytest.fixture(scope="session")
def live_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def scim_token(db: Session) -> str:
    _token, raw = create_token(db, None, "Okta")
    db.commit()
    return raw


@pytest.fixture
def http(live_url: str, scim_token: str) -> Iterator[httpx2.Client]:
    with httpx2.Client(
        base_url=f"{live_url}/scim/v2", headers={"Authorization": f"Bearer {scim_token}"}
    ) as client:
        yield client


@pytest.fixture
def scim(http: httpx2.Client) -> SyncSCIMClient:
    provider = ScimProvider(
        models=[User, EnterpriseUser, Group],
        resource_types=[
            ResourceType.from_resource(User[EnterpriseUser]),
            ResourceType.from_resource(Group),
        ],
    )
    return SyncSCIMClient(http, provider=provider)
