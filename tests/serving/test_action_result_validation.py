"""The action server's answers are checked as strictly as Rasa checks them, with the schema's
validator built once instead of for every action call."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from serving import action_result_validation

GOOD = {
    "events": [
        {"event": "slot", "name": "language", "value": "fa", "timestamp": None},
        {"event": "active_loop", "name": None, "timestamp": None},
    ],
    "responses": [{"response": "utter_ask_quantity", "buttons": []}],
}


@pytest.fixture
def action(monkeypatch: pytest.MonkeyPatch) -> RemoteAction:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_result_validation.install()
    return RemoteAction("action_answer_product_query", EndpointConfig("http://127.0.0.1:5055/webhook"))


def test_a_good_answer_passes_and_a_bad_one_is_refused_as_rasa_refuses_it(action: RemoteAction) -> None:
    assert action._validate_action_result(GOOD)
    for bad in ({"events": {"event": "slot"}}, {"events": [{"event": "slot", "name": 3}]}, {"responses": "hi"}):
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, RemoteAction.action_response_format_spec())  # Rasa's own check agrees


def test_the_schema_is_checked_once_not_for_every_answer(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[object] = []
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, schema: checked.append(schema)))
    action_result_validation._validator.cache_clear()
    for _ in range(20):
        assert action._validate_action_result(GOOD)
    assert len(checked) == 1  # Rasa's own jsonschema.validate checks it on each of the 20
