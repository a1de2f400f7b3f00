"""Seeds and their spread: a comparison of the paper (more pauses help, Mamba like the GPT, a knob's
direction) is judged on several seeds, as mean ± sd, and a direction counts only beyond the spread."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Spread:
    """The values of one measurement over seeds."""
    values: tuple

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def sd(self) -> float:
        """Sample standard deviation (0 for a single seed: one seed shows no spread, see ``above``)."""
        return float(np.std(self.values, ddof=1)) if self.n > 1 else 0.0

    def __str__(self) -> str:
        return f"{self.mean:.3f} ± {self.sd:.3f} (n={self.n})"

    def short(self, fmt: str = "{:.3f}") -> str:
        """mean ± sd in ``fmt`` (a sign format shows on the mean only), for a table cell."""
        return f"{fmt.format(self.mean)} ± {fmt.format(self.sd).lstrip('+')}"


def cell(spreads: dict, key: str, fmt: str = "{:.3f}") -> str:
    """``spreads[key]`` as mean ± sd in ``fmt``, or "-" where the measurement is missing."""
    return spreads[key].short(fmt) if key in spreads else "-"


def spread(values) -> Spread:
    """``Spread`` of finite numbers; a clear error names what is wrong before anything is compared."""
    vals = tuple(float(v) for v in values)
    if not vals:
        raise ValueError("values must hold at least one number")
    if not all(np.isfinite(vals)):
        raise ValueError(f"values must be finite numbers, got {vals}")
    return Spread(vals)


def above(a: Spread, b: Spread, min_seeds: int = 3) -> bool:
    """True when ``a`` exceeds ``b`` beyond their spread: mean(a) - sd(a) > mean(b) + sd(b), with at
    least ``min_seeds`` seeds on each side (fewer seeds cannot show a spread, so they never count)."""
    if a.n < min_seeds or b.n < min_seeds:
        return False
    return a.mean - a.sd > b.mean + b.sd


def ordered(spreads, min_seeds: int = 3) -> bool:
    """True when each Spread of the sequence lies above the one before it, beyond the spread."""
    spreads = list(spreads)
    return all(above(b, a, min_seeds) for a, b in zip(spreads, spreads[1:]))


def at_chance(s: Spread, chance: float) -> bool:
    """Within three times ``chance`` beyond the spread: mean + sd <= 3 chance (a run that "stays at
    chance", as chapter 08 and the claims page read it)."""
    return s.mean + s.sd <= 3 * chance


def close(a: Spread, b: Spread, tol: float = 0.05) -> bool:
    """Means within ``tol`` and neither above the other beyond the spread ("carries over")."""
    return abs(a.mean - b.mean) <= tol and not above(a, b) and not above(b, a)


def as_record(s: Spread) -> dict:
    """A Spread as a chapter record stores it."""
    return {"mean": s.mean, "sd": s.sd, "n": s.n, "values": list(s.values)}


def from_record(r: dict) -> Spread:
    return spread(r["values"])



def least_squares(X, y, level: float = 0.95) -> tuple[np.ndarray, tuple | None]:
    """Coefficients of y ~ X by least squares, and the first coefficient's two-sided ``level`` interval
    (Student t on n - k degrees of freedom; None where no degree of freedom is left)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    dof = len(y) - X.shape[1]
    if dof <= 0:
        return coef, None
    from scipy import stats as st  # only here: the rest of the module needs numpy alone

    resid = y - X @ coef
    half = st.t.ppf(0.5 + level / 2, dof) * np.sqrt(resid @ resid / dof * np.linalg.inv(X.T @ X)[0, 0])
    return coef, (float(coef[0] - half), float(coef[0] + half))


def line_fit(x, y, level: float = 0.95) -> dict:
    """Least squares y = intercept + slope * x, with the slope's two-sided ``level`` interval (Student t on
    n - 2 degrees of freedom; None with two points, where no spread is left to estimate)."""
    x = np.asarray(x, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0:
        raise ValueError(f"line_fit needs at least two distinct x values, got {len(set(x.tolist()))}")
    (slope, intercept), interval = least_squares(np.column_stack([x, np.ones_like(x)]), y, level)
    return {"slope": float(slope), "intercept": float(intercept), "interval": interval, "n": len(x)}
