"""symdyn: exact, high-precision and simulation-checked gradient-descent dynamics of
low-rank matrix models.

>>> import symdyn as sd
>>> model = sd.model("rank-one-denoising")
>>> p = model.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
>>> sd.mp_to_decimal(model.boundary("critical-ratio", p, dps=20).value, 20)
'-0.89167368875228944601'
"""

from .errors import (
    CertificationError,
    ConvergenceError,
    ParameterError,
    SymdynError,
    UnsupportedError,
)
from .exact import exact_sign, mp_to_decimal, to_mp
from .models import Model, available_models, model
from .params import Params, parse_number
from .progress import NULL_PROGRESS, Progress
from .laws.bbp import Regime
from .results import Approximation, Boundary, Decay, Estimate, Limit, NumericCheck, Quantity, Trajectory
from .simulate import SimulationResult, Simulator
from .check import CheckResult, check, convergence, load_predictions
from .report import report
from .sweep import sweep
from .derive import Derivation


def latex(obj) -> str:
    r"""LaTeX of a SymPy expression, or a complete document for an object with ``to_latex()``
    (a :class:`~symdyn.derive.Derivation` or its verification result).

    >>> import sympy as sp
    >>> print(latex(sp.sqrt(sp.Symbol("c")) / 2))
    \frac{\sqrt{c}}{2}
    """
    if hasattr(obj, "to_latex"):
        return obj.to_latex()
    from .tex import latex as _latex

    return _latex(obj)


__version__ = "0.1.0"

__all__ = [
    "model", "available_models", "Model", "Params", "parse_number",
    "Trajectory", "Limit", "Quantity", "Boundary", "Approximation", "Estimate", "Decay", "NumericCheck", "Regime",
    "SimulationResult", "Simulator", "Progress", "NULL_PROGRESS",
    "check", "CheckResult", "convergence", "load_predictions", "report", "sweep", "Derivation", "latex",
    "to_mp", "exact_sign", "mp_to_decimal",
    "SymdynError", "ParameterError", "UnsupportedError", "ConvergenceError", "CertificationError",
]
