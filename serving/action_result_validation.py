"""Rasa checks every action server answer against its JSON schema; this makes the check cheap.

Rasa 3.6's ``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every
answer, which first checks the schema itself against the JSON Schema meta-schema and builds a
new validator, every time. Profiling the Rasa process through whole checkouts showed it as
the largest cost of a turn: 15 ms per action call on the 2-core machine, and a turn makes
three or four calls (the language slot's action, the form's validation, its question, the
answer). Here the schema is checked once and its validator kept; answers are validated
exactly as before, and a bad answer raises the same ``ValidationError`` with Rasa's message.

``install()`` is called by ``serving.rasa_server`` before Rasa starts, so every Rasa process
the project starts gets it (``make run``, ``make run-prod``, ``make run-cluster``, the tests).
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once."""
    try:
        _validator().validate(result)
    except jsonschema.ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def install() -> None:
    """Use the kept validator in this process's Rasa."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
