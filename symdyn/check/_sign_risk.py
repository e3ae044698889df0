"""Finite-n sign risk: when a trial's large-time limit can take the opposite sign.

Near a point where the large-time limit changes sign (the critical ratio of rank-one
denoising), each trial's finite-n amplitude has a random part, so some trials converge to the
opposite sign and the mean over seeds is a *mixture*.  A model reports such a risk through
its ``finite_size`` hook (a :class:`SignRisk`, with its own wording); here the checker decides
which rows are at risk, applies the model's per-trial correction and reports the observed
wrong-sign frequency.  Nothing here knows a model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from ..params import Params
from ._predictions import Predictions
from ._rows import RESOLUTION
from ._stats import fstr as _fstr, wilson
from ..tex import Prose, typeset

if TYPE_CHECKING:  # pragma: no cover
    from ..models.base import Model
    from ..simulate.result import SimulationResult

__all__ = ["SignRisk", "FiniteSizeEffects", "finite_size_effects", "SignReport", "sign_analysis",
           "SIGN_RISK_Z", "SIGN_RISK_SIGMAS"]

#: A row is at sign risk when the expected shift of its mean by wrong-sign trials exceeds this many standard errors.
SIGN_RISK_Z = 0.1
#: A model's sign risk is considered when |amplitude| < SIGN_RISK_SIGMAS * sigma_n.
SIGN_RISK_SIGMAS = 4.0


@runtime_checkable
class SignRisk(Protocol):
    """What a model says about a finite-n sign ambiguity (returned inside :class:`FiniteSizeEffects`).

    Attributes
    ----------
    amplitude : float
        The deterministic signed amplitude whose sign fixes the large-time limit.
    sigma : float
        Predicted standard deviation of a trial's realised amplitude at these sizes.
    predicted_wrong : float
        Predicted probability that a trial's amplitude has the opposite sign.
    extra_key : str
        Key of :attr:`SimulationResult.extra` holding each trial's realised signed amplitude.
    description : str
        One sentence (plain text) saying what the amplitude is and where the formula comes from.
    amplitude_label : str
        What the amplitude is, in a few words (plain text, for axis labels and tables).
    amplitude_latex : str
        Its symbol in LaTeX math (e.g. ``A+B``).
    missing_hint : str
        What to do when the simulation did not record reliable per-trial amplitudes.
    correction_text : str
        How a trial's correction is formed, in one clause (plain text).

    Methods
    -------
    mixture_bias(observable, times) -> ndarray or None
        ``E[f(a_i)] - f(a)`` per time: the bias of the mean over trials caused by the spread
        of the amplitude (``None`` if the model cannot say for this observable).  Reported.
    sign_bias(observable, times) -> ndarray or None
        The part of that bias due to wrong-sign trials, ``P(wrong) (f(a_wrong) - f(a_right))``
        with the conditional mean amplitudes on either side.  A row is at sign risk when it
        or ``mixture_bias`` exceeds ``SIGN_RISK_Z`` standard errors.
    amplitudes(extra) -> ndarray or None
        The trials' realised amplitudes from the simulation's ``extra`` (usually
        ``extra[extra_key]``), or ``None`` when they are missing or not accurate enough.
    correction(observable, times, extra) -> ndarray or None
        ``f(a_i) - f(a)`` per trial and time, shape ``(trials, len(times))``: how far each
        trial's deterministic equivalent moves when its realised amplitude (and whatever
        else of :attr:`SimulationResult.extra` the model uses, e.g. the realised outlier
        location) replaces the limit.  ``extra`` is the simulation's ``extra`` mapping.
    """

    amplitude: float
    sigma: float
    predicted_wrong: float
    extra_key: str
    description: str
    amplitude_label: str
    amplitude_latex: str
    missing_hint: str
    correction_text: str

    def mixture_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None: ...

    def sign_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None: ...

    def amplitudes(self, extra: Mapping[str, np.ndarray]) -> np.ndarray | None: ...

    def correction(self, observable: str, times: Sequence[Any],
                   extra: Mapping[str, np.ndarray]) -> np.ndarray | None: ...


@runtime_checkable
class FiniteSizeEffects(Protocol):
    """The value of ``model.finite_size(params, sizes, dps=...)``: known finite-n effects.

    ``notes`` are caveats reported as they are (plain text); ``sign`` is a
    :class:`SignRisk` or ``None``.
    """

    notes: tuple[str, ...]
    sign: SignRisk | None


def finite_size_effects(model: "Model", params: Params, sizes: Mapping[str, int], *, dps: int = 30) -> Any:
    """Ask the model for its known finite-size effects; ``None`` when it knows of none."""
    effects = model.finite_size(params, sizes, dps=dps)
    if effects is None:
        return None
    if not isinstance(effects, FiniteSizeEffects):
        raise TypeError(f"{model.name}.finite_size returned {type(effects).__name__}, "
                        "not an object with .notes and .sign")
    return effects


@dataclass(frozen=True)
class SignReport:
    """What the checker found about a finite-n sign ambiguity of a model's large-time limit."""

    amplitude: float
    sigma: float
    predicted_wrong: float
    observed_wrong: float | None
    wrong_trials: int | None
    trials: int
    interval: tuple[float, float] | None
    binomial_p: float | None
    amplitude_mean: float | None
    amplitude_sd: float | None
    rows_at_risk: tuple[tuple[str, Any], ...]
    treatment: str
    description: str
    amplitude_label: str = "amplitude"
    amplitude_latex: str = "a"
    extra_key: str = "amplitude"

    @property
    def ratio(self) -> float:
        return abs(self.amplitude) / self.sigma if self.sigma > 0 else math.inf

    def to_json(self) -> dict[str, Any]:
        return {
            "detected": True,
            "amplitude": _fstr(self.amplitude),
            "sigma_n": _fstr(self.sigma),
            "amplitude_over_sigma": _fstr(self.ratio),
            "predicted_wrong_sign": _fstr(self.predicted_wrong),
            "observed_wrong_sign": _fstr(self.observed_wrong),
            "wrong_sign_trials": self.wrong_trials,
            "trials": self.trials,
            "observed_interval_95": None if self.interval is None else [_fstr(v) for v in self.interval],
            "binomial_p": _fstr(self.binomial_p),
            "observed_amplitude_mean": _fstr(self.amplitude_mean),
            "observed_amplitude_sd": _fstr(self.amplitude_sd),
            "rows_at_risk": [{"observable": o, "t": str(t)} for o, t in self.rows_at_risk],
            "treatment": self.treatment,
            "description": self.description,
        }


