"""Execution cannot stall silently, and the downloadable notebooks show each line once.

- A cell over the cell budget fails with a message naming the cell and the budget
  (``tools/cell_budget.py``; the build uses the same client through jupyter-cache).
- The cause of the stalls seen before (nbclient's mimic of the ``Output`` widget
  writing back to the kernel from inside its message loop) is gone: no widget of the
  book, live or precomputed, contains an ``Output`` widget.
- Stream outputs printed in several chunks are merged in the notebook itself.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient.exceptions import CellTimeoutError

import cell_budget
from collapse_lib import (discrete_widgets, gaussian_widgets, language_model_widgets, lexical_widgets,
                          multivariate_widgets, phenomenon_widgets, regression_widgets, strategies_widgets,
                          widgets)

WIDGETS = [phenomenon_widgets.sources_widget, discrete_widgets.zipf_collapse_widget,
           gaussian_widgets.variance_paths_widget, gaussian_widgets.w2_widget,
           gaussian_widgets.generation_one_widget, multivariate_widgets.spectrum_widget,
           strategies_widgets.strategies_widget, regression_widgets.regression_widget,
           language_model_widgets.language_model_widget, lexical_widgets.lexical_widget]


def notebook(*sources: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])


def test_a_cell_over_the_budget_fails_and_names_itself(monkeypatch):
    monkeypatch.setenv(cell_budget.VARIABLE, "0.5")
    nb = notebook("x = 1", "import time\ntime.sleep(1.0)", "y = 2")
    with pytest.raises(CellTimeoutError, match=r"cell 1 \('import time'\) took 1\.\d s, over the cell budget of 0\.5 s"):
        cell_budget.execute(nb, kernel_name="python3")
    # the cell after the slow one never ran
    assert nb.cells[2].get("execution_count") is None


def test_cells_within_the_budget_run_and_are_timed(monkeypatch):
    monkeypatch.setenv(cell_budget.VARIABLE, "30")
    nb = notebook("import time\ntime.sleep(0.2)", "print('done')")
    client = cell_budget.BudgetedClient(nb, kernel_name="python3")
    client.execute()
    seconds = dict(client.durations)
    assert set(seconds) == {0, 1}
    assert 0.2 <= seconds[0] < 30
    assert nb.cells[1].outputs[0]["text"] == "done\n"


@pytest.mark.parametrize("text", ["0", "-3", "soon", "nan"])
def test_a_bad_budget_is_refused(monkeypatch, text):
    monkeypatch.setenv(cell_budget.VARIABLE, text)
    with pytest.raises(ValueError, match=cell_budget.VARIABLE):
        cell_budget.budget()


def test_the_default_budget_is_a_minute(monkeypatch):
    monkeypatch.delenv(cell_budget.VARIABLE, raising=False)
    assert cell_budget.budget() == 60.0


def test_streams_printed_in_chunks_are_merged_in_the_notebook():
    nb = notebook("import sys, time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.05)\n"
                  "print('err', file=sys.stderr, flush=True)\nprint('last')")
    cell_budget.execute(nb, kernel_name="python3")
    outputs = nb.cells[0].outputs
    names = [output["name"] for output in outputs if output["output_type"] == "stream"]
    assert sorted(names) == ["stderr", "stdout"], outputs
    stdout = next(output for output in outputs if output.get("name") == "stdout")
    assert stdout["text"] == "0\n1\n2\nlast\n"


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


@pytest.mark.parametrize("static", [False, True], ids=["live", "precomputed"])
def test_no_widget_of_the_book_uses_an_output_widget(monkeypatch, static):
    import ipywidgets

    monkeypatch.setenv(widgets.STATIC_ENVIRONMENT, "1" if static else "0")
    # the precomputed form is checked on a small grid of the first widget (frames cost time)
    for make in WIDGETS if not static else WIDGETS[:1]:
        box = make()
        kinds = {type(widget).__name__ for widget in walk(box)}
        assert not any(isinstance(widget, ipywidgets.Output) for widget in walk(box)), (make.__name__, kinds)
        assert any(isinstance(widget, ipywidgets.Image) for widget in walk(box)), kinds  # (a subclass is fine)
