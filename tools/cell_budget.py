"""The cell budget: a notebook cell that takes longer than this fails, whatever the cause.

Every chapter is executed by nbclient: by the book build (through jupyter-cache and
myst-nb) and by the test suite. The slowest real cell of the book takes about
15 s on two cores, so the budget, ``COLLAPSE_CELL_BUDGET`` seconds (default 60), leaves
room for a loaded machine while a stall cannot hide.

Why a budget and not only nbclient's ``timeout``: nbclient measures its timeout while
waiting for the kernel's reply, and a stall that happens between cells ends when
that timeout runs out *without an error* (seen with nbclient 0.11, jupyter_client 8
and the Output widget: the next cell started 300 s late and the notebook "passed").
:class:`BudgetedClient` times each cell on the wall clock, from the moment nbclient
starts it until it has its reply and outputs, and raises ``CellTimeoutError`` when a
cell went over the budget, so the build or the test fails and names the cell.
``timeout`` (``_config.yml``, 120 s) stays as the last resort that unblocks a stall.
"""

from __future__ import annotations

import os
import time

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

VARIABLE = "COLLAPSE_CELL_BUDGET"
DEFAULT_BUDGET = 60.0
TIMEOUT = 120
"""nbclient's per-cell timeout (also ``execute.timeout`` in ``_config.yml``): the last resort."""


def budget() -> float:
    """The budget in seconds: ``COLLAPSE_CELL_BUDGET`` if set (a positive number), else 60."""
    text = os.environ.get(VARIABLE, "").strip()
    if not text:
        return DEFAULT_BUDGET
    try:
        value = float(text)
    except ValueError as error:
        raise ValueError(f"{VARIABLE} must be a positive number of seconds, got {text!r}.") from error
    if not value > 0:
        raise ValueError(f"{VARIABLE} must be a positive number of seconds, got {text!r}.")
    return value


class BudgetedClient(NotebookClient):
    """An nbclient ``NotebookClient`` that fails any cell running longer than :func:`budget`.

    ``durations`` records (cell index, wall-clock seconds) for every executed cell.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_seconds = budget()
        self.durations: list[tuple[int, float]] = []

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        start = time.monotonic()
        result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        elapsed = time.monotonic() - start
        if cell.cell_type == "code":
            self.durations.append((cell_index, elapsed))
        if elapsed > self.budget_seconds:
            first_line = (cell.source.strip().splitlines() or [""])[0][:80]
            raise CellTimeoutError(
                f"cell {cell_index} ({first_line!r}) took {elapsed:.1f} s, over the cell budget of "
                f"{self.budget_seconds:g} s ({VARIABLE}); a cell that long, or an execution that stalled "
                f"between cells, fails on purpose.")
        return result


def merge_streams(notebook) -> None:
    """Merge each code cell's stream outputs in place, as the rendered page shows them.

    myst-nb merges the streams of a cell when it renders the page, but it does so by
    changing the first stream output and dropping the others only from its own copy of
    the list: the notebook offered for download kept the later chunks too, so every line
    printed in several chunks appeared twice. Merging here, in the notebook itself,
    makes both the same (myst-nb's merge is then a no-op).
    """
    from myst_nb.core.utils import coalesce_streams

    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("outputs"):
            cell.outputs = coalesce_streams([dict_copy(output) for output in cell.outputs])


def dict_copy(output):
    from nbformat import from_dict

    return from_dict(dict(output))


def execute(nb, cwd=None, km=None, **kwargs):
    """Drop-in for ``nbclient.execute``: run ``nb`` under the budget, then merge its streams."""
    resources = {"metadata": {"path": cwd}} if cwd else {}
    kwargs.setdefault("timeout", TIMEOUT)
    client = BudgetedClient(nb=nb, resources=resources, km=km, **kwargs)
    try:
        return client.execute()
    finally:
        merge_streams(nb)


def install_in_jupyter_cache() -> None:
    """Make jupyter-cache (the executor myst-nb uses) run notebooks with :func:`execute`."""
    import jupyter_cache.executors.utils as executor_utils

    executor_utils.executenb = execute
