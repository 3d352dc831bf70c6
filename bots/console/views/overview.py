"""The queue overview (counts, aging, SLA breaches, a chart, system states) and the
audit log."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, render_template

from bots.console import store

log = logging.getLogger(__name__)

bp = Blueprint("overview", __name__)

CHART_WIDTH = 1200
CHART_HEIGHT = 110
CHART_AXIS = 18


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    hour: datetime
    count: int


def chart_bars(per_hour: list[tuple[datetime, int]]) -> tuple[list[Bar], int]:
    """Bar geometry for the exceptions-per-hour chart and the tallest count."""
    peak = max((count for _, count in per_hour), default=0)
    if not per_hour:
        return [], peak
    slot = CHART_WIDTH / len(per_hour)
    usable = CHART_HEIGHT - CHART_AXIS - 4
    bars = []
    for index, (hour, count) in enumerate(per_hour):
        height = usable * count / peak if peak else 0
        bars.append(
            Bar(
                x=round(index * slot + 1, 1),
                y=round(CHART_HEIGHT - CHART_AXIS - height, 1),
                width=round(max(slot - 2, 1), 1),
                height=round(height, 1),
                hour=hour,
                count=count,
            )
        )
    return bars, peak


@bp.route("/")
def index() -> str:
    settings = current_app.config["O2C_SETTINGS"]
    figures = store.overview(settings)
    bars, peak = chart_bars(figures.per_hour)
    return render_template(
        "overview.html",
        figures=figures,
        bars=bars,
        peak=peak,
        statuses=store.STATUSES,
        chart_width=CHART_WIDTH,
        chart_height=CHART_HEIGHT,
        chart_axis=CHART_AXIS,
    )


@bp.route("/audit")
def audit() -> str:
    settings = current_app.config["O2C_SETTINGS"]
    return render_template("audit.html", entries=store.audit_entries(settings))
