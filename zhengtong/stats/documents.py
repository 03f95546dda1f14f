"""
The efficiency report (效能通报) as PDF and as an Excel workbook.

The PDF is a template rendered by WeasyPrint (``core.pdf``, Chinese fonts
embedded); its charts are SVG images drawn here from the report's own
rows (no plotting library: a bar chart and a line chart are a few dozen
shapes), so the printed chart and the printed table cannot disagree.  The
workbook has one sheet per table (openpyxl).

中文：效能通报文书
"""

import base64
import io
from datetime import date
from html import escape
from typing import Any

from django.conf import settings

from openpyxl import Workbook
from openpyxl.styles import Font

from zhengtong.core.pdf import pdf_render

TEMPLATE = "stats/report_pdf.html"
BLUE, GREEN, RED, AMBER, GREY = "#1f5fa8", "#1e7b45", "#b3261e", "#c98a00", "#888"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 10 ** (len(str(int(value))) - 1)
    return ((int(value) // step) + 1) * step


def bar_chart_svg(
    labels: list[str],
    series: list[tuple[str, str, list[int]]],
    *,
    width: int = 640,
    row: int = 22,
) -> str:
    """
    Return a horizontal grouped bar chart as an SVG data URI.

    ``series``: (name, colour, values) each as long as ``labels``.

    中文：柱状图
    """
    left, top, right = 150, 28, 40
    font = min(12, row - 1)
    bar = row - 6 if row >= 16 else row - 2
    group = row * max(1, len(series)) + 8
    height = top + group * max(1, len(labels)) + 10
    top_value = _nice_max(max([max(v, default=0) for _, _, v in series], default=0))
    scale = (width - left - right) / top_value
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="{font}">'
    ]
    x = left
    for name, colour, _ in series:  # legend
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="17">{escape(name)}</text>')
        x += 30 + 14 * len(name)
    for i, label in enumerate(labels):
        y0 = top + i * group
        short = label if len(label) <= 11 else label[:10] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y0 + group / 2 + 4}" text-anchor="end">'
            f"{escape(short)}</text>"
        )
        for j, (_, colour, values) in enumerate(series):
            value = values[i] if i < len(values) else 0
            w = value * scale
            y = y0 + j * row + 4
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{left + w + 4:.1f}" y="{y + bar - 1}">{value}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{top - 2}" x2="{left}" y2="{height - 8}" stroke="{GREY}"/>'
    )
    parts.append("</svg>")
    return _svg_uri("".join(parts))


def line_chart_svg(
    labels: list[str],
    series: list[tuple[str, str, list[int]]],
    *,
    width: int = 640,
    height: int = 240,
) -> str:
    """
    Return a line chart (counts over time) as an SVG data URI.

    中文：折线图
    """
    left, top, right, bottom = 46, 30, 16, 34
    n = max(1, len(labels))
    top_value = _nice_max(max([max(v, default=0) for _, _, v in series], default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, n - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + plot_h - v / top_value * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
    ]
    for k in range(5):  # grid and scale
        v = top_value * k / 4
        _, y = xy(0, v)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="{left - 4}" y="{y + 4:.1f}" '
            f'text-anchor="end">{int(v)}</text>'
        )
    every = max(1, n // 10)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            x, _ = xy(i, 0)
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(label[-5:])}</text>"
            )
    x = left
    for name, colour, values in series:
        points = " ".join(
            "{:.1f},{:.1f}".format(*xy(i, v)) for i, v in enumerate(values)
        )
        if len(values) == 1:
            cx, cy = xy(0, values[0])
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}"/>')
        elif values:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2"/>'
            )
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="17">{escape(name)}</text>')
        x += 30 + 13 * len(name)
    parts.append("</svg>")
    return _svg_uri("".join(parts))


def report_charts(figures: dict[str, Any]) -> dict[str, str]:
    """Return the report's charts (SVG data URIs) drawn from its rows."""
    departments = figures["departments"][:12]
    trend = figures["trend"]
    return {
        "departments": bar_chart_svg(
            [r["label"] for r in departments],
            [
                ("收件", BLUE, [r["received"] for r in departments]),
                ("办结", GREEN, [r["concluded"] for r in departments]),
                ("超期", RED, [r["overdue"] for r in departments]),
            ],
            row=12,  # compact: the table below holds the numbers too
        ),
        "trend": line_chart_svg(
            [r["label"] for r in trend],
            [
                ("收件", BLUE, [r["received"] for r in trend]),
                ("办结", GREEN, [r["concluded"] for r in trend]),
            ],
        ),
    }


def red_flags_wording(assessment: dict[str, Any]) -> str:
    """
    Return a report's 红旗窗口 of one month: the names, "无" when an election
    found none, "本月不评比" between elections (reports archived before the
    flag existed say "无").

    中文：通报中的红旗窗口
    """
    if assessment["red_flags"]:
        return "、".join(assessment["red_flags"])
    return "无" if assessment.get("red_flag_election", True) else "本月不评比"


