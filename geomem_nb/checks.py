"""Argument checks shared by every floor: bad input is refused before any work starts, with an error
that names the parameter and what is allowed. Imports nothing from the package (the ground floor)."""
from __future__ import annotations

import math

import numpy as np


def check_int(name: str, value, minimum: int) -> int:
    """An integer >= ``minimum`` (bools refused), returned as a plain int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_choice(name: str, value, allowed, shown: str | None = None):
    """``value`` if it is one of ``allowed``; ``shown`` replaces the listed choices in the message."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {shown or ', '.join(map(str, allowed))}; got {value!r}")
    return value


def finite_number(name: str, value, minimum: float = 0.0) -> None:
    """A finite number >= ``minimum``, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < minimum:
        raise ValueError(f"{name} must be a finite number >= {minimum:g}, got {value!r}")


def positive_number(name: str, value) -> None:
    """A finite number > 0, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a finite positive number, got {value!r}")
