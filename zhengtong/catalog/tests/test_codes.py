"""The implementation-code parser and the GB 32100 credit-code check."""

import json
from collections import Counter
from pathlib import Path

import pytest

from zhengtong.catalog.codes import parse_item_code
from zhengtong.catalog.constants import CodeShape
from zhengtong.catalog.credit import (
    credit_code_check_char,
    credit_code_is_valid,
    credit_code_state,
)

DATA = Path(__file__).resolve().parents[1] / "demo_data"


def guangan_codes() -> list[str]:
    with (DATA / "guangan_511602_catalogue.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["item_code"] for line in handle if line.strip()]


class TestParseRealCatalogue:
    def test_shape_counts_match_the_data_readme(self):
        codes = guangan_codes()
        assert len(codes) == 759
        shapes = Counter(parse_item_code(c).shape for c in codes)
        assert shapes == {
            CodeShape.CANONICAL: 649,
            CodeShape.IRREGULAR_ORG: 82,
            CodeShape.EXTRA_HYPHENS: 26,
            CodeShape.NO_AREA: 1,
            CodeShape.PROVINCE_AREA: 1,
        }

    def test_83_six_part_codes_have_an_irregular_organisation_segment(self):
        """The README's 83 includes the province-area code (its org is 7 chars)."""
        irregular = [
            c
            for c in guangan_codes()
            if len(c.split("-")) == 6
            and parse_item_code(c).segments.get("org_regular") is False
        ]
        assert len(irregular) == 83

    def test_parser_never_alters_the_code(self):
        for code in guangan_codes():
            assert parse_item_code(code).code == code


class TestParseShapes:
    def test_canonical_segments(self):
        parsed = parse_item_code(
            "511Z07001006-511602000000-000-11511301008778183N-1-00"
        )
        assert parsed.shape == CodeShape.CANONICAL
        assert parsed.segments["basic_code"] == "511Z07001006"
        assert parsed.region_code == "511602000000"
        assert parsed.org_code == "11511301008778183N"
        assert parsed.segments["sequence"] == "1"
        assert parsed.segments["variant"] == "00"

    def test_lower_case_check_character_is_irregular(self):
        parsed = parse_item_code(
            "511F0045400001-511602000000-000-11511301452259996u-1-00"
        )
        assert parsed.shape == CodeShape.IRREGULAR_ORG
        assert parsed.org_code == "11511301452259996u"

    def test_nine_digit_organisation_code(self):
        parsed = parse_item_code("512B0053300006-511602000000-000-083372204-1-00")
        assert parsed.shape == CodeShape.IRREGULAR_ORG
        assert parsed.org_code == "083372204"

    def test_extra_hyphens_keep_segments_whole(self):
        parsed = parse_item_code(
            "G-000007-001-511602000000-000-115113010833722043-1-00"
        )
        assert parsed.shape == CodeShape.EXTRA_HYPHENS
        assert parsed.basic_code == "G-000007-001"
        assert parsed.region_code == "511602000000"
        org = parse_item_code("511A0001-511602000000-000-00877868-5-1-00")
        assert org.shape == CodeShape.EXTRA_HYPHENS
        assert org.org_code == "00877868-5"

    def test_no_area(self):
        assert parse_item_code("H-000185-001-4444444444").shape == CodeShape.NO_AREA

    def test_province_area(self):
        parsed = parse_item_code("511A0077700002-510000000000-000-8282348-1-00")
        assert parsed.shape == CodeShape.PROVINCE_AREA
        assert parsed.region_code == "510000000000"

    def test_legacy_31(self):
        parsed = parse_item_code("11450721MB155808114000104002000")
        assert parsed.shape == CodeShape.LEGACY_31
        assert parsed.org_code == "11450721MB15580811"
        assert parsed.basic_code == "000104002000"
        assert parsed.segments["org_check_ok"] is True
        assert parsed.is_national_pattern

    def test_legacy_31_with_non_credit_org(self):
        parsed = parse_item_code("TE45072110000000034450708001W01")
        assert parsed.shape == CodeShape.LEGACY_31
        assert parsed.segments["org_check_ok"] is False

    @pytest.mark.parametrize("code", ["", "abc", "1-2", "一二三-511602000000"])
    def test_other(self, code):
        parsed = parse_item_code(code)
        assert parsed.shape == CodeShape.OTHER
        assert parsed.code == code


class TestCreditCode:
    @pytest.mark.parametrize(
        "code",
        [
            "11511301008778220W",  # 区财政局
            "115113010087783353",  # 区市监局 (digit check)
            "11511301MB0T669970",
            "91110000600037341L",
            "12511300452259013M",
        ],
    )
    def test_valid(self, code):
        assert credit_code_is_valid(code) is True

    @pytest.mark.parametrize(
        "code",
        [
            "11511301452259996u",  # real: lower-case check char
            "11511301452259996V",  # wrong check char
            "1151130000877869M",  # 17 chars
            "083372204",  # 9-digit organisation code
            "3946653276082720768",  # 19 digits
            "11511301O08778220W",  # letter O is not in the charset
            "",
        ],
    )
    def test_invalid(self, code):
        assert credit_code_is_valid(code) is False

    def test_computed_check_character(self):
        body = "91510100MA6C12345"
        code = body + credit_code_check_char(body)
        assert credit_code_is_valid(code) is True
        assert credit_code_check_char("11511301452259996") == "U"
        assert credit_code_check_char("short") is None

    def test_state(self):
        assert credit_code_state("") is None
        assert credit_code_state("11511301008778220W") is True
        assert credit_code_state("11511301452259996u") is False
