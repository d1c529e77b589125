"""Session tokens against the real next-auth 4.24 (v4) and @auth/core 0.41 (v5), both ways.

One Node run per module: Node encodes the tokens Python then decodes, and decodes
the tokens Python encoded beforehand (tests/interop/jwt_peer.mjs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from django_nextauth import jwt
from django_nextauth.exceptions import DecryptionFailed, InvalidToken, MalformedToken, TokenExpired

from .nodejs import run_node

pytestmark = pytest.mark.interop

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
OLD = "old-secret-9Qm2v8cV0pL3sX7aZ1rT5yU4wE6iO0n="
OTHER = "some-other-secret-0000000000000000000000000"
V5_SALT = "authjs.session-token"
SECURE_V5_SALT = "__Secure-authjs.session-token"

SMALL = {"name": "Ada Lovelace", "email": "ada@example.com", "picture": None, "sub": "1"}
UNICODE = {"name": "Zoë Ñandú — 李小龍 🚀", "email": "zoë@exämple.com", "sub": "42"}
# Well over one 4 KB cookie once encrypted.
LARGE = {"name": "Big Token", "sub": "7", "groups": [f"group-{i}-ü" for i in range(400)]}


@dataclass(frozen=True)
class NodeToPython:
    """Node encodes ``payload``; Python decodes it and gets the payload or ``expect``."""

    id: str
    version: jwt.Version
    payload: dict[str, Any]
    node_secret: str | list[str] = SECRET
    python_secret: str | tuple[str, ...] = SECRET
    node_salt: str | None = None
    python_salt: str | None = None
    python_version: jwt.Version | None = None
    op: str = "encode"
    max_age: int = 3600
    expect: type[InvalidToken] | None = None


@dataclass(frozen=True)
class PythonToNode:
    """Python encodes ``payload``; Node decodes it to the payload or fails with ``expect``."""

    id: str
    version: jwt.Version
    payload: dict[str, Any]
    python_secret: str | tuple[str, ...] = SECRET
    node_secret: str | list[str] = SECRET
    python_salt: str | None = None
    node_salt: str | None = None
    node_version: jwt.Version | None = None
    max_age: int = 3600
    expect: str | None = None


NODE_TO_PYTHON = [
    NodeToPython("v4-small", "v4", SMALL),
    NodeToPython("v4-unicode", "v4", UNICODE),
    NodeToPython("v4-large", "v4", LARGE),
    NodeToPython("v4-salt", "v4", SMALL, node_salt="custom salt", python_salt="custom salt"),
    NodeToPython(
        "v4-old-secret-rotated", "v4", SMALL, node_secret=OLD, python_secret=(SECRET, OLD)
    ),
    NodeToPython("v4-clock-skew", "v4", SMALL, max_age=-5),
    NodeToPython("v5-small", "v5", SMALL),
    NodeToPython("v5-unicode", "v5", UNICODE),
    NodeToPython("v5-large", "v5", LARGE),
    NodeToPython(
        "v5-secure-salt", "v5", SMALL, node_salt=SECURE_V5_SALT, python_salt=SECURE_V5_SALT
    ),
    # @auth/core puts the key's thumbprint in `kid`; both sides pick the secret by it.
    NodeToPython(
        "v5-old-secret-rotated",
        "v5",
        SMALL,
        node_secret=[OLD],
        python_secret=(SECRET, OLD),
    ),
    NodeToPython(
        "v5-rotation-list",
        "v5",
        SMALL,
        node_secret=[SECRET, OLD],
        python_secret=(OLD, SECRET),
    ),
    NodeToPython("v5-clock-skew", "v5", SMALL, max_age=-5),
    # Kid-less A256GCM with the v5 key: @auth/core accepts it (with its first secret only).
    NodeToPython("v5-gcm", "v5", UNICODE, op="encode_gcm"),
    NodeToPython(
        "v5-gcm-second-secret",
        "v5",
        SMALL,
        op="encode_gcm",
        python_secret=(OTHER, SECRET),
    ),
    # Rejected.
    NodeToPython("v4-expired", "v4", SMALL, max_age=-60, expect=TokenExpired),
    NodeToPython("v5-expired", "v5", SMALL, max_age=-60, expect=TokenExpired),
    NodeToPython("v4-wrong-secret", "v4", SMALL, python_secret=OTHER, expect=DecryptionFailed),
    NodeToPython(
        "v5-wrong-secret",
        "v5",
        SMALL,
        python_secret=(OTHER, OLD),
        expect=DecryptionFailed,
    ),
    NodeToPython("v4-wrong-salt", "v4", SMALL, python_salt="x", expect=DecryptionFailed),
    NodeToPython(
        "v5-wrong-salt",
        "v5",
        SMALL,
        python_salt=SECURE_V5_SALT,
        expect=DecryptionFailed,
    ),
    NodeToPython(
        "v5-gcm-wrong-salt",
        "v5",
        SMALL,
        op="encode_gcm",
        python_salt=SECURE_V5_SALT,
        expect=DecryptionFailed,
    ),
    NodeToPython("v4-read-as-v5", "v4", SMALL, python_version="v5", expect=DecryptionFailed),
    NodeToPython(
        "v5-read-as-v4",
        "v5",
        SMALL,
        python_version="v4",
        expect=MalformedToken,
    ),
    NodeToPython(
        "v5-gcm-read-as-v4",
        "v5",
        SMALL,
        op="encode_gcm",
        python_version="v4",
        python_salt="",
        expect=DecryptionFailed,
    ),
]

PYTHON_TO_NODE = [
    PythonToNode("v4-small", "v4", SMALL),
    PythonToNode("v4-unicode", "v4", UNICODE),
    PythonToNode("v4-large", "v4", LARGE),
    PythonToNode("v4-salt", "v4", SMALL, python_salt="custom salt", node_salt="custom salt"),
    PythonToNode("v4-rotation-list", "v4", SMALL, python_secret=(SECRET, OLD)),
    PythonToNode("v4-clock-skew", "v4", SMALL, max_age=-5),
    PythonToNode("v5-small", "v5", SMALL),
    PythonToNode("v5-unicode", "v5", UNICODE),
    PythonToNode("v5-large", "v5", LARGE),
    PythonToNode(
        "v5-secure-salt", "v5", SMALL, python_salt=SECURE_V5_SALT, node_salt=SECURE_V5_SALT
    ),
    PythonToNode(
        "v5-rotation-list", "v5", SMALL, python_secret=(SECRET, OLD), node_secret=[OLD, SECRET]
    ),
    PythonToNode(
        "v5-old-secret-rotated", "v5", SMALL, python_secret=OLD, node_secret=[SECRET, OLD]
    ),
    PythonToNode("v5-clock-skew", "v5", SMALL, max_age=-5),
    # Rejected.
    PythonToNode("v4-expired", "v4", SMALL, max_age=-60, expect="JWTExpired"),
    PythonToNode("v5-expired", "v5", SMALL, max_age=-60, expect="JWTExpired"),
    PythonToNode("v4-wrong-secret", "v4", SMALL, node_secret=OTHER, expect="JWEDecryptionFailed"),
    PythonToNode(
        "v5-wrong-secret",
        "v5",
        SMALL,
        node_secret=[OTHER, OLD],
        expect="no matching decryption secret",
    ),
    # next-auth 4 has no rotation: a token from the old secret fails with the new one.
    PythonToNode("v4-old-secret", "v4", SMALL, python_secret=OLD, expect="JWEDecryptionFailed"),
    PythonToNode("v4-wrong-salt", "v4", SMALL, node_salt="x", expect="JWEDecryptionFailed"),
    PythonToNode(
        "v5-wrong-salt",
        "v5",
        SMALL,
        node_salt=SECURE_V5_SALT,
        expect="no matching decryption secret",
    ),
    PythonToNode("v4-read-as-v5", "v4", SMALL, node_version="v5", expect="JWEDecryptionFailed"),
    PythonToNode("v5-read-as-v4", "v5", SMALL, node_version="v4", expect="JWEInvalid"),
]


def with_default(salt: str | None, version: str) -> str | None:
    """@auth/core's decode needs the salt (the cookie name); next-auth 4 defaults it."""
    return V5_SALT if salt is None and version == "v5" else salt


