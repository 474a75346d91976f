"""Charts drawn on the server as SVG: no script, no network, readable by a screen reader.

Each chart is a ``role="img"`` SVG with a ``<title>`` and a ``<desc>`` that says every number
in words, and the page shows the same numbers in a table beside it. Bars grow from the side
the language reads from: from the right in Persian, from the left in English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from shoplang.formatting import format_number
from shoplang.language import Language

ROW_HEIGHT = 32
LABEL_WIDTH = 190
NUMBER_WIDTH = 80
FONT_SIZE = 18  # the viewBox is 600 wide: on a 390 px phone this reads at about 11 px
WIDTH = 600
COLUMN_CHART_HEIGHT = 200
MAX_COLUMN_LABELS = 8  # labels that fit under a phone-wide chart


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def _number(bar: Bar, language: Language) -> str:
    return format_number(bar.value, language)


def _describe(rows: Sequence[Bar], language: Language) -> str:
    """Every bar in words, for the chart's ``<desc>``: what a screen reader says."""
    return ("؛ " if language == "fa" else "; ").join(f"{row.label}: {_number(row, language)}" for row in rows)


def bars(title: str, rows: Sequence[Bar], language: Language, css_class: str = "chart") -> str:
    """Horizontal bars, one per row, each as long as its share of the largest: a funnel, a top-N."""
    top = max((row.value for row in rows), default=0) or 1
    track = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    rtl = language == "fa"
    height = ROW_HEIGHT * max(len(rows), 1) + 4
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT + 2
        length = round(track * row.value / top)
        # Text starts where the language starts reading (text-anchor "start" follows the svg's
        # direction): the label at the reading edge, then the bar, then the number after it.
        if rtl:
            label_x, bar_x = WIDTH, WIDTH - LABEL_WIDTH - length
            number_x = bar_x - 6
        else:
            label_x, bar_x = 0, LABEL_WIDTH
            number_x = LABEL_WIDTH + length + 6
        parts.append(
            f'<g class="bar" data-label="{escape(row.label)}" data-value="{row.value}">'
            f'<text x="{label_x}" y="{y + 22}" font-size="{FONT_SIZE}">{escape(row.label)}</text>'
            f'<rect x="{bar_x}" y="{y + 5}" width="{length}" height="{ROW_HEIGHT - 10}" rx="3" fill="#0b6e4f"/>'
            f'<text x="{number_x}" y="{y + 22}" font-size="{FONT_SIZE}">'
            f"{escape(_number(row, language))}</text></g>"
        )
    desc = _describe(rows, language)
    return (
        f'<svg class="{css_class}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMin meet" direction="{"rtl" if rtl else "ltr"}" text-anchor="start">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(parts)}</svg>"
    )


def columns(title: str, rows: Sequence[Bar], language: Language, css_class: str = "chart") -> str:
    """Vertical columns in time order, oldest at the reading start (the right in Persian): days.

    With more columns than fit a phone's width, every n-th is labelled and the numbers are left
    to the table beside the chart and the ``<desc>``.
    """
    top = max((row.value for row in rows), default=0) or 1
    count = max(len(rows), 1)
    slot = WIDTH / count
    plot = COLUMN_CHART_HEIGHT - 50
    rtl = language == "fa"
    every = max(1, -(-count // MAX_COLUMN_LABELS))
    parts = []
    for index, row in enumerate(rows):
        x = (count - 1 - index if rtl else index) * slot
        height = round(plot * row.value / top)
        y = 24 + plot - height
        middle = x + slot / 2
        texts = ""
        if index % every == 0:
            texts = (
                f'<text x="{middle:.1f}" y="{COLUMN_CHART_HEIGHT - 6}" text-anchor="middle" font-size="{FONT_SIZE}">'
                f"{escape(row.label)}</text>"
            )
            if every == 1:
                texts += (
                    f'<text x="{middle:.1f}" y="{y - 5}" text-anchor="middle" font-size="{FONT_SIZE}">'
                    f"{escape(_number(row, language))}</text>"
                )
        parts.append(
            f'<g class="column" data-label="{escape(row.label)}" data-value="{row.value}">'
            f'<rect x="{x + slot * 0.15:.1f}" y="{y}" width="{slot * 0.7:.1f}" height="{height}" rx="2" fill="#0b6e4f"/>'
            f"{texts}</g>"
        )
    return (
        f'<svg class="{css_class}" role="img" viewBox="0 0 {WIDTH} {COLUMN_CHART_HEIGHT}" width="100%">'
        f"<title>{escape(title)}</title><desc>{escape(_describe(rows, language))}</desc>{''.join(parts)}</svg>"
    )
