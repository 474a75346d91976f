"""Which response a bot message is, read from its words as a customer would.

The domain's response templates (both languages) become patterns: literal text stays,
each ``{placeholder}`` matches any text (lazily), runs of spaces match any whitespace
(Instagram splits long texts). A text may fit several templates; the one with the
most literal characters wins. Texts that are a placeholder alone (``utter_policy``'s
"{text}") are matched by the policy file's own texts instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Template:
    name: str
    pattern: re.Pattern[str]
    literal_chars: int


def _pattern(text: str) -> tuple[re.Pattern[str], int]:
    parts, literal = [], 0
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        chunk = text[position : match.start()]
        parts.append(_literal(chunk))
        literal += len(chunk.strip())
        parts.append("(.*?)")
        position = match.end()
    tail = text[position:]
    parts.append(_literal(tail))
    literal += len(tail.strip())
    return re.compile("".join(parts), re.DOTALL), literal


def _literal(chunk: str) -> str:
    return r"\s+".join(re.escape(piece) for piece in _SPACES.split(chunk)) if chunk else ""


def _clean(text: str) -> str:
    return text.strip()


def domain_responses(root: Path) -> dict[str, list[str]]:
    """Every response's texts from domain.yml, or from a domain/ folder Rasa would merge."""
    files = sorted((root / "domain").rglob("*.yml")) if (root / "domain").is_dir() else [root / "domain.yml"]
    texts: dict[str, list[str]] = {}
    for file in files:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for name, variations in (document.get("responses") or {}).items():
            for variation in variations or ():
                if isinstance(variation, dict) and variation.get("text"):
                    texts.setdefault(name, []).append(str(variation["text"]))
    return texts


def policy_texts(policy_file: Path) -> list[str]:
    """The shipping, returns and payment texts utter_policy sends whole."""
    document = yaml.safe_load(policy_file.read_text(encoding="utf-8")) or {}
    return [
        str(section[key]).strip()
        for section in document.values()
        if isinstance(section, dict)
        for key in ("text_fa", "text_en")
        if section.get(key)
    ]


class ResponseMatcher:
    """Bot text → response name (``None``: a message this customer does not recognise)."""

    def __init__(self, responses: dict[str, list[str]], policy: Iterable[str] = ()) -> None:
        self.templates: list[Template] = []
        for name, texts in responses.items():
            for text in texts:
                pattern, literal = _pattern(_clean(text))
                if literal == 0:
                    continue  # "{text}": anything at all; matched below by its possible contents
                self.templates.append(Template(name, pattern, literal))
        for text in policy:
            self.templates.append(Template("utter_policy", re.compile(_literal(text), re.DOTALL), len(text)))

    @classmethod
    def from_project(cls, root: Path, policy_file: Path | None = None) -> ResponseMatcher:
        return cls(domain_responses(root), policy_texts(policy_file or root / "shop_policy.yml"))

    def match(self, text: str) -> str | None:
        text = _clean(text)
        if not text:
            return None
        best: Template | None = None
        for template in self.templates:
            if (best is None or template.literal_chars > best.literal_chars) and template.pattern.fullmatch(text):
                best = template
        return best.name if best else None
