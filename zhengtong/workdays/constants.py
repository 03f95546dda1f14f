"""Choices and error codes of the working-day calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """
    What a calendar row says about its date.

    ``regular`` is only used in a regional layer: it cancels a national
    holiday or make-up day for that region (the date follows the normal
    week again).

    中文：日期类型
    """

    HOLIDAY = "holiday", _("放假")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班")
    REGULAR = "regular", _("按常规作息（取消全国安排）")


class YearSource(models.TextChoices):
    """
    Where the days of a year came from.

    中文：数据来源
    """

    OFFICIAL = "official", _("国务院通知（随代码发布）")
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar 程序包")
    FILE = "file", _("JSON 文件")
    MANUAL = "manual", _("人工维护")
    NOTICE = "notice", _("国务院通知文本")


class YearStatus(models.TextChoices):
    """
    Whether a year's calendar rests on the State Council notice.

    中文：年度日历状态
    """

    OFFICIAL = "official", _("正式（依据国务院通知）")
    PROVISIONAL = "provisional", _("推定（按法定节假日，通知尚未公布）")
    MISSING = "missing", _("未导入")


class ErrorCode(models.TextChoices):
    """Stable error codes of the workdays app."""

    CALENDAR_YEAR_MISSING = "calendar_year_missing", _("节假日安排尚未导入")
    INVALID_DATE = "invalid_date", _("日期格式有误")
    INVALID_DAYS = "invalid_days", _("天数有误")
    INVALID_REGION = "invalid_region", _("区划代码有误")
    INVALID_DAY = "invalid_day", _("日历条目有误")
    YEAR_NOT_AVAILABLE = "year_not_available", _("数据源没有该年份")
    SOURCE_DISAGREES = "source_disagrees", _("数据源不一致")
    PERMISSION_DENIED = "permission_denied", _("无权限")
    NOTICE_UNREADABLE = "notice_unreadable", _("放假通知无法识别")


# The basis of a provisional year, and the line printed under a provisional date.
PROVISIONAL_BASIS = "《全国年节及纪念日放假办法》第二条（推定，不含调休）"
PROVISIONAL_NOTE = "本期限按法定节假日推定，国务院放假安排公布后依法校正"

NATIONAL = ""  # region_code of the national layer
