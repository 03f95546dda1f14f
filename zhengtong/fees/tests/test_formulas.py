"""The one fee formula, worked by hand; money as text. No database."""

import pytest

from zhengtong.core.errors import ApplicationError
from zhengtong.fees.formulas import fee_amount, fen_to_yuan, yuan_to_fen

TIERS = [
    {"up_to": 10, "unit_fen": 500},
    {"up_to": 50, "unit_fen": 300},
    {"up_to": None, "unit_fen": 100},
]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (1, 500),  # 1 × 5元
        (10, 5000),  # 10 × 5元
        (11, 5300),  # 10 × 5元 + 1 × 3元
        (50, 17000),  # 10 × 5元 + 40 × 3元
        (60, 18000),  # 10 × 5元 + 40 × 3元 + 10 × 1元
    ],
)
def test_tiered_fee_charges_each_unit_at_its_bracket(quantity, expected):
    assert fee_amount(method="tiered", quantity=quantity, tiers=TIERS) == expected


def test_tiered_fee_past_the_last_closed_bracket_costs_its_price():
    tiers = [{"up_to": 2, "unit_fen": 1000}, {"up_to": 5, "unit_fen": 700}]
    # 2 × 10元 + 3 × 7元 + 2 × 7元
    assert fee_amount(method="tiered", quantity=7, tiers=tiers) == 5500


def test_per_unit_fee_multiplies_and_fixed_fee_ignores_quantity():
    assert fee_amount(method="per_unit", quantity=37, unit_fen=50) == 1850
    assert fee_amount(method="fixed", quantity=3, amount_fen=1000) == 1000


def test_cap_limits_the_total():
    assert (
        fee_amount(method="per_unit", quantity=100, unit_fen=50, cap_fen=2000) == 2000
    )


@pytest.mark.parametrize(
    "tiers",
    [
        [],
        [{"up_to": None, "unit_fen": 1}, {"up_to": 5, "unit_fen": 1}],
        [{"up_to": 5, "unit_fen": 1}, {"up_to": 5, "unit_fen": 1}],
        [{"up_to": 5, "unit_fen": 1.5}],
        [{"up_to": 5, "unit_fen": -1}],
        ["5"],
    ],
)
def test_bad_tiers_are_refused(tiers):
    with pytest.raises(ApplicationError) as exc:
        fee_amount(method="tiered", quantity=3, tiers=tiers)
    assert exc.value.code == "invalid_input"


@pytest.mark.parametrize("quantity", [0, -1, 2.0, "3", True])
def test_quantity_must_be_a_positive_integer(quantity):
    with pytest.raises(ApplicationError):
        fee_amount(method="per_unit", quantity=quantity, unit_fen=50)


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12", 1200), ("12.5", 1250), ("0.01", 1), ("1,234.56", 123456), ("0", 0)],
)
def test_yuan_text_becomes_fen_without_float(text, fen):
    assert yuan_to_fen(text) == fen
    assert fen_to_yuan(fen) == f"{fen // 100}.{fen % 100:02d}"


@pytest.mark.parametrize(
    "text", ["", "abc", "1.234", "-1", "NaN", "Infinity", "1e3", "１２", "9" * 20]
)
def test_bad_yuan_text_is_refused(text):
    with pytest.raises(ApplicationError) as exc:
        yuan_to_fen(text)
    assert exc.value.code == "invalid_input"
