"""``shopctl nlu inbox``: what the trainer sees, and the worksheet it writes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from nlu_inbox import DEFAULT_THRESHOLD, export, inbox, tracker_events


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def run(since: str | None, threshold: float | None, tracker_db: str | None, export_file: str | None) -> None:
    """Print the grouped inbox; with ``export_file``, also write it as NLU YAML.

    Raises ``InboxError`` (a ValueError, which shopctl reports in one line) on bad input.
    """
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    cutoff = inbox.parse_since(since) if since else None
    url = tracker_db or tracker_events.tracker_url_from_endpoints()
    entries = inbox.build_inbox(tracker_events.read_user_messages(url, cutoff), threshold)
    when = f"{cutoff:%Y-%m-%d %H:%M} UTC" if cutoff else None
    window = f" since {when}" if when else ""
    if not entries:
        print(f"no messages fell back or scored below {threshold:.2f}{window}; nothing to annotate")
        if export_file:
            print(f"{export_file} not written")
        return
    print(inbox.format_table(entries))
    total = sum(e.count for e in entries)
    plural = "s" if total != 1 else ""
    print(f"\n{total} message{plural} ({len(entries)} distinct) fell back or scored below {threshold:.2f}{window}")
    if export_file:
        written = export.write_export(entries, Path(export_file), _shown(url), when)
        print(f"wrote {written} examples to {export_file} under the model's guesses; check each (docs/trainers.md)")