@pytest.fixture(scope="module")
def peer() -> dict[str, Any]:
    """Run Node once for every case; keep Python's tokens next to Node's answers."""
    python_tokens = {
        case.id: jwt.encode(
            case.payload,
            secret=case.python_secret,
            salt=case.python_salt,
            version=case.version,
            max_age=case.max_age,
        )
        for case in PYTHON_TO_NODE
    }
    requests = [
        {
            "id": f"n2p:{case.id}",
            "op": case.op,
            "version": case.version,
            "payload": case.payload,
            "secret": case.node_secret,
            "salt": with_default(case.node_salt, case.version),
            "maxAge": case.max_age,
        }
        for case in NODE_TO_PYTHON
    ]
    for case in PYTHON_TO_NODE:
        node_version = case.node_version or case.version
        requests.append(
            {
                "id": f"p2n:{case.id}",
                "op": "decode",
                "version": node_version,
                "token": python_tokens[case.id],
                "secret": case.node_secret,
                "salt": with_default(case.node_salt, node_version),
            }
        )
    # @auth/core reading its own kid-less A256GCM token with the right secret second.
    for name, secrets in (("first", [SECRET, OTHER]), ("second", [OTHER, SECRET])):
        requests.append(
            {
                "id": f"node:gcm-{name}",
                "op": "decode",
                "version": "v5",
                "token_from": "n2p:v5-gcm",
                "secret": secrets,
                "salt": V5_SALT,
            }
        )
    return {"answers": run_node("jwt_peer.mjs", {"cases": requests}), "tokens": python_tokens}