def report_text(*, title: str, scope_name: str, figures: dict[str, Any]) -> str:
    """Return the report's opening paragraph (Chinese)."""
    t = figures["totals"] or {}
    parts = [
        f"{figures['start']} 至 {figures['end']}，{scope_name}共收件 "
        f"{t.get('received', 0)} 件，受理 {t.get('accepted', 0)} 件，办结 "
        f"{t.get('concluded', 0)} 件，其中按时办结 {t.get('on_time', 0)} 件、"
        f"提前办结 {t.get('early', 0)} 件、超期办结 {t.get('overdue', 0)} 件；"
        f"按时办结率 {_pct(t.get('on_time_rate'))}，提前办结率 "
        f"{_pct(t.get('early_rate'))}，网办率 {_pct(t.get('online_share'))}。"
    ]
    for a in figures["assessments"]:
        flags = red_flags_wording(a)
        stars = "、".join(a["service_stars"]) or "无"
        draft = "" if a["state"] == "signed" else "（未签发，为计算结果）"
        parts.append(
            f"{a['month']} 月度考核{draft}：红旗窗口 {flags}；服务明星 {stars}。"
        )
    return "".join(parts)


def report_pdf(
    *, title: str, scope_name: str, figures: dict[str, Any], issued_on: date
) -> bytes:
    """
    Return the report as a PDF (A4, Chinese fonts embedded, charts as images).

    中文：效能通报 PDF
    """

    def shown(row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is None:
            return None
        return {
            **row,
            "on_time_pct": _pct(row["on_time_rate"]),
            "early_pct": _pct(row["early_rate"]),
        }

    return pdf_render(
        TEMPLATE,
        {
            "title": title,
            "scope_name": scope_name,
            "site_name": settings.SITE_NAME,
            "figures": figures,
            "assessments": [
                {**a, "red_flags_text": red_flags_wording(a)}
                for a in figures["assessments"]
            ],
            "departments": [shown(r) for r in figures["departments"]],
            "totals": shown(figures["totals"]),
            "text": report_text(title=title, scope_name=scope_name, figures=figures),
            "charts": report_charts(figures),
            "issued_on": issued_on,
        },
    )


CASE_HEADERS = [
    ("分组", "label"),
    ("收件", "received"),
    ("受理", "accepted"),
    ("办结", "concluded"),
    ("按时办结", "on_time"),
    ("提前办结", "early"),
    ("超期办结", "overdue"),
    ("按时办结率", "on_time_rate"),
    ("提前办结率", "early_rate"),
    ("办结率", "completion_rate"),
    ("平均办理工作日", "avg_working_days"),
    ("网办率", "online_share"),
]
RATES = {"on_time_rate", "early_rate", "completion_rate", "online_share"}


def _sheet(
    book: Workbook, title: str, headers: list[str], rows: list[list[Any]]
) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for index in range(len(headers)):
        sheet.column_dimensions[chr(65 + index)].width = 24 if index == 0 else 12


def _case_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[_pct(r[k]) if k in RATES else r[k] for _, k in CASE_HEADERS] for r in rows]


def report_xlsx(*, title: str, scope_name: str, figures: dict[str, Any]) -> bytes:
    """
    Return the report as an Excel workbook (one sheet per table).

    中文：效能通报 Excel
    """
    book = Workbook()
    book.remove(book.active)
    headers = [h for h, _ in CASE_HEADERS]
    totals = [figures["totals"]] if figures["totals"] else []
    _sheet(
        book,
        "概况",
        ["通报", "范围", "期间"],
        [[title, scope_name, f"{figures['start']} 至 {figures['end']}"]],
    )
    book["概况"].append([])
    book["概况"].append(headers)
    for row in _case_rows([{**t, "label": "合计"} for t in totals]):
        book["概况"].append(row)
    _sheet(book, "各部门", headers, _case_rows(figures["departments"]))
    _sheet(book, "趋势", headers, _case_rows(figures["trend"]))
    _sheet(book, "事项（前20）", headers, _case_rows(figures["items"]))
    _sheet(
        book,
        "分时段等候",
        ["时段", "取号", "办理", "过号", "平均等候（分钟）", "90%等候（分钟）"],
        [
            [
                r["label"],
                r["issued"],
                r["served"],
                r["no_show"],
                r["avg_wait_minutes"],
                r["p90_wait_minutes"],
            ]
            for r in figures["waiting"]
        ],
    )
    subject = [
        "月份",
        "状态",
        "名次",
        "名称",
        "部门",
        "得分",
        "星级",
        "红旗窗口",
        "服务明星",
        "说明",
    ]
    for kind, label in (("counters", "窗口考核"), ("staff", "人员考核")):
        rows = [
            [
                a["month"],
                "已签发" if a["state"] == "signed" else "未签发",
                r["rank"],
                r["name"],
                r["department"],
                r["score"],
                r["stars"],
                "是" if r["red_flag"] else "",
                "是" if r["service_star"] else "",
                "；".join(r["reasons"]),
            ]
            for a in figures["assessments"]
            for r in a[kind]
        ]
        _sheet(book, label, subject, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
