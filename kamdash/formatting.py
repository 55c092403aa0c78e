"""One way to write numbers and lists for people: money, percentages, counts, 'a, b and c'."""

from __future__ import annotations

import math

CURRENCY_SYMBOL = "€"  # the demo and the sample files are in euros


def money(value: float | None, compact: bool = True) -> str:
    """'€1.2M', '€830k', '€950' (compact) or '€1,234,567' (exact); '–' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    if compact:
        for bound, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if v >= bound:
                number = f"{v / bound:.1f}".removesuffix(".0")
                return f"{sign}{CURRENCY_SYMBOL}{number}{suffix}"
    return f"{sign}{CURRENCY_SYMBOL}{v:,.0f}"


def percent(share: float | None, digits: int = 0) -> str:
    """A share 0..1 as '42%'; '–' for missing."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{share * 100:.{digits}f}%"


def join_words(words, last: str = "and") -> str:
    """'a' / 'a and b' / 'a, b and c' (``last`` joins the final two, e.g. 'or')."""
    words = [str(w) for w in words]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
