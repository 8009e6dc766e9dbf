"""Books with one anomaly each, made from the seed document, to prove that one bad book is held back while the
others publish (tests/test_isolation.py).

Each edition gets its own department (another street office of 荔湾区), so that beside the seed they are not
editions of one another. What each one changes is returned with it, so tests can assert the exact reasons.
"""

from __future__ import annotations

import copy
from decimal import Decimal

STREET = "多宝"


def renamed(seed: dict, street: str) -> dict:
    """The seed as another street office's book (部门名称 …{street}街道办事处)."""
    book = copy.deepcopy(seed)
    book["document"]["department"] = book["document"]["department"].replace(STREET, street)
    return book


def _shift(item: dict, key: str, amount: Decimal) -> str:
    item[key] = f"{Decimal(item[key]) + amount:.2f}"
    return item[key]


def unit_total_off(seed: dict, street: str, amount: Decimal = Decimal("1.00")) -> dict:
    """The first funding unit's 总计 and 财政拨款 printed ``amount`` above the sum of its projects (合计 follows the
    units, so only the unit disagrees with its projects)."""
    book = renamed(seed, street)
    unit = book["units"][0]
    for key in ("total", "fiscal_appropriation"):
        _shift(unit, key, amount)
        _shift(book["document"]["grand_total"], key, amount)
    return book


def grand_total_off(seed: dict, street: str, amount: Decimal = Decimal("0.10")) -> dict:
    """合计 printed ``amount`` above the sum of the units: beyond the rounding tolerance of 4 units (0.02)."""
    book = renamed(seed, street)
    for key in ("total", "fiscal_appropriation"):
        _shift(book["document"]["grand_total"], key, amount)
    return book


def indicator_code(seed: dict, street: str, code: str) -> dict:
    """The first project's first indicator printed with level-2 code ``code`` instead of 11."""
    book = renamed(seed, street)
    book["units"][0]["projects"][0]["indicators"][0]["level2_code"] = code
    return book


def project_total_misprinted(seed: dict, street: str, printed: str) -> dict:
    """The first project's 总计 printed as ``printed`` (its 财政拨款 and every other total as in the seed)."""
    book = renamed(seed, street)
    book["units"][0]["projects"][0]["total"] = printed
    return book


def without_indicators_and_goal(seed: dict, street: str) -> dict:
    """The first project printed without indicators, the second without a goal: properties of the book."""
    book = renamed(seed, street)
    projects = book["units"][0]["projects"]
    projects[0]["indicators"] = []
    projects[1]["goal"] = ""
    return book


def in_yuan(seed: dict, street: str) -> dict:
    """The seed printed in 元 instead of 万元: every amount × 10,000, and 合计 the exact sum of the units (a book
    kept in 元 has no 万元 rounding gap: 34,736,100.00 元, not the seed's 3,473.60 万元)."""
    book = renamed(seed, street)
    book["document"]["amount_unit"] = "元"
    items = []
    for unit in book["units"]:
        items += [unit, *unit["projects"]]
    for item in items:
        for key in ("total", "fiscal_appropriation", "special_account", "other"):
            if item.get(key) is not None:
                item[key] = f"{Decimal(item[key]) * 10000:.2f}"
    grand_total = book["document"]["grand_total"]
    for key in ("total", "fiscal_appropriation"):
        grand_total[key] = f"{sum(Decimal(unit[key]) for unit in book['units']):.2f}"
    return book
