"""The report's charts, drawn with matplotlib (Agg, no display, no network).

Each function returns a Figure; `svg` inlines it in the HTML report (text kept as text,
fixed ids, no timestamps, so the same audit gives the same bytes) and `png` embeds it in
the Word report.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from letterlint.reporting.audit import CATEGORY_LABELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from letterlint.reporting.audit import Audit

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#2f6f8f"
GOOD = "#3f8f5f"
BAD = "#b8453a"
SEVERITY_COLOURS = {"error": "#b8453a", "warning": "#d08a2b", "info": "#5b8db8"}


def _figure(width: float = 6.4, height: float = 3.0) -> tuple[Figure, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=9)
    return fig, ax


def score_distribution(scores: list[int], width: float = 6.4) -> Figure:
    fig, ax = _figure(width)
    bins = list(range(0, 101, 10))
    counts = [0] * 10
    for s in scores:
        counts[min(9, s // 10)] += 1
    colours = [BAD if b < 50 else ("#d08a2b" if b < 80 else GOOD) for b in bins[:-1]]
    ax.bar([b + 5 for b in bins[:-1]], counts, width=9, color=colours)
    ax.set_xticks(bins)
    ax.set_xlabel("customer-first score (100 = nothing to improve)", color=INK, fontsize=9)
    ax.set_ylabel("letters", color=INK, fontsize=9)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def horizontal_bars(
    items: list[tuple[str, int]],
    xlabel: str,
    colour: str = ACCENT,
    colours: list[str] | None = None,
    width: float = 6.4,
) -> Figure:
    height = max(1.6, 0.32 * len(items) + 0.8)
    fig, ax = _figure(width, height)
    labels = [_short(label) for label, _ in items][::-1]
    values = [v for _, v in items][::-1]
    bars = ax.barh(range(len(items)), values, color=(colours[::-1] if colours else colour))
    ax.set_yticks(range(len(items)), labels)
    ax.set_xlabel(xlabel, color=INK, fontsize=9)
    ax.bar_label(bars, padding=3, fontsize=8, color=INK)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.margins(x=0.12)
    return fig


def reading_ease(values: list[float], target: float, width: float = 6.4) -> Figure:
    fig, ax = _figure(width)
    if values:
        lo = min(0.0, min(values))
        hi = max(100.0, max(values))
        edges = [lo + i * (hi - lo) / 20 for i in range(21)]
        _, _, patches = ax.hist(values, bins=edges, color=ACCENT)
        for patch, left in zip(patches, edges):
            patch.set_facecolor(GOOD if left >= target else BAD)
    ax.axvline(target, color=INK, linestyle="--", linewidth=1)
    ax.text(
        target, ax.get_ylim()[1] * 0.95, f" target {target:.0f}", color=INK, fontsize=8, va="top"
    )
    ax.set_xlabel(
        "Flesch reading ease of the letter's body (higher is easier)", color=INK, fontsize=9
    )
    ax.set_ylabel("letters", color=INK, fontsize=9)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def _short(label: str, width: int = 42) -> str:
    """A label cut to ``width``, with "$" escaped (two of them would start matplotlib's maths)."""
    label = label if len(label) <= width else label[: width - 1] + "…"
    return label.replace("$", r"\$")


def audit_charts(a: Audit, width: float = 6.4) -> dict[str, Figure]:
    """The report's charts, by name, ``width`` inches wide: the width of the page (or the
    HTML column) they are shown at, so their text keeps its size."""
    s = a.summary
    by_code = {r.code: r for r in a.rules}
    cats = [(CATEGORY_LABELS[c], n) for c, n in s.findings_by_category.items() if n]
    rules = [
        (f"{code} {by_code[code].name.split('.', 1)[1] if code in by_code else ''}", n)
        for code, n in s.top_rules
    ]
    rule_colours = [
        SEVERITY_COLOURS[by_code[code].severity] if code in by_code else ACCENT
        for code, _ in s.top_rules
    ]
    return {
        "scores": score_distribution(
            [fr.score for fr in a.readable if fr.score is not None], width
        ),
        "categories": horizontal_bars(cats or [("no findings", 0)], "findings", width=width),
        "rules": horizontal_bars(
            rules or [("no findings", 0)], "findings", colours=rule_colours or None, width=width
        ),
        "phrases": horizontal_bars(
            [(f"“{p}”", n) for p, n in s.top_phrases] or [("no flagged phrases", 0)],
            "times used",
            colour=BAD,
            width=width,
        ),
        "reading": reading_ease(s.reading_ease, a.reading_target, width),
    }


_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def svg(fig: Figure, title: str) -> str:
    """The figure as an inline ``<svg>`` element with a title for screen readers."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "letterlint"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    out = _SVG_HEAD.sub("", buf.getvalue(), count=1)
    out = _METADATA.sub("", out, count=1)  # RDF namespaces only; nothing a reader needs
    out = out.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)
    return out


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
