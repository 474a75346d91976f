"""Ablation of the NLU pipeline: what each choice in config.yml buys.

    make bench-nlu-ablation          # or: python -m benchmarks.nlu_ablation --help

Each variant is config.yml with one choice taken out or swapped, scored twice: on the
project's held-out split (``benchmarks.nlu_eval``, every variety) and on a stratified
subset of MASSIVE fa-IR (``benchmarks.massive_bench``; the DIET variants take an hour or
more a variant on the full benchmark on 2 cores, so the subset size and DIET's epochs are
options, printed with the table). Every variant is trained with the same seeds in the same
run, so the rows compare.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import massive_bench, nlu_eval
from benchmarks.reporting import write_report

NORMALIZER = "nlu_components.persian_normalizer.PersianNormalizer"
DENSE = nlu_eval.DENSE_FEATURIZER
LINEAR = nlu_eval.LINEAR_CLASSIFIER
CRF = "CRFEntityExtractor"
Pipeline = list[dict[str, Any]]


def _without(name: str) -> Callable[[Pipeline, Path], Pipeline]:
    def change(pipeline: Pipeline, _: Path) -> Pipeline:
        return [step for step in pipeline if step["name"] != name]

    return change


def _without_char_ngrams(pipeline: Pipeline, _: Path) -> Pipeline:
    return [s for s in pipeline if not (s["name"] == "CountVectorsFeaturizer" and s.get("analyzer") == "char_wb")]


def _spacy_tokenizer(pipeline: Pipeline, work_dir: Path) -> Pipeline:
    """spaCy's Persian rules (``spacy.blank("fa")``, shipped with spaCy, nothing to download)."""
    import spacy

    model_dir = work_dir / "spacy_fa_blank"
    if not model_dir.exists():
        spacy.blank("fa").to_disk(model_dir)
    changed: Pipeline = []
    for step in pipeline:
        if step["name"] == "WhitespaceTokenizer":
            changed += [{"name": "SpacyNLP", "model": str(model_dir)}, {"name": "SpacyTokenizer"}]
        else:
            changed.append(step)
    return changed


def _rasa_usual_ngrams(pipeline: Pipeline, _: Path) -> Pipeline:
    """Single words and char_wb 1-4, the n-grams Rasa's examples use, instead of ours."""
    changed: Pipeline = []
    for step in pipeline:
        if step["name"] == "CountVectorsFeaturizer":
            char = step.get("analyzer") == "char_wb"
            step = {**step, "min_ngram": 1, "max_ngram": 4 if char else 1}
        changed.append(step)
    return changed


_DIET = {"name": "DIETClassifier", "epochs": 100, "random_seed": 1, "constrain_similarities": True}


def _diet(intents: bool, entities: bool) -> Callable[[Pipeline, Path], Pipeline]:
    """DIET (with the LexicalSyntacticFeaturizer it reads) in place of the linear intent
    classifier and/or the CRF: Rasa's default classifier, measured against ours."""

    def change(pipeline: Pipeline, _: Path) -> Pipeline:
        changed: Pipeline = []
        for step in pipeline:
            if step["name"] == "RegexFeaturizer":
                changed += [step, {"name": "LexicalSyntacticFeaturizer"}]
            elif step["name"] == CRF and entities:
                changed.append({**_DIET, "intent_classification": intents})
            elif step["name"] == LINEAR and intents:
                if not entities:
                    changed.append({**_DIET, "entity_recognition": False})
            else:
                changed.append(step)
        return changed

    return change


VARIANTS: dict[str, Callable[[Pipeline, Path], Pipeline]] = {
    "config.yml": lambda pipeline, _: pipeline,
    "no dense sentence features": _without(DENSE),
    "no Persian normaliser": _without(NORMALIZER),
    "no char n-grams": _without_char_ngrams,
    "words, char 1-4 n-grams": _rasa_usual_ngrams,
    "spaCy fa tokeniser": _spacy_tokenizer,
    "DIET for intents": _diet(intents=True, entities=False),
    "DIET for entities": _diet(intents=False, entities=True),
    "DIET for both": _diet(intents=True, entities=True),
}


