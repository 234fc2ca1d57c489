"""The audit as one self-contained HTML page: styles and charts inline, no scripts, no links
to anything outside the file, so it can be e-mailed, archived and opened offline.

The page is a Jinja2 template with autoescaping on: every piece of letter text is
escaped, and the only markup added to it is the ``<mark>`` of a flagged span.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from importlib import resources

from letterlint.core.model import FileResult
from letterlint.engine.scoring import REPEAT_FACTOR, RULE_CAP, WEIGHTS
from letterlint.reporting.audit import (
    CATEGORY_LABELS,
    GOOD_SCORE,
    Audit,
    Excerpt,
    file_and_folder,
    split_source,
)
from letterlint.reporting.charts import audit_charts, svg

CHART_TITLES = {
    "scores": "How the letters score",
    "categories": "Findings by category",
    "rules": "The most frequent findings",
    "phrases": "The words and phrases flagged most often",
    "reading": "Reading ease against the target",
}


#: The charts' width: the page's 924-pixel column at 96 pixels (72 SVG points) an inch.
CHART_INCHES = 9.6


REQUIRED_TITLE = "required text: a compliance pack prescribes this wording; keep it as written"


def marked(ex: Excerpt) -> str:
    """The excerpt's text, escaped, with ``<mark>`` around each flagged span and a
    ``required`` span around wording a compliance pack prescribes."""
    out = []
    for text, mark, required in ex.pieces():
        piece = escape(text)
        if mark is not None:
            piece = f'<mark class="{mark.severity}" title="{mark.code}">{piece}</mark>'
        if required:
            piece = f'<span class="required" title="{REQUIRED_TITLE}">{piece}</span>'
        out.append(piece)
    return "".join(out)


def render_html(a: Audit) -> str:
    from jinja2 import Environment
    from markupsafe import Markup

    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["marked"] = lambda ex: Markup(marked(ex))
    template = env.from_string(
        resources.files("letterlint.reporting").joinpath("report.html.j2").read_text("utf-8")
    )
    charts = {
        name: Markup(svg(fig, CHART_TITLES[name]))
        for name, fig in audit_charts(a, CHART_INCHES).items()
    }
    page_ids = {p.result.path: f"letter-{i + 1}" for i, p in enumerate(a.pages)}
    return template.render(
        a=a,
        s=a.summary,
        c=a.compliance,
        charts=charts,
        titles=CHART_TITLES,
        labels=CATEGORY_LABELS,
        page_ids=page_ids,
        weights=WEIGHTS,
        repeat=REPEAT_FACTOR,
        cap=RULE_CAP,
        good=GOOD_SCORE,
        where=file_and_folder,
        source=split_source,
        severities=_severities,
    )


def _severities(fr: FileResult) -> Counter[str]:
    """A letter's findings counted by severity (in Python: an archive's table row by row
    through Jinja filters took a second)."""
    return Counter(f.severity for f in fr.findings)
