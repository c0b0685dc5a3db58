"""The monthly report for directors: the same figures as the directors' page, as JSON, stand-alone HTML or PDF.

`monthly_report` gathers the month once; the page, the download button and
`python cli.py report` all render that one object, so they cannot disagree.
The HTML needs nothing from the network (inline styles, charts as inline SVG
images made by vl-convert), so it can be e-mailed or archived; the PDF is laid
out with fpdf2, charts as PNG.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from rally.core.months import month_days, shift_month
from rally.monthly.charts import activity_outcomes_chart, kpi_trend_chart
from rally.monthly.kpis import (
    Scorecard,
    activity_and_outcomes,
    format_change,
    format_figure,
    format_percent,
    monthly_kpis,
    scorecards,
    trend,
)
from rally.monthly.programme import ProgrammeHealth, format_share, programme_health, survey_sentiment
from rally.sheet.dataset import Dataset

FORMATS = ("html", "pdf", "json")
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "json": "application/json"}
NOT_CAUSE = (
    "Posting and these outcomes can rise and fall together without one causing the other: "
    "seasons, campaigns, launches and sales pushes move them too. Read the lines side by side, not as proof."
)
# A TrueType font with wide Unicode coverage, when the machine has one (Debian's fonts-dejavu-core);
# otherwise the PDF falls back to a core font and replaces what Latin-1 cannot show.
PDF_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/TTF/DejaVuSans.ttf"))


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    today: date
    data_as_of: str
    cards: list[Scorecard]
    health: ProgrammeHealth
    kpis: pd.DataFrame  # monthly_kpis: every month and KPI (for the charts)

    @property
    def complete(self) -> bool:
        return self.month_end < self.today

    @property
    def month_end(self) -> date:
        return month_days(self.month)[1]

    @property
    def label(self) -> str:
        return month_label(self.month)


def month_label(month: str) -> str:
    """'2026-10' -> 'October 2026'."""
    return f"{month_days(month)[0]:%B %Y}"


def monthly_report(dataset: Dataset, month: str, today: date, data_as_of: str = "") -> MonthlyReport:
    frame = monthly_kpis(dataset.kpis, dataset.posts, today)
    survey = survey_sentiment(dataset.survey, month, dataset.settings.anonymity_threshold)
    health = programme_health(dataset.posts, dataset.staff, month, len(dataset.issues), survey)
    return MonthlyReport(month, today, data_as_of, scorecards(frame, month, today), health, frame)


# --- JSON ----------------------------------------------------------------------------------------


def report_json(report: MonthlyReport) -> dict:
    """month, kpis [{kpi, actual, target, pct_of_target, change_abs, change_pct}], participation, posts, reach, and the rest of programme health.

    Percentages are in `*_pct` keys (104.2 = 104.2 %); participation and training coverage are shares from 0 to 1.
    """
    health = report.health
    survey = health.survey
    return {
        "month": report.month,
        "month_complete": report.complete,
        "data_as_of": report.data_as_of,
        "kpis": [card.as_dict() for card in report.cards],
        "participation": _share(health.participation),
        "posts": health.posts,
        "reach": _number(health.reach),
        "people_posting": health.people_posting,
        "staff": health.staff,
        "posts_per_active_person": None
        if health.posts_per_active_person is None
        else round(health.posts_per_active_person, 2),
        "training_coverage": _share(health.training_coverage),
        "survey_sentiment": None
        if survey is None
        else {
            "month": survey.month,
            "responses": survey.answers,
            "average": None if survey.average is None else round(survey.average, 2),
        },
        "data_issues": health.data_issues,
    }


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


# --- what the page and both documents say, in words ----------------------------------------------


def card_lines(card: Scorecard) -> list[str]:
    """The lines under a scorecard's figure: target and share of it, change, pace."""
    lines = []
    if card.target is not None:
        share = (
            f" · {format_percent(card.pct_of_target)} of target"
            if card.pct_of_target is not None
            else " (a target of 0)"
        )
        lines.append(f"Target {format_figure(card.target)}{share}")
    else:
        lines.append("No target set")
    changed = format_change(card.change_abs, card.change_pct)
    if changed:
        lines.append(f"{changed} vs {month_label_short(card.month, -1)}")
    elif not card.complete and card.previous is not None:
        lines.append(f"Month in progress: its pace, not a change against all of {month_label_short(card.month, -1)}")
    else:
        lines.append("No figure for the month before")
    if card.pace is not None:
        lines.append(card.pace.sentence())
    if card.computed:
        lines.append("Counted from the Posts tab")
    return lines


def month_label_short(month: str, shift: int = 0) -> str:
    """'2026-10', -1 -> 'Sep 2026'."""
    return f"{month_days(shift_month(month, shift))[0]:%b %Y}"


