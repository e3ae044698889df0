"""Theory against finite-size simulation: statistics, verdicts and convergence in n.

``check(model, params, size=..., seeds=..., times=...)`` simulates the actual
finite-size dynamics, evaluates the theory (or takes a user's predictions),
compares them row by row (one row per observable and time, and one per scalar
event of a trial such as a hitting step, ``t = None``) and returns a
:class:`CheckResult` with the evidence and a verdict at a stated false-alarm
rate or tolerance.  Everything here is generic over the
:class:`~symdyn.models.base.Model` interface.  *What* is compared comes from the
model: one prediction per row shared by all trials, or per-trial predictions from
``model.conditional_predictions`` (the theory given each trial's random
instance); model-specific finite-size knowledge enters only through the hook
``model.finite_size`` (see :class:`FiniteSizeEffects`).  *How* it is compared is
a strategy object (:class:`MeanTest` by default, :class:`PairedTest`,
:class:`Tolerance` for deterministic simulators; module ``_comparison``).  The
package's modules: ``_stats`` (p-values, Holm, the power-law fit),
``_predictions``, ``_rows`` (rows, the mean test), ``_comparison``,
``_sign_risk``, ``_convergence``, ``_check``.

The test
--------
Row ``j`` holds the per-trial values ``x_1j, ..., x_Tj`` of ``T`` independent
trials (different seeds).  Its statistic is ``z_j = (mean_j - prediction_j) /
s_j`` with ``s_j`` the standard error of the mean, and its p-value is the
two-sided Student-t tail with ``T - 1`` degrees of freedom.  The verdict is
Holm's step-down procedure at level ``L`` over all tested rows together: the
theory is declared wrong iff some Holm-adjusted p-value is ``<= L``.

Why Holm, and not one global statistic: all rows of one check come from the
same trials, so they are correlated (two overlaps at one time nearly
perfectly, neighbouring times strongly) with a correlation matrix that is not
known.  A global statistic such as Hotelling's ``T^2`` must estimate that
``m x m`` matrix from ``T`` trials: it needs ``T > m`` and it is unstable when
rows are nearly collinear, which is the normal case here (20 seeds, 6-20 rows).
Holm's procedure controls the family-wise error rate at ``L`` under *any*
dependence between the rows (it only uses the per-row p-values), it reports
which rows are at fault, and with independent rows it is nearly exact.  With
strongly correlated rows it is conservative: the measured false-alarm rate is
then below ``L`` (``tests/test_check_statistics.py`` measures both cases).  The
per-row Student-t p-value assumes roughly normal per-trial values; at the sizes
where the deterministic equivalent is meant to hold the fluctuations are
``O(n^(-1/2))`` sums of many weakly dependent terms, and the measured false-alarm
rate of repeated checks of the true theory stays at or below ``L``.

At a spectral phase transition (a model at its threshold, where the
per-trial values are skewed and the deterministic equivalent converges like
``n^(-1/3)``) the false-alarm rate was measured with
``benchmarks/bbp_false_alarms.py`` over 200-400 root seeds: it stays at or
below ``L`` and each row's p-values are uniform (Kolmogorov-Smirnov), with 10
and with 20 trials.  A rejection is nonetheless expected in up to ``L`` of the
checks of a true theory; when its smallest adjusted p-value is above
``L * WEAK_EVIDENCE`` (Holm's adjusted p-values are valid at every level, so a
true theory goes below that in at most ``L/20`` of checks) the verdict says
that the evidence is weak and is to be confirmed with other seeds.

The standard error of a row is inflated by the theory's own error estimate and
by the float64 resolution of the simulation (``resolution``), so that rows
which are deterministic (``t = 0``) do not produce meaningless huge ``z``.

Finite-size sign risk
---------------------
Near a point where the large-time limit changes sign (a model's critical
ratio), each trial's finite-n amplitude (as the model defines it) has a
random part of order ``n^(-1/2)``, so some trials converge to the opposite
sign and the mean over seeds is a *mixture*.  When the model's hook reports
such a risk, every row whose mean the wrong-sign trials, or the spread of the amplitude,
could shift by more than ``SIGN_RISK_Z`` standard errors is treated separately: if the simulation recorded each trial's
realised amplitude and the model can say how a trial's observable depends on
it, the row is also tested on amplitude-corrected values ``x_ij - [f_j(a_i) -
f_j(a)]`` (the deterministic equivalent given the realised amplitude ``a_i``
instead of its limit ``a``), which removes the sign mixture but keeps every
other part of the theory under test.  The row's p-value is the larger of the
plain and the corrected p-values, so it is rejected only if both disagree:
this is valid as soon as either test is (the plain one when the mixture turns
out harmless, the corrected one when the model's description of the
amplitude's effect is accurate), and a wrong theory still fails both.  Without
per-trial amplitudes the row is excluded from the verdict.  The observed wrong-sign frequency is reported next to the predicted
one (with an exact binomial test), for information: the prediction of the
amplitude's spread is only approximate and does not enter the verdict.

Convergence in the size
-----------------------
:func:`convergence` runs a ladder of sizes and fits ``log RMS = a + b log n`` by
weighted least squares, where ``RMS`` is the root mean square over trials and
rows of ``x_ij - prediction_j``, with delta-method standard errors from the
per-trial squared deviations as relative weights.  With three or more sizes the
scale of those errors is estimated from the residuals (the Birge ratio) and the
slope's interval uses Student's t with ``sizes - 2`` degrees of freedom, so that
a 95% interval covers the true slope in 95% of ladders even when the per-size
errors are off by a common factor.  Fluctuations of order
``n^(-1/2)`` give ``b = -1/2`` (the model states its expected slope,
``Model.convergence_slope``); the bias (the part of the deviation that does
not average out) is estimated separately.

>>> import numpy as np, mpmath as mp
>>> rows = compare_rows({"x": [mp.mpf("0.5")]}, {"x": np.array([[0.49], [0.51], [0.50]])}, times=("1",))
>>> rows[0].z, round(rows[0].p, 6)
(0.0, 1.0)
"""

from __future__ import annotations

from ._check import SKEW_CAVEAT, WEAK_EVIDENCE, CheckResult, check, observable_tex
from ._comparison import Comparison, MeanTest, PairedTest, Tolerance, comparison_from_words
from ._convergence import ConvergencePoint, ConvergenceResult, convergence, deviation_point, size_seed
from ._predictions import ConditionalPredictions, Predictions, load_predictions, predictions_from_trajectory
from ._rows import DEFAULT_LEVEL, RESOLUTION, Row, compare_rows
from ._sign_risk import SIGN_RISK_SIGMAS, SIGN_RISK_Z, FiniteSizeEffects, SignReport, SignRisk, finite_size_effects
from ._stats import PowerLawFit, fit_power_law, holm, student_p, wilson

__all__ = [
    "check", "convergence", "compare_rows", "holm", "student_p", "wilson", "fit_power_law",
    "CheckResult", "Row", "SignReport", "ConvergenceResult", "ConvergencePoint", "PowerLawFit",
    "Predictions", "ConditionalPredictions", "load_predictions", "predictions_from_trajectory",
    "Comparison", "MeanTest", "PairedTest", "Tolerance", "comparison_from_words",
    "FiniteSizeEffects", "SignRisk", "finite_size_effects", "size_seed", "deviation_point",
    "DEFAULT_LEVEL", "SIGN_RISK_Z", "SIGN_RISK_SIGMAS", "RESOLUTION", "SKEW_CAVEAT", "WEAK_EVIDENCE",
    "observable_tex",
]
