"""
Parse implementation codes (实施编码) without ever altering them.

The national pattern seen on 四川政务服务网 is
``基本编码-12位区划-000-18位信用代码-1-00``; real catalogues also carry
six-part codes with a 9/10/13/17-character organisation segment, codes with
extra hyphens inside the basic or organisation segment, codes without an area
segment and 31-character codes of the 广西 platform (18-character
organisation code + 1 digit + 12-character basic code). The parser classifies
every code and splits it where it can; the stored code stays byte-exact.
"""

import re
from dataclasses import dataclass, field

from .constants import CodeShape
from .credit import credit_code_is_valid

_AREA = re.compile(r"[0-9]{12}")
_ORG18 = re.compile(r"[0-9A-Z]{18}")
_LEGACY31 = re.compile(r"[0-9A-Z]{18}[0-9][0-9A-Z]{12}")


@dataclass(frozen=True)
class ParsedCode:
    """
    The classification of one implementation code.

    中文：实施编码解析结果
    """

    code: str
    shape: str
    segments: dict[str, str | bool] = field(default_factory=dict)

    @property
    def region_code(self) -> str:
        value = self.segments.get("region_code", "")
        return value if isinstance(value, str) else ""

    @property
    def org_code(self) -> str:
        value = self.segments.get("org_code", "")
        return value if isinstance(value, str) else ""

    @property
    def basic_code(self) -> str:
        value = self.segments.get("basic_code", "")
        return value if isinstance(value, str) else ""

    @property
    def is_national_pattern(self) -> bool:
        """Return True for the canonical shape and the 31-char legacy shape."""
        return self.shape in (CodeShape.CANONICAL, CodeShape.LEGACY_31)


def _is_province(area: str) -> bool:
    return area[2:] == "0000000000"


def _org_is_regular(org: str) -> bool:
    return bool(_ORG18.fullmatch(org))


def parse_item_code(code: str) -> ParsedCode:
    """
    Classify an implementation code and split it into named segments.

    Shapes (``CodeShape``): canonical, irregular_org (six parts, organisation
    segment not 18 upper-case characters), extra_hyphens (more than six parts
    around a 12-digit area), no_area, province_area (area segment is a
    province), legacy_31, other. ``segments`` always holds ``org_regular``
    and ``org_check_ok`` when an organisation segment was found.

    中文：实施编码解析
    """
    if not isinstance(code, str) or not code:
        return ParsedCode(code=code or "", shape=CodeShape.OTHER, segments={})

    if "-" not in code:
        if len(code) == 31 and _LEGACY31.fullmatch(code):
            org = code[:18]
            return ParsedCode(
                code=code,
                shape=CodeShape.LEGACY_31,
                segments={
                    "org_code": org,
                    "type_digit": code[18],
                    "basic_code": code[19:],
                    "org_regular": True,
                    "org_check_ok": credit_code_is_valid(org),
                },
            )
        return ParsedCode(code=code, shape=CodeShape.OTHER, segments={})

    parts = code.split("-")
    area_index = next(
        (i for i, p in enumerate(parts) if i > 0 and _AREA.fullmatch(p)), None
    )
    if area_index is None:
        if len(parts) < 4 or not all(parts):
            return ParsedCode(code=code, shape=CodeShape.OTHER, segments={})
        return ParsedCode(
            code=code,
            shape=CodeShape.NO_AREA,
            segments={"parts": "|".join(parts)},
        )
    tail = parts[area_index + 1 :]
    if len(tail) < 4:
        return ParsedCode(code=code, shape=CodeShape.OTHER, segments={})
    org = "-".join(tail[1:-2])
    segments: dict[str, str | bool] = {
        "basic_code": "-".join(parts[:area_index]),
        "region_code": parts[area_index],
        "area_suffix": tail[0],
        "org_code": org,
        "sequence": tail[-2],
        "variant": tail[-1],
        "org_regular": _org_is_regular(org),
        "org_check_ok": credit_code_is_valid(org),
    }
    if len(parts) > 6:
        shape = CodeShape.EXTRA_HYPHENS
    elif _is_province(parts[area_index]):
        shape = CodeShape.PROVINCE_AREA
    elif not segments["org_regular"]:
        shape = CodeShape.IRREGULAR_ORG
    else:
        shape = CodeShape.CANONICAL
    return ParsedCode(code=code, shape=shape, segments=segments)
