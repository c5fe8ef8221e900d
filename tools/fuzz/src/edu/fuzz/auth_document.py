"""The fuzzer's users as a Web Fuzzing Commons (WFC) auth document for schemathesis.

Each user logs in through identity's real ``POST /auth/login`` (schemathesis does it, and logs
in again before the 15-minute access token runs out), and sends ``Authorization: Bearer ...``.
Several users let schemathesis find the one an operation admits (a student for enrolments, a
teacher for authoring) and replay one user's reads as another ("peers") for the
``object_level_authorization`` check.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edu.testing.journeys import Account

# schemathesis caches a login this long (seconds); identity's access tokens live 15 minutes.
REFRESH_SECONDS = 600


def login_entry(name: str, identity_url: str, account: Account) -> dict[str, Any]:
    return {
        "name": name,
        "loginEndpointAuth": {
            "verb": "POST",
            "externalEndpointURL": f"{identity_url}/auth/login",
            "contentType": "application/json",
            "payloadUserPwd": {
                "username": account.email,
                "password": account.password,
                "usernameField": "email",
                "passwordField": "password",
            },
            "token": {
                "extractFrom": "body",
                "extractSelector": "/access_token",
                "sendIn": "header",
                "sendName": "Authorization",
                "sendTemplate": "Bearer {token}",
            },
        },
    }


def write_auth_document(
    path: Path, identity_url: str, users: Sequence[tuple[str, Account]]
) -> Path:
    """Write the document (users in the order schemathesis tries them) and return ``path``."""
    document = {
        "schemaVersion": "0.2.0",
        "auth": [login_entry(name, identity_url, account) for name, account in users],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2))
    return path
