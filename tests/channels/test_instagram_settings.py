"""The channel's settings: .env.example's placeholders refused outside development, no secret in a repr."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.exceptions import RasaException

from channels.instagram_send import INSTAGRAM_LOGIN_HOST, GraphConfig
from channels.instagram_settings import (
    ENVIRONMENT_NAMES,
    REQUIRED_CREDENTIALS,
    InstagramSettings,
    is_development,
    placeholder_refusal,
)

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = {"verify_token": "v-token-0001", "app_secret": "s3cret-value-0002", "access_token": "IGQ-token-0003"}


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def example_credentials() -> dict[str, str]:
    """credentials.yml's values as .env.example fills them."""
    example = env_example()
    return {key: example[name] for key, name in ENVIRONMENT_NAMES.items()}


@pytest.mark.parametrize("shop_env", [None, "production", "", "dev", "staging"])
def test_env_examples_placeholders_are_refused_outside_development(
    shop_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shop_env is None:
        monkeypatch.delenv("SHOP_ENV", raising=False)
    else:
        monkeypatch.setenv("SHOP_ENV", shop_env)
    with pytest.raises(RasaException) as raised:
        InstagramSettings.from_credentials(example_credentials())
    message = str(raised.value)
    assert all(name in message for name in ENVIRONMENT_NAMES.values())
    assert "\n" not in message


@pytest.mark.parametrize("placeholder", REQUIRED_CREDENTIALS)
def test_one_placeholder_is_enough_to_refuse(placeholder: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_ENV", raising=False)
    credentials = {**CREDENTIALS, placeholder: "Change-Me-please"}
    with pytest.raises(RasaException, match=ENVIRONMENT_NAMES[placeholder]) as raised:
        InstagramSettings.from_credentials(credentials)
    assert "s3cret-value-0002" not in str(raised.value) and "IGQ-token-0003" not in str(raised.value)


@pytest.mark.parametrize("shop_env", ["development", "Development "])
def test_development_may_run_on_placeholders(shop_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_ENV", shop_env)
    assert is_development()
    settings = InstagramSettings.from_credentials(example_credentials())
    assert settings.app_secret == "change-me-app-secret"


def test_real_values_start_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_ENV", raising=False)
    settings = InstagramSettings.from_credentials({**CREDENTIALS, "database_url": "postgresql://shop:pw-0004@db/shop"})
    assert (settings.verify_token, settings.app_secret, settings.graph.access_token) == (
        "v-token-0001",
        "s3cret-value-0002",
        "IGQ-token-0003",
    )
    assert settings.graph.base_url == INSTAGRAM_LOGIN_HOST
    assert settings.database_url == "postgresql://shop:pw-0004@db/shop"


def test_placeholder_refusal_reads_the_given_environment() -> None:
    placeholders = {key: "change-me-x" for key in REQUIRED_CREDENTIALS}
    assert placeholder_refusal(placeholders, {"SHOP_ENV": "development"}) is None
    assert placeholder_refusal(placeholders, {}) is not None
    assert placeholder_refusal(CREDENTIALS, {}) is None


@pytest.mark.parametrize("missing", REQUIRED_CREDENTIALS)
def test_a_missing_credential_is_still_refused(missing: str) -> None:
    for value in (None, "", "   "):
        with pytest.raises(RasaException, match=missing):
            InstagramSettings.from_credentials({**CREDENTIALS, missing: value})


def test_no_repr_shows_a_secret() -> None:
    settings = InstagramSettings.from_credentials({**CREDENTIALS, "database_url": "postgresql://shop:pw-0004@db/shop"})
    for shown in (repr(settings), str(settings), repr(settings.graph), f"{settings!r} {[settings]}"):
        assert not any(secret in shown for secret in (*CREDENTIALS.values(), "pw-0004")), shown
    assert "graph.instagram.com" in repr(settings)  # what is not secret still helps a reader


def test_graph_config_hides_its_token() -> None:
    assert "IGQ-token-0003" not in repr(GraphConfig(access_token="IGQ-token-0003"))