def assert_claims(claims: dict[str, Any], payload: dict[str, Any], max_age: int) -> None:
    assert {key: claims[key] for key in payload} == payload
    assert set(claims) == {*payload, "iat", "exp", "jti"}
    assert claims["exp"] - claims["iat"] == max_age
    assert uuid.UUID(claims["jti"]).version == 4


@pytest.mark.parametrize("case", NODE_TO_PYTHON, ids=lambda case: case.id)
def test_node_encodes_python_decodes(peer: dict[str, Any], case: NodeToPython) -> None:
    answer = peer["answers"][f"n2p:{case.id}"]
    assert answer["ok"], answer
    token = answer["value"]
    salt = case.python_salt if case.python_salt is not None else case.node_salt
    options = {
        "secret": case.python_secret,
        "salt": salt,
        "version": case.python_version or case.version,
    }
    if case.expect is None:
        assert_claims(jwt.decode(token, **options), case.payload, case.max_age)
    else:
        with pytest.raises(case.expect):
            jwt.decode(token, **options)


@pytest.mark.parametrize("case", PYTHON_TO_NODE, ids=lambda case: case.id)
def test_python_encodes_node_decodes(peer: dict[str, Any], case: PythonToNode) -> None:
    answer = peer["answers"][f"p2n:{case.id}"]
    if case.expect is None:
        assert answer["ok"], answer
        assert_claims(answer["value"], case.payload, case.max_age)
    else:
        assert not answer["ok"], answer
        assert case.expect in answer["error"]


def test_v4_header_is_next_auths_constant_prefix(peer: dict[str, Any]) -> None:
    """Both sides write the same protected header, byte for byte."""
    node_token = peer["answers"]["n2p:v4-small"]["value"]
    assert peer["tokens"]["v4-small"].split(".")[0] == node_token.split(".")[0]
    assert node_token.startswith("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..")


def test_v5_header_and_kid_match_auth_core(peer: dict[str, Any]) -> None:
    for case_id in ("v5-small", "v5-secure-salt"):
        node_header = peer["answers"][f"n2p:{case_id}"]["value"].split(".")[0]
        assert peer["tokens"][case_id].split(".")[0] == node_header


def test_kidless_v5_gcm_uses_only_the_first_secret_in_auth_core(peer: dict[str, Any]) -> None:
    """@auth/core's documented limit, which we go beyond: we try every secret."""
    answers = peer["answers"]
    assert answers["node:gcm-first"]["ok"]
    assert answers["node:gcm-second"] == {
        "ok": False,
        "error": "JWEDecryptionFailed: decryption operation failed",
    }
    token = answers["n2p:v5-gcm"]["value"]
    assert jwt.decode(token, secret=(OTHER, SECRET), salt=V5_SALT, version="v5")["sub"] == "42"