def health_lines(health: ProgrammeHealth) -> list[tuple[str, str, str]]:
    """(label, figure, detail) for programme health, aggregates only."""
    lines = [
        (
            "Participation",
            format_share(health.participation),
            f"{health.people_posting:,} of {health.staff:,} staff posted",
        ),
        (
            "Posts per active person",
            format_figure(health.posts_per_active_person),
            f"{health.posts:,} posts, reach {format_figure(health.reach)}",
        ),
        (
            "Training coverage",
            format_share(health.training_coverage),
            f"{health.trained:,} of {health.staff_listed:,} staff trained in at least one module",
        ),
    ]
    survey = health.survey
    if survey is not None:
        if survey.average is None:
            lines.append(
                (
                    "Survey sentiment",
                    "—",
                    f"fewer than {survey.threshold} answers in {month_label(survey.month)}: not shown",
                )
            )
        else:
            earlier = (
                f" (no round in {month_label(health.month)}: the latest before it)"
                if survey.month != health.month
                else ""
            )
            lines.append(
                (
                    "Survey sentiment",
                    f"{survey.average:.1f} / 5",
                    f"{survey.answers:,} answers in {month_label(survey.month)}{earlier}",
                )
            )
    return lines


def status_line(report: MonthlyReport) -> str:
    if report.complete:
        return f"{report.label} · complete month"
    return f"{report.label} so far (to {report.today:%-d %B}) · figures grow until the month ends"


def _charts(report: MonthlyReport):
    """(title, chart) for each KPI's trend, then the activity-to-outcomes panel."""
    charts = [
        (
            card.kpi,
            kpi_trend_chart(trend(report.kpis, card.kpi, report.month), card.kpi, report.month, width=300, height=170),
        )
        for card in report.cards
    ]
    activity = activity_and_outcomes(report.kpis, report.month)
    if not activity.empty:
        charts.append(
            ("Activity next to outcomes", activity_outcomes_chart(activity, report.month, width=620, panel_height=60))
        )
    return charts


# --- HTML ----------------------------------------------------------------------------------------

_FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


def report_html(report: MonthlyReport) -> str:
    """A stand-alone page: inline styles, charts as inline SVG images, no request to anywhere."""
    import vl_convert

    esc = html.escape
    cards = []
    for card in report.cards:
        lines = "".join(
            f'<div style="font-size:13px;color:#374151;margin-top:4px">{esc(line)}</div>' for line in card_lines(card)
        )
        cards.append(
            f'<td style="vertical-align:top;width:33%;padding:6px"><div style="border:1px solid #D1D5DB;border-radius:8px;padding:12px">'
            f'<div style="font-size:14px;font-weight:600;color:#111827">{esc(card.kpi)}</div>'
            f'<div class="figure" style="font-size:30px;font-weight:700;color:#111827;margin-top:4px">{esc(format_figure(card.actual))}</div>{lines}</div></td>'
        )
    rows = "".join("<tr>" + "".join(cards[i : i + 3]) + "</tr>" for i in range(0, len(cards), 3))
    health = "".join(
        f'<tr><td style="padding:6px 12px 6px 0;font-weight:600">{esc(label)}</td><td style="padding:6px 12px;font-size:20px;font-weight:700">{esc(figure)}</td>'
        f'<td style="padding:6px 0;color:#374151">{esc(detail)}</td></tr>'
        for label, figure, detail in health_lines(report.health)
    )
    charts = []
    for title, chart in _charts(report):
        svg = vl_convert.vegalite_to_svg(chart.to_dict())
        # As an <img>, each SVG keeps its own ids (clip paths) and can run nothing.
        source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        charts.append(
            f'<img alt="{esc(title)} chart" src="{source}" style="max-width:100%;margin:8px 8px 0 0;vertical-align:top">'
        )
    trend_charts, activity_chart = (charts[:-1], charts[-1]) if len(charts) > len(report.cards) else (charts, "")
    no_kpis = "" if report.cards else f'<p style="color:#374151">No KPI figures for {esc(report.label)}.</p>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>KPI report — {esc(report.label)}</title></head>
