"""First component of the pipeline: every message reaches the tokeniser normalised.

The rules themselves are pure functions in ``shoplang.normalize``; this component
applies them to live messages and to training examples, moving entity offsets so
annotations still cover the same words.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from shoplang.normalize import normalize_text


def normalize_with_entities(text: str, entities: List[Dict[str, Any]]) -> tuple[str, List[Dict[str, Any]]]:
    """Normalise ``text`` piece by piece so each entity's new start/end is known."""
    pieces: list[str] = []
    moved: list[Dict[str, Any]] = []
    cursor = 0
    for entity in sorted(entities, key=lambda e: e["start"]):
        pieces.append(normalize_text(text[cursor : entity["start"]], strip=False))
        start = sum(map(len, pieces))
        old_value = text[entity["start"] : entity["end"]]
        new_value = normalize_text(old_value)
        pieces.append(new_value)
        updated = {**entity, "start": start, "end": start + len(new_value)}
        if entity.get("value") == old_value:
            updated["value"] = new_value
        moved.append(updated)
        cursor = entity["end"]
    pieces.append(normalize_text(text[cursor:], strip=False))
    joined = "".join(pieces)
    lead = len(joined) - len(joined.lstrip())
    for entity in moved:
        entity["start"] -= lead
        entity["end"] -= lead
    return joined.strip(), moved


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PersianNormalizer(GraphComponent):
    """Arabic→Persian letters, ASCII digits, no tatweel/diacritics, tidy half-spaces."""

    @staticmethod
    def required_components() -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PersianNormalizer:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    @staticmethod
    def _normalize(message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        entities = message.get(ENTITIES) or []
        new_text, new_entities = normalize_with_entities(text, entities)
        message.set(TEXT, new_text, add_to_output=True)
        if entities:
            message.set(ENTITIES, new_entities)
