"""The measurement: per variety and per scenario kind, the failure classes, and transcripts.

Printed as a table for a developer, written as JSON (with the machine it ran on) for
comparison between runs. The gate: every variety completes at least
``MIN_COMPLETION`` of its conversations and no question is asked three times running.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

from benchmarks.reporting import host_info, write_report
from tests.conversations.checks import Outcome
from tests.conversations.customer import Customer
from tests.conversations.scenarios import KINDS, Scenario
from tests.conversations.values import VARIETIES

MIN_COMPLETION = 0.97


@dataclass
class Result:
    scenario: Scenario
    customer: Customer
    outcome: Outcome = field(default_factory=lambda: Outcome(False, "not checked"))
    error: str | None = None  # the harness could not finish the conversation (server down, timeout)
    wrong_script: int = 0  # bot replies in the other script
    seconds: float = 0.0

    @property
    def completed(self) -> bool:
        """The store says so; a cancel only counts when the customer got as far as cancelling."""
        if self.error is not None or not self.outcome.completed:
            return False
        return self.scenario.kind != "cancel" or self.customer.end == "cancelled"

    @property
    def failure(self) -> str:
        """A class of failure, numbers and names left out so that alike failures count together."""
        if self.error:
            return f"harness error: {self.error.split(':')[0]}"
        if self.customer.end not in ("placed", "cancelled"):
            return self.customer.end or "?"
        return self.outcome.label


def _row(results: list[Result]) -> dict[str, Any]:
    done = [r for r in results if r.completed]
    ordered = [len(r.customer.turns) for r in done if r.scenario.kind != "cancel"]
    return {
        "conversations": len(results),
        "completed": len(done),
        "completion": round(len(done) / len(results), 3) if results else None,
        "turns_per_order": round(mean(ordered), 1) if ordered else None,
        "asked_3x_running": sum(bool(r.customer.repeated) for r in results),
        "wrong_script_replies": sum(r.wrong_script for r in results),
        "unrecognised_replies": sum(len(r.customer.unrecognised) for r in results),
        "stuck_turns": sum(r.customer.stuck_turns for r in results),
    }


def transcript(result: Result) -> list[dict[str, Any]]:
    return [
        {
            "customer": turn.said.payload or turn.said.text or f"[shared post {turn.said.share_media_id}]",
            "kind": turn.said.kind,
            "bot": [
                {"text": m.text, "response": name, **({"buttons": [b.payload for b in m.buttons]} if m.buttons else {})}
                for m, name in zip(turn.replies, turn.names, strict=True)
            ],
        }
        for turn in result.customer.turns
    ]


def build(
    results: list[Result], timing: dict[str, float], settings: dict[str, Any], agreement: dict[str, Any]
) -> dict[str, Any]:
    by_variety = {v: _row([r for r in results if r.scenario.variety == v]) for v in VARIETIES}
    by_kind = {k: _row([r for r in results if r.scenario.kind == k]) for k in KINDS}
    failures = Counter(r.failure for r in results if not r.completed)
    unknown = Counter(text for r in results for text in r.customer.unrecognised)
    repeated = Counter(name for r in results for name in r.customer.repeated)
    low = [v for v, row in by_variety.items() if row["conversations"] and row["completion"] < MIN_COMPLETION]
    return {
        "host": host_info(),
        **settings,
        **{key: round(value, 1) for key, value in timing.items()},
        "passed": not low and not repeated and agreement["agrees"],
        "below_min_completion": low,
        "min_completion": MIN_COMPLETION,
        "all": _row(results),
        "by_variety": by_variety,
        "by_kind": by_kind,
        "failure_classes": dict(failures.most_common()),
        "asked_3x_running": dict(repeated.most_common()),
        "unrecognised_replies": [{"text": t, "count": n} for t, n in unknown.most_common(30)],
        "report_agreement": agreement,
        "conversations": [
            {
                "index": r.scenario.index,
                "variety": r.scenario.variety,
                "kind": r.scenario.kind,
                "channel": r.scenario.channel,
                "sender": r.scenario.sender,
                "completed": r.completed,
                "end": r.customer.end,
                "failure": None if r.completed else r.failure,
                "problem": r.error or r.outcome.problem,
                "turns": len(r.customer.turns),
                "asked_3x_running": sorted(r.customer.repeated),
                "wrong_script_replies": r.wrong_script,
                "seconds": round(r.seconds, 1),
                "transcript": transcript(r),
            }
            for r in results
        ],
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) and value <= 1 else str(value)


def table(report: dict[str, Any]) -> str:
    columns = (
        "conversations",
        "completed",
        "completion",
        "turns_per_order",
        "asked_3x_running",
        "wrong_script_replies",
        "unrecognised_replies",
        "stuck_turns",
    )
    heads = ("convs", "done", "rate", "turns/order", "asked 3x", "wrong script", "unrecognised", "stuck")

    def rows(title: str, section: dict[str, dict[str, Any]]) -> Iterable[str]:
        yield f"{title:<16}" + "".join(f"{h:>13}" for h in heads)
        for name, row in section.items():
            if row["conversations"]:
                yield f"{name:<16}" + "".join(f"{_fmt(row[c]):>13}" for c in columns)

    lines = [
        f"Simulated customers against {report['model']} (seed {report['seed']}, {report['concurrency']} at once "
        f"on {report['servers']} server pair(s)): "
        f"{report['all']['conversations']} conversations, wall {report['wall_s']:.0f} s "
        f"(servers up in {report['server_start_s']:.0f} s, conversations {report['conversations_s']:.0f} s)",
        "",
        *rows("variety", report["by_variety"]),
        *rows("all", {"all": report["all"]}),
        "",
        *rows("scenario kind", report["by_kind"]),
        "",
        "failure classes:",
        *(f"  {count:>4}  {name}" for name, count in report["failure_classes"].items()),
    ]
    if report["asked_3x_running"]:
        lines += ["asked three bot turns running:", *(f"  {n:>4}  {k}" for k, n in report["asked_3x_running"].items())]
    if report["unrecognised_replies"]:
        lines += ["bot messages the customer did not recognise (top 5):"]
        lines += [f"  {u['count']:>4}  {u['text'][:110]!r}" for u in report["unrecognised_replies"][:5]]
    agreement = report["report_agreement"]
    sales = agreement["sales"] or {}
    lines += [
        "",
        f"owner's report vs orders list: {'agree' if agreement['agrees'] else 'DISAGREE'} "
        f"({sales.get('orders_placed')} orders placed, {agreement['orders_listed']} listed, "
        f"{len(agreement['by_source'] or [])} sources)",
        *(f"  {problem}" for problem in agreement["problems"]),
    ]
    verdict = (
        "PASSED"
        if report["passed"]
        else (
            f"FAILED: completion below {MIN_COMPLETION} in {', '.join(report['below_min_completion']) or 'no variety'}"
            f"; questions asked three times running in {sum(report['asked_3x_running'].values())} conversation(s)"
            f"; report agrees with the orders: {report['report_agreement']['agrees']}"
        )
    )
    return "\n".join([*lines, "", verdict])


def show_transcript(result: Result) -> str:
    s = result.scenario
    head = (
        f"--- #{s.index} {s.variety} {s.kind} via {s.channel} ({s.sender}): "
        f"{result.error or result.failure} {('| ' + result.outcome.problem) if result.outcome.problem else ''}"
    )
    lines = [head]
    for turn in result.customer.turns:
        said = turn.said
        shown = f"[tap] {said.text} ({said.payload})" if said.payload else said.text or "[shares a post]"
        lines.append(f"  customer> {shown}")
        for message, name in zip(turn.replies, turn.names, strict=True):
            lines.append(f"       bot< {message.text[:160]!s}  [{name or '?'}]".replace("\n", " / "))
        if not turn.replies:
            lines.append("       bot< (nothing)")
    return "\n".join(lines)


def save(path: Path, report: dict[str, Any]) -> None:
    write_report(path, report)
