"""collapse_lib: the library behind the book *Model collapse, derived and simulated*.

Modules, each named for what it models:

- :mod:`collapse_lib.validation`: the argument checks shared by every module.
- :mod:`collapse_lib.schedules`: sample-size schedules M_0, M_1, ... for recursive fitting.
- :mod:`collapse_lib.wasserstein`: the Wasserstein-2 distance between normal laws.
- :mod:`collapse_lib.gaussian`: the 1D Gaussian recursion, simulated directly and exactly.
- :mod:`collapse_lib.gaussian_laws`: its closed forms, as numbers (vectorised numpy).
- :mod:`collapse_lib.gaussian_symbolic`: the same closed forms as sympy expressions.
- :mod:`collapse_lib.gaussian_widgets`: compute / draw / wire functions for the chapter's widgets.
- :mod:`collapse_lib.stats`: Monte Carlo summaries with their standard errors.
- :mod:`collapse_lib.widgets`: the wiring shared by every chapter's widgets.
- :mod:`collapse_lib.phenomenon`: the small experiments of *What model collapse is*.
- :mod:`collapse_lib.discrete`, :mod:`collapse_lib.discrete_symbolic`: categorical resampling (Wright-Fisher).
- :mod:`collapse_lib.multivariate`, :mod:`collapse_lib.multivariate_symbolic`: the d-dimensional Gaussian.
- :mod:`collapse_lib.strategies`, :mod:`collapse_lib.strategies_symbolic`: replace, mix or accumulate.
- :mod:`collapse_lib.language_model`, :mod:`collapse_lib.language_model_symbolic`: a next-token model trained on its own text.
- :mod:`collapse_lib.regression`, :mod:`collapse_lib.regression_symbolic`: least squares refitted on its own predictions.
- :mod:`collapse_lib.ngram`, :mod:`collapse_lib.corpus`, :mod:`collapse_lib.lexical`, :mod:`collapse_lib.lexical_symbolic`: n-gram models on real text and its lexical diversity.
- :mod:`collapse_lib.bibliography_style`: the author-year labels of the book's bibliography.
- :mod:`collapse_lib.display`: numbers written as maths ($9.9 \\times 10^{-6}$) for the chapters' prose.
- ``*_widgets``: compute / draw / wire functions of each chapter's widgets.
"""

__all__ = [
    "validation",
    "schedules",
    "wasserstein",
    "gaussian",
    "gaussian_laws",
    "gaussian_symbolic",
    "gaussian_widgets",
    "stats",
    "widgets",
    "phenomenon",
    "phenomenon_widgets",
    "discrete",
    "discrete_symbolic",
    "discrete_widgets",
    "multivariate",
    "multivariate_symbolic",
    "multivariate_widgets",
    "strategies",
    "strategies_symbolic",
    "strategies_widgets",
    "language_model",
    "language_model_symbolic",
    "language_model_widgets",
    "regression",
    "regression_symbolic",
    "regression_widgets",
    "ngram",
    "corpus",
    "lexical",
    "lexical_symbolic",
    "lexical_widgets",
    "bibliography_style",
    "display",
]
