"""
Load the 2024-2026 national holiday notices, written out from the text.

Dates copied by hand from the State Council notices (domain-rules §5.3); this
migration deliberately imports neither app code nor chinesecalendar, so a
fresh install counts working days correctly right after ``migrate``.
Reversible: the reverse removes exactly the rows it added.
"""

import datetime

from django.db import migrations
from django.utils import timezone

OFFICIAL = {
    2024: {
        "source": '国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）',
        "url": 'https://zh.wikisource.org/wiki/国务院办公厅关于2024年部分节假日安排的通知',
        "days": [
            ('2024-01-01', 'holiday', '元旦'),
            ('2024-02-04', 'makeup_workday', '春节调休上班'),
            ('2024-02-10', 'holiday', '春节'),
            ('2024-02-11', 'holiday', '春节'),
            ('2024-02-12', 'holiday', '春节'),
            ('2024-02-13', 'holiday', '春节'),
            ('2024-02-14', 'holiday', '春节'),
            ('2024-02-15', 'holiday', '春节'),
            ('2024-02-16', 'holiday', '春节'),
            ('2024-02-17', 'holiday', '春节'),
            ('2024-02-18', 'makeup_workday', '春节调休上班'),
            ('2024-04-04', 'holiday', '清明节'),
            ('2024-04-05', 'holiday', '清明节'),
            ('2024-04-06', 'holiday', '清明节'),
            ('2024-04-07', 'makeup_workday', '清明节调休上班'),
            ('2024-04-28', 'makeup_workday', '劳动节调休上班'),
            ('2024-05-01', 'holiday', '劳动节'),
            ('2024-05-02', 'holiday', '劳动节'),
            ('2024-05-03', 'holiday', '劳动节'),
            ('2024-05-04', 'holiday', '劳动节'),
            ('2024-05-05', 'holiday', '劳动节'),
            ('2024-05-11', 'makeup_workday', '劳动节调休上班'),
            ('2024-06-10', 'holiday', '端午节'),
            ('2024-09-14', 'makeup_workday', '中秋节调休上班'),
            ('2024-09-15', 'holiday', '中秋节'),
            ('2024-09-16', 'holiday', '中秋节'),
            ('2024-09-17', 'holiday', '中秋节'),
            ('2024-09-29', 'makeup_workday', '国庆节调休上班'),
            ('2024-10-01', 'holiday', '国庆节'),
            ('2024-10-02', 'holiday', '国庆节'),
            ('2024-10-03', 'holiday', '国庆节'),
            ('2024-10-04', 'holiday', '国庆节'),
            ('2024-10-05', 'holiday', '国庆节'),
            ('2024-10-06', 'holiday', '国庆节'),
            ('2024-10-07', 'holiday', '国庆节'),
            ('2024-10-12', 'makeup_workday', '国庆节调休上班'),
        ],
    },
    2025: {
        "source": '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）',
        "url": 'https://www.gov.cn/gongbao/2024/issue_11726/202411/content_6989767.html',
        "days": [
            ('2025-01-01', 'holiday', '元旦'),
            ('2025-01-26', 'makeup_workday', '春节调休上班'),
            ('2025-01-28', 'holiday', '春节'),
            ('2025-01-29', 'holiday', '春节'),
            ('2025-01-30', 'holiday', '春节'),
            ('2025-01-31', 'holiday', '春节'),
            ('2025-02-01', 'holiday', '春节'),
            ('2025-02-02', 'holiday', '春节'),
            ('2025-02-03', 'holiday', '春节'),
            ('2025-02-04', 'holiday', '春节'),
            ('2025-02-08', 'makeup_workday', '春节调休上班'),
            ('2025-04-04', 'holiday', '清明节'),
            ('2025-04-05', 'holiday', '清明节'),
            ('2025-04-06', 'holiday', '清明节'),
            ('2025-04-27', 'makeup_workday', '劳动节调休上班'),
            ('2025-05-01', 'holiday', '劳动节'),
            ('2025-05-02', 'holiday', '劳动节'),
            ('2025-05-03', 'holiday', '劳动节'),
            ('2025-05-04', 'holiday', '劳动节'),
            ('2025-05-05', 'holiday', '劳动节'),
            ('2025-05-31', 'holiday', '端午节'),
            ('2025-06-01', 'holiday', '端午节'),
            ('2025-06-02', 'holiday', '端午节'),
            ('2025-09-28', 'makeup_workday', '国庆节、中秋节调休上班'),
            ('2025-10-01', 'holiday', '国庆节、中秋节'),
            ('2025-10-02', 'holiday', '国庆节、中秋节'),
            ('2025-10-03', 'holiday', '国庆节、中秋节'),
            ('2025-10-04', 'holiday', '国庆节、中秋节'),
            ('2025-10-05', 'holiday', '国庆节、中秋节'),
            ('2025-10-06', 'holiday', '国庆节、中秋节'),
            ('2025-10-07', 'holiday', '国庆节、中秋节'),
            ('2025-10-08', 'holiday', '国庆节、中秋节'),
            ('2025-10-11', 'makeup_workday', '国庆节、中秋节调休上班'),
        ],
    },
    2026: {
        "source": '国务院办公厅关于2026年部分节假日安排的通知',
        "url": 'https://www.gov.cn/zhengce/content/202511/content_7047090.htm',
        "days": [
            ('2026-01-01', 'holiday', '元旦'),
            ('2026-01-02', 'holiday', '元旦'),
            ('2026-01-03', 'holiday', '元旦'),
            ('2026-01-04', 'makeup_workday', '元旦调休上班'),
            ('2026-02-14', 'makeup_workday', '春节调休上班'),
            ('2026-02-15', 'holiday', '春节'),
            ('2026-02-16', 'holiday', '春节'),
            ('2026-02-17', 'holiday', '春节'),
            ('2026-02-18', 'holiday', '春节'),
            ('2026-02-19', 'holiday', '春节'),
            ('2026-02-20', 'holiday', '春节'),
            ('2026-02-21', 'holiday', '春节'),
            ('2026-02-22', 'holiday', '春节'),
            ('2026-02-23', 'holiday', '春节'),
            ('2026-02-28', 'makeup_workday', '春节调休上班'),
            ('2026-04-04', 'holiday', '清明节'),
            ('2026-04-05', 'holiday', '清明节'),
            ('2026-04-06', 'holiday', '清明节'),
            ('2026-05-01', 'holiday', '劳动节'),
            ('2026-05-02', 'holiday', '劳动节'),
            ('2026-05-03', 'holiday', '劳动节'),
            ('2026-05-04', 'holiday', '劳动节'),
            ('2026-05-05', 'holiday', '劳动节'),
            ('2026-05-09', 'makeup_workday', '劳动节调休上班'),
            ('2026-06-19', 'holiday', '端午节'),
            ('2026-06-20', 'holiday', '端午节'),
            ('2026-06-21', 'holiday', '端午节'),
            ('2026-09-20', 'makeup_workday', '国庆节调休上班'),
            ('2026-09-25', 'holiday', '中秋节'),
            ('2026-09-26', 'holiday', '中秋节'),
            ('2026-09-27', 'holiday', '中秋节'),
            ('2026-10-01', 'holiday', '国庆节'),
            ('2026-10-02', 'holiday', '国庆节'),
            ('2026-10-03', 'holiday', '国庆节'),
            ('2026-10-04', 'holiday', '国庆节'),
            ('2026-10-05', 'holiday', '国庆节'),
            ('2026-10-06', 'holiday', '国庆节'),
            ('2026-10-07', 'holiday', '国庆节'),
            ('2026-10-10', 'makeup_workday', '国庆节调休上班'),
        ],
    },
}


def load_official(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    now = timezone.now()
    for year, notice in OFFICIAL.items():
        if CalendarYear.objects.filter(year=year, region_code="").exists():
            continue
        existing = set(
            CalendarDay.objects.filter(
                region_code="", date__year=year
            ).values_list("date", flat=True)
        )
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(
                    date=datetime.date.fromisoformat(day),
                    kind=kind,
                    name=name,
                    region_code="",
                    source_notice=notice["source"],
                )
                for day, kind, name in notice["days"]
                if datetime.date.fromisoformat(day) not in existing
            ]
        )
        CalendarYear.objects.create(
            year=year,
            region_code="",
            source="official",
            source_notice=notice["source"],
            source_url=notice["url"],
            loaded_at=now,
            note="随代码发布（数据迁移 0002）",
        )


def unload_official(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    for year, notice in OFFICIAL.items():
        CalendarDay.objects.filter(
            region_code="",
            date__in=[datetime.date.fromisoformat(d) for d, _k, _n in notice["days"]],
            source_notice=notice["source"],
        ).delete()
        CalendarYear.objects.filter(
            year=year, region_code="", source="official"
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_calendar_day_and_year"),
    ]

    operations = [
        migrations.RunPython(load_official, unload_official),
    ]