def sign_analysis(sign: Any, sim: "SimulationResult", predictions: Predictions,
                  observables: Sequence[str]) -> tuple[SignReport, dict, dict, dict, dict]:
    """Rows at risk, amplitude corrections and the wrong-sign frequency."""
    from scipy import stats  # when used: importing scipy.stats takes 0.4 s

    times = predictions.times
    amp = sign.amplitudes(dict(sim.extra)) if sim.extra else None
    amp = None if amp is None else np.asarray(amp, dtype=float).reshape(-1)
    if amp is not None and (amp.size != sim.trials or not np.all(np.isfinite(amp))):
        amp = None
    at_risk: dict[str, np.ndarray] = {}
    flip_risk: dict[str, np.ndarray] = {}
    corrections: dict[str, np.ndarray] = {}
    biases: dict[str, np.ndarray] = {}
    for obs in observables:
        se = sim.stderr(obs)
        se = np.sqrt(np.where(np.isfinite(se), se, 0.0) ** 2
                     + (RESOLUTION * np.maximum(1.0, np.abs(sim.mean(obs)))) ** 2)
        bias = sign.mixture_bias(obs, times)
        if bias is not None:
            biases[obs] = np.asarray(bias, dtype=float)
        shift = sign.sign_bias(obs, times)
        if shift is None and bias is None:
            # the model cannot quantify the effect: every row is at risk when flips are likely at all
            risk = np.full(len(times), sign.predicted_wrong > 0.01)
        else:
            # the mean can move through wrong-sign trials (sign_bias) or through the spread of the
            # amplitude when it is small (mixture_bias, e.g. the energy exactly at the critical ratio)
            risk = np.zeros(len(times), bool)
            for effect in (shift, bias):
                if effect is not None:
                    risk |= ~(np.abs(np.asarray(effect, dtype=float)) <= SIGN_RISK_Z * se)
        at_risk[obs] = risk
        # rows that wrong-sign trials can move (unknown: all rows at risk)
        flip_risk[obs] = risk.copy() if shift is None else \
            risk & ~(np.abs(np.asarray(shift, dtype=float)) <= SIGN_RISK_Z * se)
        if risk.any() and amp is not None:
            corr = sign.correction(obs, times, dict(sim.extra))
            if corr is not None:
                corrections[obs] = np.asarray(corr, dtype=float)
    rows = tuple((o, times[j]) for o in observables for j in range(len(times)) if at_risk[o][j])
    if amp is None:
        observed = wrong = interval = bp = am = asd = None
        head = ("rows that wrong-sign trials can move are excluded from the verdict, the others are tested "
                "as they are: the simulation did not record reliable per-trial amplitudes (")
        treatment = Prose(head + sign.missing_hint + ")", typeset(head) + typeset(sign.missing_hint) + ")") \
            if rows else "no row is at sign risk"
    else:
        s0 = np.sign(sign.amplitude)
        if s0 == 0:  # exactly critical: count trials of negative sign, predicted 1/2
            wrong = int(np.sum(amp < 0))
        else:
            wrong = int(np.sum(np.sign(amp) == -s0))
        observed = wrong / amp.size
        interval = wilson(wrong, amp.size)
        bp = float(stats.binomtest(wrong, amp.size, min(max(sign.predicted_wrong, 1e-300), 1.0)).pvalue)
        am, asd = float(np.mean(amp)), float(np.std(amp, ddof=1)) if amp.size > 1 else None
        if rows:
            missing = [o for o in {o for o, _ in rows} if o not in corrections]
            head = "rows at sign risk are tested twice, on the plain values and on corrected values ("
            tail = ", which removes the sign mixture); such a row is rejected only if both tests reject ("
            plain = head + sign.correction_text + tail + "p = the larger p-value)"
            latex = typeset(head) + typeset(sign.correction_text) + typeset(tail) + "$p$ = the larger $p$-value)"
            if missing:
                plain += "; rows of " + ", ".join(sorted(missing)) + " are excluded (no correction known)"
                latex += typeset("; rows of " + ", ".join(sorted(missing)) + " are excluded (no correction known)")
            treatment = Prose(plain, latex)
        else:
            treatment = ("no row's expected shift from wrong-sign trials or from the amplitude's spread reaches "
                         f"{SIGN_RISK_Z:g} of its standard error: all rows tested as they are")
    report = SignReport(
        amplitude=float(sign.amplitude), sigma=float(sign.sigma), predicted_wrong=float(sign.predicted_wrong),
        observed_wrong=observed, wrong_trials=wrong, trials=sim.trials, interval=interval, binomial_p=bp,
        amplitude_mean=am, amplitude_sd=asd, rows_at_risk=rows, treatment=treatment, description=sign.description,
        amplitude_label=sign.amplitude_label, amplitude_latex=sign.amplitude_latex, extra_key=sign.extra_key,
    )
    return report, at_risk, corrections, biases, flip_risk
