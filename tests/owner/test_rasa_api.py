"""`shopctl handoff release` asks Rasa to resume with a signed JWT in a header, never a token in the URL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest

from owner.rasa_api import JWT_METHOD, RasaUnreachable, bearer_token, resume_conversation

SECRET = "a-shared-secret-of-forty-characters-0123"


class FakeRasa:
    """Records each request; answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[tuple[str, dict[str, str], dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.path, dict(self.headers), body))
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def test_resume_sends_a_jwt_for_that_conversation_in_the_header(rasa: FakeRasa) -> None:
    resume_conversation("17841 4/x", base_url=rasa.url, token=SECRET)
    [(path, headers, body)] = rasa.requests
    assert path == "/conversations/17841%204%2Fx/tracker/events"  # nothing after the path: no ?token=
    assert SECRET not in path and body == {"event": "resume"}
    scheme, token = headers["Authorization"].split(" ", 1)
    claims = jwt.decode(token, SECRET, algorithms=[JWT_METHOD])
    assert scheme == "Bearer" and claims["user"] == {"username": "17841 4/x", "role": "user"}
    assert "exp" in claims


def test_the_secret_comes_from_rasa_api_token(rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_API_TOKEN", SECRET)
    resume_conversation("c1", base_url=rasa.url)
    jwt.decode(rasa.requests[0][1]["Authorization"].split(" ", 1)[1], SECRET, algorithms=[JWT_METHOD])


def test_without_a_secret_no_authorization_is_sent(rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    resume_conversation("c1", base_url=rasa.url)
    assert "Authorization" not in rasa.requests[0][1]


def test_a_refusal_says_what_to_check(rasa: FakeRasa) -> None:
    rasa.status = 401
    with pytest.raises(RasaUnreachable, match="RASA_API_TOKEN") as raised:
        resume_conversation("c1", base_url=rasa.url, token=SECRET)
    assert SECRET not in str(raised.value)


def test_an_admin_token_has_no_conversation() -> None:
    claims = jwt.decode(bearer_token(SECRET), SECRET, algorithms=[JWT_METHOD])
    assert claims["user"]["role"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(bearer_token(SECRET), "another-secret-of-forty-characters-00000", algorithms=[JWT_METHOD])


def test_tokens_expire() -> None:
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(bearer_token(SECRET, "c1", lifetime_s=-1), SECRET, algorithms=[JWT_METHOD])
