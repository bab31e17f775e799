"""Bar charts as inline SVG, made by the site generator (no plotting library, nothing loaded at view
time): one group of bars per label value, one bar per split, each bar with its count written beside it
and a fill pattern per split, so that colour is never the only carrier.
"""

from __future__ import annotations

import html
from collections import Counter

# (fill colour, pattern) per split position: solid, hatched, dotted.
_STYLES = (("#3b6ea8", None), ("#c17d11", "hatch"), ("#5a8f3c", "dots"))
_BAR, _GAP, _LABEL_WIDTH, _PLOT_WIDTH = 14, 10, 170, 300


def _fill(chart_id: str, index: int) -> tuple[str, str]:
    """(the defs, the fill) of the split at position index."""
    colour, pattern = _STYLES[index % len(_STYLES)]
    if pattern is None:
        return "", colour
    pattern_id = f"{chart_id}-p{index}"
    if pattern == "hatch":
        shape = '<path d="M0,6 L6,0" stroke="#fff" stroke-width="1.5"/>'
    else:
        shape = '<circle cx="3" cy="3" r="1.3" fill="#fff"/>'
    defs = (f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{shape}</pattern>')
    return defs, f"url(#{pattern_id})"


def bar_chart(chart_id: str, title: str, values: list[str], splits: list[str], counts: Counter) -> str:
    """An SVG of counts[(split, value)]: for each value a group of one bar per split."""
    escape = html.escape
    top = max([counts[(split, value)] for split in splits for value in values] + [1])
    fills = [_fill(chart_id, index) for index in range(len(splits))]
    group = len(splits) * _BAR + _GAP
    legend_height = 22
    height = legend_height + len(values) * group + 4
    width = _LABEL_WIDTH + _PLOT_WIDTH + 60
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
              f'aria-labelledby="{escape(chart_id)}-title" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'),
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             "<defs>" + "".join(defs for defs, _ in fills) + "</defs>"]
    x = _LABEL_WIDTH
    for index, split in enumerate(splits):  # the legend
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{fills[index][1]}" stroke="#333" stroke-width="0.5"/>'
                     f'<text x="{x + 16}" y="14" class="legend">{escape(split)}</text>')
        x += 24 + 8 * len(split)
    for row, value in enumerate(values):
        y = legend_height + row * group
        parts.append(f'<text x="{_LABEL_WIDTH - 6}" y="{y + len(splits) * _BAR / 2 + 4}" text-anchor="end" class="label">{escape(value)}</text>')
        for index, split in enumerate(splits):
            count = counts[(split, value)]
            length = round(_PLOT_WIDTH * count / top, 1)
            bar_y = y + index * _BAR
            parts.append(f'<rect x="{_LABEL_WIDTH}" y="{bar_y}" width="{length}" height="{_BAR - 2}" fill="{fills[index][1]}">'
                         f'<title>{escape(split)}: {escape(value)} {count}</title></rect>'
                         f'<text x="{_LABEL_WIDTH + length + 4}" y="{bar_y + _BAR - 4}" class="count">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
