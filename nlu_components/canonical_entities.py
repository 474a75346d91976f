"""Last entity step: every extracted value becomes the canonical value actions expect.

DIET finds the words ("لارج", "meshki", "ma 110", "دوتا"); this component maps them
through the shared vocabulary ("L", "black", "MA-110", "2"), so spellings never seen
in training still reach the store in the one form it knows.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE
from rasa.shared.nlu.training_data.message import Message

from shoplang.normalize import (
    canonical_color,
    canonical_order_number,
    canonical_product_code,
    canonical_quantity,
    canonical_size,
)


def _quantity(text: str) -> Optional[str]:
    value = canonical_quantity(text)
    return None if value is None else str(value)


CANONICALISERS: Dict[str, Callable[[str], Optional[str]]] = {
    "color": canonical_color,
    "size": canonical_size,
    "product_code": canonical_product_code,
    "quantity": _quantity,
    "order_number": canonical_order_number,
}


def canonicalize(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Entities with canonical values; ones whose value is not a known form are dropped."""
    result = []
    for entity in entities:
        mapper = CANONICALISERS.get(entity[ENTITY_ATTRIBUTE_TYPE])
        if mapper is None:
            result.append(entity)
            continue
        value = mapper(str(entity[ENTITY_ATTRIBUTE_VALUE]))
        if value is not None:
            result.append({**entity, ENTITY_ATTRIBUTE_VALUE: value})
    return result


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CanonicalEntities(GraphComponent):
    """Maps colour, size, product-code, quantity and order-number entities to canonical values."""

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
    ) -> CanonicalEntities:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES)
            if entities:
                message.set(ENTITIES, canonicalize(entities), add_to_output=True)
        return messages
