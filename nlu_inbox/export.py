"""Writing the inbox as Rasa 3.x NLU YAML, grouped under the model's guesses.

The file is a worksheet, not training data: each block sits under the intent the
model guessed, and a trainer moves every example to the right intent in
nlu_data/nlu/<variety>.yml. Examples are written so they stay valid NLU data
once moved: one line each, no characters YAML or Rasa's example parser would
misread, no accidental entity markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from nlu_inbox.inbox import InboxEntry

NO_GUESS = "nlu_fallback"  # a Rasa default intent: the file still loads; the trainer must pick one
# Rasa's entity markup, as rasa.shared.nlu.training_data.entities_parser.ENTITY_REGEX reads it:
# [text](entity), [text]{"entity": ...} or [text][{...}]. Plain text must never match it.
_ENTITY_MARKUP = re.compile(r"\[[^\]]+?\](\([^:)]+?(?::[^)]+)?\)|\{[^}]+?\}|\[.*?\])")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+")
# What YAML may not hold even quoted (the reader's own definition of printable).
_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def example_text(text: str) -> str:
    """``text`` as one safe line of an ``examples: |`` block.

    Line breaks (every kind Python's splitlines knows) and runs of spaces become one
    space, characters YAML cannot hold go, and brackets that Rasa would read as an entity
    annotation become parentheses, so the example means what the customer typed.
    """
    line = " ".join(_NOT_YAML_PRINTABLE.sub(" ", text).split())
    if _ENTITY_MARKUP.search(line):
        line = line.replace("[", "(").replace("]", ")")
    return line


def _intent_name(name: str) -> str:
    return name if _PLAIN_NAME.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def render(entries: Sequence[InboxEntry], source: str, since: str | None = None) -> str:
    """The YAML text: ``version: "3.1"``, then one ``- intent:`` block per guessed intent."""
    by_guess: dict[str, list[InboxEntry]] = {}
    for entry in entries:
        by_guess.setdefault(entry.guess or NO_GUESS, []).append(entry)
    window = f" since {since}" if since else ""
    lines = [
        f"# Customer messages the model was unsure about, from {source}{window}.",
        "# Every block is the intent the model GUESSED; check each example and move it to the right",
        "# intent in nlu_data/nlu/<variety>.yml (annotating entities), then `make validate`.",
        "# See docs/trainers.md.",
        'version: "3.1"',
        "nlu:",
    ]
    written: set[str] = set()
    for guess, group in sorted(by_guess.items(), key=lambda item: (-sum(e.count for e in item[1]), item[0])):
        examples = []
        for entry in group:
            line = example_text(entry.text)
            if line and line not in written:
                written.add(line)
                examples.append((line, entry))
        if not examples:
            continue
        if guess == NO_GUESS:
            lines.append("# No guess: the model had no intent for these; choose one for each.")
        else:
            scores = [e.confidence or 0.0 for _, e in examples]
            count = sum(e.count for _, e in examples)
            plural = "s" if count != 1 else ""
            lines.append(
                f"# GUESS, to check: {guess} ({count} message{plural}, "
                f"confidence {min(scores):.2f}-{max(scores):.2f}), most frequent first."
            )
        lines += [f"- intent: {_intent_name(guess)}", "  examples: |"]
        lines += [f"    - {line}" for line, _ in examples]
    return "\n".join(lines) + "\n"


def write_export(entries: Sequence[InboxEntry], path: Path, source: str, since: str | None = None) -> int:
    """Write the worksheet to ``path``; returns how many examples it holds."""
    text = render(entries, source, since)
    path.write_text(text, encoding="utf-8")
    return sum(1 for line in text.splitlines() if line.startswith("    - "))
