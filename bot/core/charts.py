"""Breakdowns of completion or ambition across action plans, as numbers and as a PNG chart
(matplotlib, Agg backend: no display needed), titled and labelled in the reader's language."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from bot.common.i18n import Translator, localized, translator
from bot.common.vocab import vocabulary
from bot.core.facts import AMBITION_LEVELS, COMPLETION_LEVELS, ambition_level, completion_level
from bot.core.index import Index, Span, plan_years, retrieval_span
from bot.core.records import Commitment
from bot.core.types import ChartRequest

LEVELS = {"completion": COMPLETION_LEVELS, "ambition": AMBITION_LEVELS}  # highest first
UNASSESSED = "unassessed"  # the bar of the commitments the IRM gave no level
COLOURS = {"complete": "#1b7837", "substantial": "#7fbf7b", "limited": "#f1b6da", "not_started": "#c51b7d",
           "no_evidence": "#8c8c8c", "high": "#2166ac", "moderate": "#67a9cf", "low": "#d1e5f0",
           UNASSESSED: "#e0e0e0"}


def level(c: Commitment, metric: str) -> str:
    """The commitment's bar in a chart of `metric` (completion or ambition): its level, or "unassessed"."""
    value = ambition_level(c) if metric == "ambition" else completion_level(c)
    return value or UNASSESSED


def breakdown(index: Index, request: ChartRequest) -> dict[str, Counter[str]]:
    """Per plan (in time order), how many commitments at each level."""
    result: dict[str, Counter[str]] = {}
    for plan_id in sorted(request.plans, key=lambda p: (plan_years(index.plans[p])[0] or 0, p)):
        counts: Counter[str] = Counter()
        mask = index.plan_mask.get(plan_id)
        for position in mask.nonzero()[0] if mask is not None else []:
            counts[level(index.commitments[index.ids[position]], request.metric)] += 1
        result[plan_id] = counts
    return result


@dataclass(frozen=True)
class ChartText:
    """Every word of a chart, in the reader's language (Translator and the vocabularies): nothing is drawn
    that is not here."""

    title: str
    ylabel: str
    bars: list[str]  # the plans, in the order of breakdown()
    legend: list[tuple[str, str]]  # (level key, its label), for the levels drawn, highest first
    credit: str


def chart_text(index: Index, request: ChartRequest, lang: str,
               data: dict[str, Counter[str]] | None = None) -> ChartText:
    """The title, axis label, bar names, legend and credit of the chart of `request`."""
    t = translator(lang)
    vocab = vocabulary()
    data = breakdown(index, request) if data is None else data
    kind = "ambition" if request.metric == "ambition" else "completion"
    legend = [(key, t._("not assessed") if key == UNASSESSED else vocab.label(kind, key, t.lang))
              for key in (*LEVELS[request.metric], UNASSESSED) if any(data[p][key] for p in data)]
    members = sorted({index.plans[p].member for p in data})
    scope = t.join([_member(index, m, t.lang) for m in members])
    if not index.whole(plans=list(data)):  # bars of the data's commitments, not of OGP's whole plans
        scope = t._("{name} (in my data)", name=scope)
    title = (t._("Ambition of commitments — {scope}", scope=scope) if request.metric == "ambition"
             else t._("Completion of commitments — {scope}", scope=scope))
    return ChartText(title=title, ylabel=t._("Commitments"), bars=[_plan_label(index, p, t.lang) for p in data],
                     legend=legend, credit=_credit(t, _retrieved(index, list(data))))


def render_png(index: Index, request: ChartRequest, lang: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    data = breakdown(index, request)
    text = chart_text(index, request, lang, data)
    names = text.bars
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=110)
    bottoms = [0] * len(data)
    for key, label in text.legend:
        values = [data[p][key] for p in data]
        axes.bar(names, values, bottom=bottoms, label=label, color=COLOURS[key], edgecolor="white",
                 width=0.6 if len(names) > 2 else 0.4)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    axes.set_title(text.title)
    axes.set_ylabel(text.ylabel)
    locator = axes.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default (AutoLocator) is one
        locator.set_params(integer=True)
    axes.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.text(0.01, 0.01, text.credit, fontsize=7, color="#555555")
    plt.setp(axes.get_xticklabels(), rotation=15, ha="right", fontsize=8)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    buffer = io.BytesIO()
    # The title and credit also as the PNG's text chunks, in the reader's language: what screen readers and
    # file managers show of the picture.
    figure.savefig(buffer, format="png", metadata={"Title": text.title, "Source": text.credit})
    plt.close(figure)
    return buffer.getvalue()


def _retrieved(index: Index, plans: list[str]) -> Span | None:
    """When the charted plans' records were retrieved from OGP."""
    mask = index.mask(plans=plans)
    return retrieval_span(index.commitments[index.ids[i]] for i in mask.nonzero()[0])


def _credit(t: Translator, span: Span | None) -> str:
    if span and span.first != span.last:
        return t._("Source: Open Government Partnership, IRM assessments (CC BY 4.0). Data retrieved from OGP "
                   "between {start} and {end}.", start=t.date(span.first), end=t.date(span.last))
    return t._("Source: Open Government Partnership, IRM assessments (CC BY 4.0). Data as of {date}.",
               date=t.date(span.first) if span else "—")


def _plan_label(index: Index, plan_id: str, lang: str) -> str:
    plan = index.plans[plan_id]
    title = localized(plan.title, lang) or plan_id
    return title if len(title) <= 40 else title[:38] + "…"


def _member(index: Index, member_id: str, lang: str) -> str:
    member = index.members.get(member_id)
    return (localized(member.name, lang) or member_id) if member else member_id