<body style="margin:0;padding:24px;background:#FFFFFF;color:#111827;{_FONT}">
<div style="max-width:1000px;margin:0 auto">
<h1 style="font-size:26px;margin:0">KPIs and programme health — {esc(report.label)}</h1>
<p style="color:#374151;margin:6px 0 18px">{esc(status_line(report))}{" · data as of " + esc(report.data_as_of) if report.data_as_of else ""}</p>
<h2 style="font-size:19px;margin:18px 0 6px">KPIs against targets</h2>{no_kpis}
<table role="presentation" style="width:100%;border-collapse:collapse">{rows}</table>
<h2 style="font-size:19px;margin:22px 0 6px">Programme health</h2>
<table role="presentation" style="border-collapse:collapse">{health}</table>
<p style="color:#374151;font-size:13px">Data issues in the Sheet: {report.health.data_issues:,} (details on Rally's Data health page).</p>
<h2 style="font-size:19px;margin:22px 0 6px">Twelve months against target</h2>
<div>{"".join(trend_charts)}</div>
{f'<h2 style="font-size:19px;margin:22px 0 6px">Activity next to outcomes</h2><div>{activity_chart}</div><p style="color:#374151;font-size:13px">{esc(NOT_CAUSE)}</p>' if activity_chart else ""}
<p style="color:#6B7280;font-size:12px;margin-top:24px">Made by Rally from the company's Sheet. Aggregates only: no individual's figures or answers.</p>
</div></body></html>
"""


# --- PDF -----------------------------------------------------------------------------------------


def report_pdf(report: MonthlyReport, fonts: tuple[Path, ...] = PDF_FONTS) -> bytes:
    """An A4 PDF of the same content (fpdf2), charts as PNG; the first of `fonts` that exists sets the text."""
    import vl_convert
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(14, 14, 14)
    font_file = next((f for f in fonts if f.exists()), None)
    if font_file:
        pdf.add_font("Body", "", str(font_file))
        bold = font_file.with_name(font_file.stem + "-Bold.ttf")
        pdf.add_font("Body", "B", str(bold if bold.exists() else font_file))
        family, text = "Body", str
    else:
        family, text = "Helvetica", _latin1
    pdf.set_title(f"KPI report {report.month}")
    pdf.set_creator("Rally")
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(family, "B", 18)
    pdf.multi_cell(width, 9, text(f"KPIs and programme health — {report.label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    as_of = f" · data as of {report.data_as_of}" if report.data_as_of else ""
    pdf.multi_cell(width, 6, text(status_line(report) + as_of), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font(family, "B", 13)
    pdf.cell(width, 8, text("KPIs against targets"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    if report.cards:
        with pdf.table(
            col_widths=(40, 22, 22, 20, 34, 44),
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
            line_height=5.5,
        ) as table:
            table.row([text(h) for h in ("KPI", "Actual", "Target", "% of target", "Change vs last month", "Pace")])
            for card in report.cards:
                pace = f"{card.pace.status} ({format_figure(abs(card.pace.gap))})" if card.pace else ""
                table.row(
                    [
                        text(card.kpi),
                        text(format_figure(card.actual)),
                        text(format_figure(card.target)),
                        text(format_percent(card.pct_of_target)),
                        text(format_change(card.change_abs, card.change_pct) or "—"),
                        text(pace),
                    ]
                )
    else:
        pdf.multi_cell(width, 6, text(f"No KPI figures for {report.label}."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font(family, "B", 13)
    pdf.cell(width, 8, text("Programme health"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    for label, figure, detail in health_lines(report.health):
        pdf.multi_cell(width, 6, text(f"{label}: {figure} — {detail}"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        width, 6, text(f"Data issues in the Sheet: {report.health.data_issues:,}"), new_x="LMARGIN", new_y="NEXT"
    )

    charts = _charts(report)
    if charts:
        pdf.add_page()
        pdf.set_font(family, "B", 13)
        pdf.cell(width, 8, text("Twelve months against target"), new_x="LMARGIN", new_y="NEXT")
        column = (width - 4) / 2
        trends = charts[: len(report.cards)]
        for start in range(0, len(trends), 2):
            pngs = [
                (title, vl_convert.vegalite_to_png(chart.to_dict(), scale=2))
                for title, chart in trends[start : start + 2]
            ]
            height = max(column * _png_height(png) / _png_width(png) for _, png in pngs)
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
            row_y = pdf.get_y()
            for offset, (title, png) in enumerate(pngs):
                pdf.image(
                    io.BytesIO(png),
                    x=pdf.l_margin + offset * (column + 4),
                    y=row_y,
                    w=column,
                    alt_text=text(f"{title} chart"),
                )
            pdf.set_y(row_y + height + 3)
        if len(charts) > len(report.cards):
            title, chart = charts[-1]
            pdf.add_page()
            pdf.set_font(family, "B", 13)
            pdf.cell(width, 8, text(title), new_x="LMARGIN", new_y="NEXT")
            png = vl_convert.vegalite_to_png(chart.to_dict(), scale=2)
            pdf.image(io.BytesIO(png), w=width, alt_text=text(f"{title} chart"))
            pdf.set_font(family, "", 9)
            pdf.multi_cell(width, 5, text(NOT_CAUSE), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height


def _png_height(png: bytes) -> int:
    return int.from_bytes(png[20:24], "big")


def _latin1(value: str) -> str:
    """What a core PDF font can show: Latin-1, with a '?' for anything else."""
    return value.replace("—", "-").replace("−", "-").replace("·", "|").encode("latin-1", "replace").decode("latin-1")


def render(report: MonthlyReport, kind: str) -> bytes:
    """The report as bytes in `kind` (html, pdf or json)."""
    if kind == "json":
        import json

        return (json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n").encode()
    if kind == "html":
        return report_html(report).encode()
    if kind == "pdf":
        return report_pdf(report)
    raise ValueError(f"unknown report format {kind!r}: choose one of {', '.join(FORMATS)}")


def file_name(month: str, kind: str) -> str:
    return f"rally-kpi-report-{month}.{kind}"
