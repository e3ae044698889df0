"""The bibliography of symdyn: every result a model implements, as BibTeX, in one place.

Models list the keys they implement (``CITATIONS`` in their ``spec.py``); ``symdyn cite``
and the LaTeX documents print these entries.

>>> "Bodin" in ENTRIES["bodin_macris_2021"].bibtex
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Citation", "ENTRIES", "cite"]


@dataclass(frozen=True)
class Citation:
    key: str
    bibtex: str
    note: str = ""


_BIBTEX = {
    "rankone_gd_2026": r"""
@misc{rankone_gd_2026,
  title        = {Gradient Descent Dynamics of Rank-One Matrix Denoising},
  author       = {Anonymous},
  year         = {2026},
  howpublished = {ICLR 2026 conference submission, OpenReview S5oAnaIbgb},
  note         = {Closed-form deterministic equivalents; signed BBP limit; critical ratio}
}""",
    "bodin_macris_2021": r"""
@inproceedings{bodin_macris_2021,
  title     = {Rank-one matrix estimation: analytic time evolution of gradient descent dynamics},
  author    = {Bodin, Antoine and Macris, Nicolas},
  booktitle = {Proceedings of Thirty Fourth Conference on Learning Theory},
  series    = {Proceedings of Machine Learning Research},
  volume    = {134},
  pages     = {635--678},
  year      = {2021},
  note      = {arXiv:2105.12257}
}""",
    "bbp_2005": r"""
@article{bbp_2005,
  title   = {Phase transition of the largest eigenvalue for nonnull complex sample covariance matrices},
  author  = {Baik, Jinho and Ben Arous, G{\'e}rard and P{\'e}ch{\'e}, Sandrine},
  journal = {The Annals of Probability},
  volume  = {33},
  number  = {5},
  pages   = {1643--1697},
  year    = {2005}
}""",
    "bgn_2012": r"""
@article{bgn_2012,
  title   = {The singular values and vectors of low rank perturbations of large rectangular random matrices},
  author  = {Benaych-Georges, Florent and Nadakuditi, Raj Rao},
  journal = {Journal of Multivariate Analysis},
  volume  = {111},
  pages   = {120--135},
  year    = {2012}
}""",
    "marchenko_pastur_1967": r"""
@article{marchenko_pastur_1967,
  title   = {Distribution of eigenvalues for some sets of random matrices},
  author  = {Mar{\v{c}}enko, Vladimir A. and Pastur, Leonid A.},
  journal = {Mathematics of the USSR-Sbornik},
  volume  = {1},
  number  = {4},
  pages   = {457--483},
  year    = {1967}
}""",
    "feral_peche_2007": r"""
@article{feral_peche_2007,
  title   = {The largest eigenvalue of rank one deformation of large {W}igner matrices},
  author  = {F{\'e}ral, Delphine and P{\'e}ch{\'e}, Sandrine},
  journal = {Communications in Mathematical Physics},
  volume  = {272},
  number  = {1},
  pages   = {185--228},
  year    = {2007}
}""",
    "benaych_georges_nadakuditi_2011": r"""
@article{benaych_georges_nadakuditi_2011,
  title   = {The eigenvalues and eigenvectors of finite, low rank perturbations of large random matrices},
  author  = {Benaych-Georges, Florent and Nadakuditi, Raj Rao},
  journal = {Advances in Mathematics},
  volume  = {227},
  number  = {1},
  pages   = {494--521},
  year    = {2011}
}""",
    "wigner_1958": r"""
@article{wigner_1958,
  title   = {On the distribution of the roots of certain symmetric matrices},
  author  = {Wigner, Eugene P.},
  journal = {Annals of Mathematics},
  volume  = {67},
  number  = {2},
  pages   = {325--327},
  year    = {1958}
}""",
    "chou_wang_2026": r"""
@misc{chou_wang_2026,
  title         = {Implicit Regularization in Perturbed Deep Matrix Factorization: Spectral Conditions and Stability},
  author        = {Chou, Hung-Hsu and Wang, Jingzhe},
  year          = {2026},
  eprint        = {2605.28613},
  archivePrefix = {arXiv},
  primaryClass  = {math.OC}
}""",
    "chou_gieshoff_maly_rauhut_2024": r"""
@article{chou_gieshoff_maly_rauhut_2024,
  title   = {Gradient descent for deep matrix factorization: Dynamics and implicit bias towards low rank},
  author  = {Chou, Hung-Hsu and Gieshoff, Carsten and Maly, Johannes and Rauhut, Holger},
  journal = {Applied and Computational Harmonic Analysis},
  year    = {2024},
  note    = {arXiv:2011.13772}
}""",
    "arora_cohen_hu_luo_2019": r"""
@inproceedings{arora_cohen_hu_luo_2019,
  title     = {Implicit Regularization in Deep Matrix Factorization},
  author    = {Arora, Sanjeev and Cohen, Nadav and Hu, Wei and Luo, Yuping},
  booktitle = {Advances in Neural Information Processing Systems 32 (NeurIPS 2019)},
  year      = {2019},
  note      = {arXiv:1905.13655}
}""",
    "jin_et_al_2023": r"""
@inproceedings{jin_et_al_2023,
  title     = {Understanding Incremental Learning of Gradient Descent: A Fine-grained Analysis of Matrix Sensing},
  author    = {Jin, Jikai and Li, Zhiyuan and Lyu, Kaifeng and Du, Simon S. and Lee, Jason D.},
  booktitle = {Proceedings of the 40th International Conference on Machine Learning},
  series    = {Proceedings of Machine Learning Research},
  volume    = {202},
  pages     = {15200--15238},
  year      = {2023},
  note      = {arXiv:2301.11500}
}""",
    "li_luo_lyu_2021": r"""
@inproceedings{li_luo_lyu_2021,
  title     = {Towards Resolving the Implicit Bias of Gradient Descent for Matrix Factorization: Greedy Low-Rank Learning},
  author    = {Li, Zhiyuan and Luo, Yuping and Lyu, Kaifeng},
  booktitle = {International Conference on Learning Representations},
  year      = {2021}
}""",
    "gissin_et_al_2020": r"""
@inproceedings{gissin_et_al_2020,
  title     = {The Implicit Bias of Depth: How Incremental Learning Drives Generalization},
  author    = {Gissin, Daniel and Shalev-Shwartz, Shai and Daniely, Amit},
  booktitle = {International Conference on Learning Representations},
  year      = {2020}
}""",
}

ENTRIES: dict[str, Citation] = {key: Citation(key, text) for key, text in _BIBTEX.items()}


def cite(*keys: str) -> tuple[Citation, ...]:
    """The entries for *keys*, in that order."""
    return tuple(ENTRIES[k] for k in keys)
