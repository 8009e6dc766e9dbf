"""Synthetic budget books: the typesetter used by the tests, the benchmark and ``make sample``.

``budget_book`` typesets a book from a seed JSON in any of several layouts; ``editions`` derives other
editions of a seed (a corrected edition, the next year's) with their totals recomputed.
"""
