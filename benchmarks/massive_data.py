"""MASSIVE's BIO lines as Rasa NLU examples.

The shared copy (../shared/benchmarks/massive/<locale>/<split>.txt) has one utterance
per line, whitespace-tokenised, each token tagged::

    wake:O me:O up:O at:O five:B-time am:I-time <=> alarm_set

The text is the tokens joined by single spaces; a slot is a B- tag and the I- tags of
the same slot after it (an I- tag that follows anything else opens a new slot, as
seqeval's lenient reading does), with character offsets on that text.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SEPARATOR = " <=> "
LOCALES = ("fa-IR", "en-US")


@dataclass(frozen=True)
class MassiveExample:
    text: str
    intent: str
    entities: tuple[dict, ...]


def parse_line(line: str) -> MassiveExample:
    """One ``token:TAG ... <=> intent`` line; tokens may themselves contain colons."""
    tagged, separator, intent = line.strip().rpartition(SEPARATOR)
    if not separator or not intent.strip():
        raise ValueError(f"not a MASSIVE line (no '{SEPARATOR.strip()} intent'): {line!r}")
    words: list[str] = []
    entities: list[dict] = []
    current: dict | None = None
    offset = 0
    for item in tagged.split():
        word, colon, tag = item.rpartition(":")
        if not colon or not word:
            raise ValueError(f"token without a tag {item!r} in {line!r}")
        start = offset + (1 if words else 0)
        end = start + len(word)
        words.append(word)
        offset = end
        kind, _, slot = tag.partition("-")
        if kind == "I" and current is not None and current["entity"] == slot:
            current["end"] = end
            continue
        current = None
        if kind in ("B", "I") and slot:
            current = {"entity": slot, "start": start, "end": end}
            entities.append(current)
        elif tag != "O":
            raise ValueError(f"unknown tag {tag!r} in {line!r}")
    text = " ".join(words)
    spans = tuple({**e, "value": text[e["start"] : e["end"]]} for e in entities)
    return MassiveExample(text, intent.strip(), spans)


def load_split(data_dir: Path, locale: str, split: str) -> list[MassiveExample]:
    path = Path(data_dir) / locale / f"{split}.txt"
    return [parse_line(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def stratified_subset(examples: Sequence[MassiveExample], limit: int | None) -> list[MassiveExample]:
    """About ``limit`` examples with every intent in its original share (largest
    remainders), each intent's picked by a stable hash of the text: deterministic
    without a random generator, and the same subset on every machine."""
    if limit is None or limit >= len(examples):
        return list(examples)
    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_intent[example.intent].append(index)
    exact = {intent: len(indices) * limit / len(examples) for intent, indices in by_intent.items()}
    quota = {intent: int(share) for intent, share in exact.items()}
    leftover = limit - sum(quota.values())
    for intent in sorted(exact, key=lambda i: (quota[i] - exact[i], i))[:leftover]:
        quota[intent] += 1
    chosen: set[int] = set()
    for intent, indices in by_intent.items():
        ranked = sorted(indices, key=lambda i: (_stable_hash(examples[i].text), i))
        chosen.update(ranked[: quota[intent]])
    return [examples[i] for i in sorted(chosen)]


def _stable_hash(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def to_rasa_yaml(examples: Sequence[MassiveExample]) -> str:
    """Rasa YAML training data, read back once to prove that no text broke the
    ``[text](entity)`` markup (MASSIVE has no brackets, but a new copy might)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader, RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = [Message.build(e.text, e.intent, [dict(x) for x in e.entities]) for e in examples]
    text = RasaYAMLWriter().dumps(TrainingData(messages))
    back = RasaYAMLReader().reads(text).training_examples
    # Sets: Rasa drops duplicate examples, and MASSIVE has a few.
    written = {(e.text, e.intent, tuple((x["entity"], x["start"], x["end"]) for x in e.entities)) for e in examples}
    read = {
        (m.get("text"), m.get("intent"), tuple((x["entity"], x["start"], x["end"]) for x in m.get("entities") or []))
        for m in back
    }
    if written != read:
        raise ValueError("MASSIVE examples did not survive Rasa's YAML markup; check for brackets in the texts")
    return text
