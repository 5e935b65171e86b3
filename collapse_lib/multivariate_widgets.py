"""Widget of the chapter *The multivariate Gaussian model*: compute, draw, wire.

:func:`compute_spectrum` simulates the recursion exactly (Bartlett) for 50
chains; :func:`draw_spectrum` shows, in two panels, one chain's
eigenvalues against their almost-sure growth rates gamma_j, and the condition
number over the chains against its rate gamma_1 - gamma_d;
:func:`spectrum_widget` wires sliders for d, M, the number of generations and
the initial covariance's shape to them with
:func:`collapse_lib.widgets.interactive_figure`. One update (compute, draw,
PNG) is kept cheap: two panels, line collections, a fixed layout, the
condition number on at most 41 generations.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import multivariate, schedules, validation
from .widgets import chains_collection, book_widget

CONDITION_POINTS = 40
FIGSIZE = (8.5, 3.8)


class SpectrumView(NamedTuple):
    generations: np.ndarray
    eigenvalues: np.ndarray       # (n + 1, d): one chain's eigenvalues, decreasing
    exponents: np.ndarray         # (d,): gamma_j, the a.s. growth rates of log lambda_j
    condition_generations: np.ndarray  # the generations (at most 41) where the condition number is computed
    log_condition: np.ndarray     # (len, 3): 10 %, 50 %, 90 % quantiles of log cond(Sigma_n) over chains
    log_condition_trend: np.ndarray  # log cond(Sigma) + n (gamma_1 - gamma_d) at those generations
    dim: int
    size: int
    shape: str
    truncated: bool               # generations cut where cond(Sigma_n) may pass 1e24 (double precision)


def compute_spectrum(dim: int = 5, size: int = 20, generations: int = 100, shape: str = "isotropic",
                     estimator: str = "unbiased", n_chains: int = 50, seed: int = 1) -> SpectrumView:
    """Exact-simulator statistics of Sigma_n's spectrum with their almost-sure rates."""
    cov = multivariate.initial_covariance(dim, shape)
    requested = validation.generations(generations, minimum=1)
    generations = min(requested,
                      multivariate.representable_generations(size, cov, estimator, horizon=requested))
    sizes = schedules.constant(size, generations)
    paths = multivariate.simulate_exact(sizes, n_chains, cov, estimator=estimator, rng=seed)
    first_chain = multivariate.Paths(*(array[:, :1] for array in paths))
    # the condition number (one SVD per chain and generation, the costly part) on at most 41 generations
    thinned = np.unique(np.linspace(0, generations, min(generations, CONDITION_POINTS) + 1).astype(int))
    log_condition = multivariate.log_condition(multivariate.Paths(*(array[thinned] for array in paths)))
    exponents = multivariate.lyapunov_exponents(size, dim, estimator)
    return SpectrumView(
        generations=np.arange(generations + 1),
        eigenvalues=multivariate.eigenvalues(first_chain)[:, 0, :],
        exponents=exponents,
        condition_generations=thinned,
        log_condition=np.quantile(log_condition, [0.1, 0.5, 0.9], axis=1).T,
        log_condition_trend=log_condition[0, 0] + thinned * (exponents[0] - exponents[-1]),
        dim=validation.integer(dim, "dim"),
        size=size,
        shape=shape,
        truncated=bool(requested > generations),
    )


def draw_spectrum(figure, data: SpectrumView) -> None:
    """Two panels: one chain's spectrum with its rates, and the log condition number over the chains."""
    left, right = figure.subplots(1, 2)
    n = data.generations
    log10 = np.log10(data.eigenvalues)
    trends = log10[0] + np.outer(n, data.exponents) / np.log(10)
    colours = [f"C{k % 10}" for k in range(data.dim)]
    left.add_collection(chains_collection(n, log10, colors=colours, linewidths=1.2))
    left.add_collection(chains_collection(n, trends, colors=colours, linewidths=1, linestyles="--"))
    low = min(log10.min(), trends.min())
    left.set(xlim=(0, max(n[-1], 1)), ylim=(low - 0.05 * abs(low) - 0.1, max(log10.max(), 0) + 0.3),
             xlabel="generation $n$", ylabel=r"$\log_{10} \lambda_j(\Sigma_n)$",
             title=f"one chain, $d = {data.dim}$, $M = {data.size}$, {data.shape} start")
    left.plot([], [], color="0.3", lw=1.2, label=r"eigenvalues $\lambda_j(\Sigma_n)$")
    left.plot([], [], "--", color="0.3", lw=1, label=r"rates $\gamma_j$ from the start")
    left.legend(fontsize=12, loc="lower left")
    thinned = data.condition_generations
    right.fill_between(thinned, data.log_condition[:, 0], data.log_condition[:, 2], color="C2", alpha=0.3,
                       label="10–90 % of chains")
    right.plot(thinned, data.log_condition[:, 1], color="C2", lw=2, label="median")
    right.plot(thinned, data.log_condition_trend, "--", color="C3", lw=2, label=r"slope $\gamma_1 - \gamma_d$")
    right.set(xlabel="generation $n$", ylabel=r"$\log \operatorname{cond}(\Sigma_n)$",
              title="the spectrum spreads")
    right.legend(fontsize=12, loc="upper left")
    if data.truncated:
        right.text(0.98, 0.03, f"stopped at $n = {n[-1]}$:\nbeyond, cond may pass $10^{{24}}$", transform=right.transAxes,
                   ha="right", fontsize=11)
    for ax in (left, right):
        ax.locator_params(nbins=5)
    figure.subplots_adjust(left=0.09, right=0.99, bottom=0.14, top=0.91, wspace=0.25)


def spectrum_widget():
    """Sliders for d, M, the number of generations and the initial covariance's shape."""
    import ipywidgets as w

    return book_widget(compute_spectrum, draw_spectrum, {
        "dim": w.IntSlider(value=5, min=1, max=10, description="d"),
        "size": w.IntSlider(value=20, min=11, max=500, description="M"),
        "generations": w.IntSlider(value=100, min=10, max=200, step=10, description="generations"),
        "shape": w.Dropdown(options=list(multivariate.SHAPES), value="isotropic", description="Σ₀"),
    }, grid={"size": (11, 15, 20, 50, 100, 500), "dim": (1, 2, 5, 10)}, figsize=FIGSIZE)
