"""The channel's configuration from credentials.yml, and its place in Rasa."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import RasaException

from channels.instagram import InstagramInput, InstagramOutput
from channels.instagram_send import DEFAULT_API_VERSION, FACEBOOK_PAGE_HOST, INSTAGRAM_LOGIN_HOST

CREDENTIALS = {"verify_token": "v-token", "app_secret": "s3cret-value", "access_token": "IGQ-token"}


def test_name_is_instagram_for_both_sides() -> None:
    assert InstagramInput.name() == InstagramOutput.name() == "instagram"


def test_from_credentials_with_defaults() -> None:
    channel = InstagramInput.from_credentials(dict(CREDENTIALS))
    assert isinstance(channel, InstagramInput)
    assert channel.url_prefix() == "instagram"  # so Meta calls /webhooks/instagram/webhook
    graph = channel.settings.graph
    assert (graph.base_url, graph.api_version, graph.account_id) == (INSTAGRAM_LOGIN_HOST, DEFAULT_API_VERSION, "me")


def test_the_facebook_page_route_is_configuration_only() -> None:
    channel = InstagramInput.from_credentials(
        {**CREDENTIALS, "graph_base_url": FACEBOOK_PAGE_HOST, "graph_api_version": "v24.0"}
    )
    assert channel.settings.graph.url("me/messages") == "https://graph.facebook.com/v24.0/me/messages"


@pytest.mark.parametrize("missing", ["verify_token", "app_secret", "access_token"])
def test_refuses_to_start_without_a_required_credential(missing: str) -> None:
    for value in (None, "", "   "):
        credentials = {**CREDENTIALS, missing: value}
        with pytest.raises(RasaException) as raised:
            InstagramInput.from_credentials(credentials)
        assert missing in str(raised.value)
        assert "s3cret-value" not in str(raised.value) and "IGQ-token" not in str(raised.value)


def test_refuses_to_start_without_credentials() -> None:
    with pytest.raises(RasaException):
        InstagramInput.from_credentials(None)


def test_nothing_connects_at_construction() -> None:
    channel = InstagramInput.from_credentials(dict(CREDENTIALS))
    assert channel._engine is None and channel.client._session is None
