"""Shared output of the catalogue import commands."""

import datetime
from typing import Any

from django.core.management.base import CommandError

from zhengtong.catalog.importers import ImportReport


def parse_date(value: str | None) -> datetime.date | None:
    """Return a date from YYYY-MM-DD or raise a Chinese CommandError."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"生效日期“{value}”格式错误，应为 YYYY-MM-DD。") from exc


def write_report(command: Any, report: ImportReport, *, verbosity: int = 1) -> None:
    """Print rejected rows always, flagged rows at -v 2, then the counts."""
    for problem in report.rejected_problems:
        command.stderr.write(str(problem))
    flagged = report.flagged_problems
    if flagged:
        if verbosity >= 2:
            for problem in flagged:
                command.stdout.write(str(problem))
        else:
            command.stdout.write(
                f"有 {len(flagged)} 行被标记（导入成功但需核对），加 -v 2 查看明细。"
            )
    style = command.style.WARNING if report.rejected else command.style.SUCCESS
    command.stdout.write(style(f"{report.source}：{report.summary()}"))
