"""Section A: the exact decoupling (the gradient, the layers staying equal polynomials in W^, balancedness)."""

from __future__ import annotations

from ....derive import AllOf, Numeric, Points, Step, Symbolic
from . import routes
from .notation import sd
from .residuals import balancedness_residual, equal_layers_residual, gradient_residual

SECTION = "The exact decoupling"


def steps() -> list[Step]:
    """The section's steps, in order."""
    steps: list[Step] = []
    add = steps.append
    add(Step(
        "gradient", "The gradient of the deep loss",
        r"For $L = \frac12\|W_N\cdots W_1 - \hat W\|_F^2$ and $R = W_N\cdots W_1 - \hat W$, "
        r"$\partial L/\partial W_j = (W_N\cdots W_{j+1})^\top R\,(W_{j-1}\cdots W_1)^\top$.",
        (r"\frac{\partial L}{\partial W_j} = (W_N\cdots W_{j+1})^\top R\,(W_{j-1}\cdots W_1)^\top",),
        Symbolic(gradient_residual),
        section=SECTION,
        remark=r"Checked entrywise for $N = 3$ with generic $2\times 2$ layers and target.",
    ))
    add(Step(
        "equal-layers", "The layers stay equal polynomials in $\\hat W$",
        r"If every layer is the same polynomial $M = p(\hat W)$ of the symmetric target, every gradient equals "
        r"$M^{N-1}(M^N - \hat W)$, so one GD step maps $p$ to $p - \eta p^{N-1}(p^N - \mathrm{id})$: starting "
        r"from $W_j(0) = \alpha I$ all layers stay equal and share the eigenvectors of $\hat W = W^\star + E$ "
        r"(not of $W^\star$). Each eigenvalue $w$ of a layer follows $w \leftarrow w + \eta w^{N-1}(\hat\lambda - w^N)$.",
        (r"W_j(n) = Q\,\mathrm{diag}(w_{i,n})\,Q^\top,\quad w_{i,n+1} = w_{i,n} + \eta\, w_{i,n}^{N-1}"
         r"(\hat\lambda_i - w_{i,n}^N),\quad w_{i,0} = \alpha",),
        AllOf(
            Symbolic(equal_layers_residual),
            Numeric(routes.eigenbasis_check, Points({sd: (0, 1000)}, count=2, label="random symmetric $E$, $3\\times 3$"),
                    loss=10, label=r"three full GD steps minus the recursion on $\mathrm{eig}(W^\star + E)$"),
        ),
        section=SECTION,
        remark=r"The symbolic part uses $M = c_0 I + c_1\hat W$ (every polynomial of a $2\times 2$ matrix has this "
               r"form); the numeric part runs the full $3\times 3$ dynamics in mpmath and also checks that the "
               r"recursion on the eigenvalues of $W^\star$ does \emph{not} reproduce it.",
    ))
    add(Step(
        "balancedness", "Balancedness is conserved by the flow",
        r"Along $W_j' = -\partial L/\partial W_j$, $\frac{d}{dt}(W_{j+1}^\top W_{j+1} - W_j W_j^\top) = 0$.",
        (r"\frac{d}{dt}\left(W_{j+1}^\top W_{j+1} - W_jW_j^\top\right) = 0",),
        Symbolic(balancedness_residual),
        section=SECTION,
    ))
    return steps
