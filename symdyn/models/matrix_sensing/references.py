"""BibTeX of the works the matrix-sensing model cites (kept with the model until it is registered)."""

from __future__ import annotations

__all__ = ["BIBTEX"]

BIBTEX = {
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