def write_variant(base: dict[str, Any], change: Callable[[Pipeline, Path], Pipeline], out: Path) -> Pipeline:
    import rasa.shared.utils.io

    config = copy.deepcopy(base)
    config["pipeline"] = change(config["pipeline"], out.parent)
    rasa.shared.utils.io.write_yaml(config, out)
    return config["pipeline"]


def run_variant(config: Path, work_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Both measurements of one variant, read back from the JSON each tool writes."""
    row: dict[str, Any] = {}
    eval_json = work_dir / "nlu-eval.json"
    epochs = ["--epochs", str(args.epochs)] if args.epochs else []
    nlu_eval.main(["--config", str(config), "--out", str(eval_json), "--plot", str(work_dir / "cm.png"), *epochs])
    evaluated = json.loads(eval_json.read_text(encoding="utf-8"))
    overall = evaluated["scores"]["overall"]
    row["own"] = {
        "intent_macro_f1": overall["intent"]["macro_f1"],
        "entity_f1": overall["entities"]["micro"]["f1"],
        "train_seconds": evaluated["train_seconds"],
        "per_variety": {v: s["intent"]["macro_f1"] for v, s in evaluated["scores"].items()},
    }
    if args.massive_train:
        bench_json = work_dir / "massive.json"
        massive_bench.main(
            [
                "--locales",
                "fa-IR",
                "--config",
                str(config),
                "--out",
                str(bench_json),
                "--train-limit",
                str(args.massive_train),
                "--test-limit",
                str(args.massive_test),
                *epochs,
            ]
        )
        result = json.loads(bench_json.read_text(encoding="utf-8"))["results"][0]
        row["massive_fa"] = {
            "intent_accuracy": result["intent_accuracy"],
            "slot_f1": result["slot_micro_f1"]["f1"],
            "train_seconds": result["train_seconds"],
            "p50_ms": result["latency"]["p50_ms"],
        }
    return row


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    print(
        f"\n{'variant':<30}{'own intent F1':>14}{'own entity F1':>14}{'MASSIVE fa acc':>16}{'slot F1':>9}{'train s':>9}"
    )
    for name, row in rows.items():
        massive = row.get("massive_fa") or {}
        acc = f"{massive['intent_accuracy']:.3f}" if massive else "-"
        slot = f"{massive['slot_f1']:.3f}" if massive else "-"
        seconds = row["own"]["train_seconds"] + (massive.get("train_seconds") or 0)
        print(
            f"{name:<30}{row['own']['intent_macro_f1']:>14.3f}{row['own']['entity_f1']:>14.3f}{acc:>16}{slot:>9}{seconds:>9.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--epochs", type=int, help="DIET epochs, for the variants with DIET (default: config.yml's)")
    parser.add_argument("--massive-train", type=int, default=2000, help="MASSIVE fa-IR train subset; 0 skips MASSIVE")
    parser.add_argument("--massive-test", type=int, default=500, help="MASSIVE fa-IR test subset")
    parser.add_argument("--out", type=Path, default=nlu_eval.ROOT / "results" / "nlu-ablation.json")
    args = parser.parse_args(argv)
    import rasa.shared.utils.io

    base = rasa.shared.utils.io.read_yaml_file(str(nlu_eval.ROOT / "config.yml"))
    machine = nlu_eval.machine_info()
    started = time.perf_counter()
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="nlu-ablation-") as tmp:
        for index, name in enumerate(args.variants):
            work_dir = Path(tmp) / f"variant-{index}"
            work_dir.mkdir()
            pipeline = write_variant(base, VARIANTS[name], work_dir / "config.yml")
            rows[name] = {
                "pipeline": [step["name"] for step in pipeline],
                **run_variant(work_dir / "config.yml", work_dir, args),
            }
            print_table(rows)
    report = {
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        "machine": machine,
        "total_seconds": round(time.perf_counter() - started, 1),
        "variants": rows,
    }
    write_report(args.out, report)
    print(f"\n{nlu_eval.describe_machine(machine)}\nWrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
