"""Choices of the catalogue (domain-rules §3, glossary §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    """National 政务服务事项 type codes (Sichuan writes them without the 0)."""

    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    AWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")
    FILING = "filing", _("行政备案")
    UNKNOWN = "unknown", _("未分类")


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）级")
    VILLAGE = "village", _("村（社区）级")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class HandlingMode(models.TextChoices):
    """即办件 (decided on the spot) or 承诺件 (decided within promised days)."""

    IMMEDIATE = "immediate", _("即办件")
    COMMITTED = "committed", _("承诺件")


class DayUnit(models.TextChoices):
    WORKING = "working", _("工作日")
    NATURAL = "natural", _("自然日")


UNKNOWN_LIMIT = "以窗口告知为准"


def limit_text(days: int | None, unit: str) -> str:
    """
    Return a time limit as people read it, e.g. "20 个工作日", "30 个自然日".

    An unknown limit reads "以窗口告知为准"; 0 days of an immediate item read
    "即时办结".

    中文：时限文字
    """
    if days is None:
        return UNKNOWN_LIMIT
    if days == 0:
        return "即时办结"
    label = DayUnit(unit).label if unit in DayUnit.values else DayUnit.WORKING.label
    return f"{days} 个{label}"


class Channel(models.TextChoices):
    ONLINE = "online", _("网上办理")
    COUNTER = "counter", _("窗口办理")
    MOBILE = "mobile", _("移动端办理")
    KIOSK = "kiosk", _("自助终端办理")
    MAIL = "mail", _("邮寄办理")


class OnlineDepth(models.TextChoices):
    """How far the item can be handled online (网办深度)."""

    NONE = "0", _("不支持网办")
    INFO = "1", _("网上咨询（一星）")
    PREVIEW = "2", _("网上预审（二星）")
    APPLY = "3", _("网上受理（三星）")
    FULL = "4", _("全程网办（四星）")


class ServiceObject(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")
    BOTH = "both", _("自然人、法人")


class MaterialRequirement(models.TextChoices):
    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要")
    CONDITIONAL = "conditional", _("情形性（视情况提交）")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    BOTH = "both", _("纸质、电子")


class CodeShape(models.TextChoices):
    """How an implementation code was classified by the parser."""

    CANONICAL = "canonical", _("标准六段式")
    IRREGULAR_ORG = "irregular_org", _("六段式（主体代码非18位）")
    EXTRA_HYPHENS = "extra_hyphens", _("含额外连字符")
    NO_AREA = "no_area", _("缺区划段")
    PROVINCE_AREA = "province_area", _("区划段为省级")
    LEGACY_31 = "legacy_31", _("31位旧版事项编码")
    OTHER = "other", _("其他")
