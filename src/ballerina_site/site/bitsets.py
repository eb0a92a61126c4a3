"""Bit sets of article numbers (a Python int, one bit per article), as Keep Reading ranks with them:
whole-set ``&`` and ``^`` instead of a loop per candidate (see :mod:`.related`)."""

from __future__ import annotations

from typing import Iterable


def tied_levels(groups: dict[int, int], score: dict[int, float], need: int) -> tuple[list[int], int]:
    """Groups best score first, merged into levels of scores that round alike (tied), until ``need``
    candidates are in; returns the levels (bit sets) and how many candidates they hold.

    Rounding never reverses an order, so by raw score the groups come in rounded-score order, and
    groups whose scores round alike are next to each other."""
    levels: list[int] = []
    last = None
    taken = 0
    for mask in sorted(groups, key=score.__getitem__, reverse=True):
        rounded = round(score[mask], 9)
        if rounded == last:
            levels[-1] |= groups[mask]
        elif taken >= need:
            break
        else:
            levels.append(groups[mask])
            last = rounded
        taken += groups[mask].bit_count()
    return levels, taken


def bit_set(numbers: Iterable[int], size: int) -> int:
    """The int whose bit ``n`` is set for every ``n`` in ``numbers`` (all below ``size``)."""
    flags = bytearray(size // 8 + 1)
    for n in numbers:
        flags[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(flags, "little")


def numbers(bits: int) -> list[int]:
    """The set bits of ``bits``, highest first."""
    numbers = []
    while bits:
        n = bits.bit_length() - 1
        numbers.append(n)
        bits ^= 1 << n
    return numbers
