"""Steps and derivations: ``Step``, ``Derivation``, their verification results and the text table."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..progress import NULL_PROGRESS
from ..tex import Section, document, escape, plain_text
from ._verify import Status, Verification, VerificationResult

__all__ = ["Step", "StepResult", "DerivationResult", "Derivation", "format_table"]


@dataclass(frozen=True)
class Step:
    """One step of a derivation.

    Parameters
    ----------
    key : str
        Identifier (letters, digits, ``-``), unique within the derivation.
    title : str
        Short title (LaTeX-flavoured, like the statement).
    statement : str
        One sentence, LaTeX-flavoured (inline math between ``$``).
    equations : tuple of str
        Bodies of numbered display equations (LaTeX; see :func:`symdyn.tex.equation`).
    verification : Verification
    section : str
        Heading under which the step is grouped.
    remark : str
        Optional further LaTeX prose (how the step follows, caveats).
    stated : bool
        True for a result taken from the theory and only partly checkable here;
        the verification then covers its algebraically checkable parts.
    """

    key: str
    title: str
    statement: str
    equations: tuple[str, ...]
    verification: Verification
    section: str = ""
    remark: str = ""
    stated: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", self.key):
            raise ValueError(f"step key {self.key!r}: use letters, digits and '-'")
        if not self.title.strip() or not self.statement.strip():
            raise ValueError(f"step {self.key}: title and statement must not be empty")
        if isinstance(self.equations, str):
            raise TypeError(f"step {self.key}: equations must be a tuple of strings, not one string")
        if not isinstance(self.verification, Verification):
            raise TypeError(f"step {self.key}: verification must be a Verification strategy")


@dataclass(frozen=True)
class StepResult:
    step: Step
    result: VerificationResult

    @property
    def passed(self) -> bool:
        return self.result.passed

    def to_json(self) -> dict[str, Any]:
        s = self.step
        return {
            "key": s.key,
            "title": s.title,
            "section": s.section,
            "statement": s.statement,
            "statement_text": plain_text(s.statement),
            "latex": list(s.equations),
            "stated": s.stated,
            "verification": self.result.to_json(),
        }


@dataclass(frozen=True)
class DerivationResult:
    """The verification of every (selected) step of a derivation."""

    derivation: "Derivation"
    steps: tuple[StepResult, ...]
    dps: int
    seed: int | str
    seconds: float

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.steps)

    @property
    def failed(self) -> tuple[str, ...]:
        """Keys of the steps that did not pass."""
        return tuple(s.step.key for s in self.steps if not s.passed)

    def __getitem__(self, key: str) -> VerificationResult:
        for s in self.steps:
            if s.step.key == key:
                return s.result
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "derivation": self.derivation.key,
            "title": self.derivation.title,
            "dps": self.dps,
            "seed": str(self.seed),
            "passed": self.passed,
            "failed": list(self.failed),
            "seconds": f"{self.seconds:.3f}",
            "steps": [s.to_json() for s in self.steps],
        }

    def to_latex(self, **options: Any) -> str:
        """The derivation as a LaTeX document with these verification results."""
        return self.derivation.to_latex(self, **options)


@dataclass(frozen=True)
class Derivation:
    """An ordered list of self-verifying steps.

    Parameters
    ----------
    key : str
        Identifier (e.g. the model name).
    title : str
    steps : tuple of Step
    introduction : str
        LaTeX prose opening the document (model, conventions, notation).
    bibliography : str
        BibTeX text of the works cited (``\\cite{key}`` in the prose).
    """

    key: str
    title: str
    steps: tuple[Step, ...]
    introduction: str = ""
    bibliography: str = ""

    def __post_init__(self) -> None:
        keys = [s.key for s in self.steps]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"duplicate step keys: {', '.join(dup)}")
        if not self.steps:
            raise ValueError("a derivation needs at least one step")

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(f"no step {key!r}; steps are " + ", ".join(s.key for s in self.steps))

    def verify(self, *, dps: int = 50, seed: int | str = 0, keys: Iterable[str] | None = None,
               progress: Any = None) -> DerivationResult:
        """Verify the steps (all, or those in *keys*) at *dps* digits.

        Each step draws its random points from ``random.Random(f"{seed}:{key}")``,
        so a step's points do not depend on which other steps run.
        """
        wanted = None if keys is None else list(keys)
        if wanted is not None:
            for k in wanted:
                self.step(k)  # raises KeyError for unknown keys
        steps = [s for s in self.steps if wanted is None or s.key in wanted]
        progress = progress or NULL_PROGRESS
        start = time.perf_counter()
        out = []
        with progress.task(f"verifying {self.key}", total=len(steps)) as task:
            for s in steps:
                out.append(StepResult(s, s.verification.verify(dps=dps, rng=random.Random(f"{seed}:{s.key}"))))
                task.advance()
        return DerivationResult(self, tuple(out), dps, seed, time.perf_counter() - start)

    def sections(self, result: DerivationResult | None = None) -> list[Section]:
        """The steps as LaTeX sections (one subsection per step, grouped by section), each with its
        statement, its numbered equations and how it was verified (if *result* is given).

        The one renderer of a derivation: :meth:`to_latex` and ``symdyn report`` both use it.
        """
        by_key = {s.step.key: s.result for s in result.steps} if result is not None else {}
        groups: dict[str, list[Section]] = {}
        for step in self.steps:
            body = [step.statement.strip()]
            for i, eq in enumerate(step.equations):
                label = f"eq:{step.key}" + (f":{i + 1}" if len(step.equations) > 1 else "")
                body.append("\\begin{equation}\\label{" + label + "}\n" + eq.strip() + "\n\\end{equation}")
            if step.remark:
                body.append(step.remark.strip())
            res = by_key.get(step.key)
            prefix = r"\emph{Stated result.} " if step.stated else ""
            if res is None:
                body.append(prefix + r"\emph{Verification (not run):} " + step.verification.description + ".")
            else:
                body.append(prefix + _latex_verification(res))
            groups.setdefault(step.section or "Steps", []).append(
                Section(step.title, "\n\n".join(body), label=f"step:{step.key}"))
        return [Section(name, "", tuple(subs)) for name, subs in groups.items()]

    @staticmethod
    def summary(result: DerivationResult) -> str:
        """One sentence (LaTeX text): how many steps verified, at which precision and seed."""
        n_ok = sum(s.passed for s in result.steps)
        text = (f"{n_ok} of {len(result.steps)} steps verified at {result.dps} digits "
                f"(seed {escape(str(result.seed))}, {result.seconds:.1f} s).")
        if not result.passed:
            text += " Failed: " + escape(", ".join(result.failed)) + "."
        return text

    def to_latex(self, result: DerivationResult | None = None, *, author: str = "symdyn", date: str = "") -> str:
        """A complete LaTeX document of :meth:`sections`, with the verification summary in the abstract."""
        summary = "" if result is None else "\n\n" + self.summary(result)
        return document(self.title, self.sections(result), author=author, date=date,
                        abstract=(self.introduction.strip() + summary).strip(),
                        bibliography=self.bibliography or None)


def _latex_verification(res: VerificationResult) -> str:
    status = {Status.PASSED: r"\textbf{passed}", Status.FAILED: r"\textbf{FAILED}",
              Status.ERROR: r"\textbf{ERROR}"}[res.status]
    lines = [f"\\emph{{Verification}} ({status}, {res.seconds:.2f}\\,s): {res.description}."]
    parts = res.parts or (res,)
    items = []
    for p in parts:
        items.append(r"\item " + escape(f"{p.method}: {p.evidence}"))
    lines.append("\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}")
    return "\n".join(lines)


def format_table(result: DerivationResult, *, width: int = 100) -> str:
    """A plain-text table of the verification: one row per step, then a summary.

    >>> import sympy as sp
    >>> from symdyn.derive import Symbolic
    >>> x = sp.Symbol("x", positive=True)
    >>> d = Derivation("d", "D", (Step("s", "S", "$x$.", (), Symbolic(x - x)),))
    >>> print(format_table(d.verify(dps=20)).splitlines()[2].split()[:3])
    ['1', 's', 'passed']
    """
    rows = []
    for i, s in enumerate(result.steps, 1):
        rows.append((str(i), s.step.key, str(s.result.status), s.result.method, f"{s.result.seconds:.2f}s",
                     s.result.evidence))
    head = ("#", "step", "status", "method", "time", "evidence")
    widths = [max(len(r[j]) for r in (*rows, head)) for j in range(5)]
    fixed = sum(widths) + 2 * 5
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:5], widths)) + "  " + head[5]]
    lines.append("-" * min(width, fixed + 40))
    for r in rows:
        ev = r[5]
        room = max(20, width - fixed)
        if len(ev) > room:
            ev = ev[: room - 1] + "…"
        lines.append("  ".join(c.ljust(w) for c, w in zip(r[:5], widths)) + "  " + ev)
    n_ok = sum(s.passed for s in result.steps)
    lines.append("")
    verdict = "all steps verified" if result.passed else "FAILED: " + ", ".join(result.failed)
    lines.append(f"{n_ok}/{len(result.steps)} steps passed at {result.dps} digits, seed {result.seed}, "
                 f"{result.seconds:.1f} s: {verdict}")
    return "\n".join(lines)
