"""Execute a notebook cell by cell and print what happened as one JSON line (runs inside the sandbox).

Usage: ``python sandbox_runner.py NOTEBOOK CELL_SECONDS``. The kernel is a
fresh ``python3`` kernel in the current folder. A cell that runs longer than
CELL_SECONDS is interrupted and the next cell runs; a dead kernel ends the run.
The last line of stdout is ``@@collapse-grading-run@@`` and a JSON object:
``cells``, a list of {index, seconds, error, message, timeout} and ``notebook``,
the executed notebook with its outputs shortened. The student's code shares
this process's sandbox, so the grader treats all of it as untrusted.
"""

import json
import sys
import time

MARKER = "@@collapse-grading-run@@"
KEEP = {"text/plain", "image/png"}  # outputs kept for the feedback; HTML and scripts are dropped
MAX_TEXT = 20_000
MAX_IMAGE = 2_000_000


def shorten(cell) -> None:
    """Keep small text and image outputs only."""
    outputs = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
            if len(text) > MAX_TEXT:
                output["text"] = text[:MAX_TEXT] + f"\n... ({len(text) - MAX_TEXT} more characters not kept)\n"
        elif kind in ("display_data", "execute_result"):
            data = {key: value for key, value in output.get("data", {}).items() if key in KEEP}
            data = {key: value for key, value in data.items() if len(str(value)) <= MAX_IMAGE}
            if "text/plain" in data and len(str(data["text/plain"])) > MAX_TEXT:
                data["text/plain"] = str(data["text/plain"])[:MAX_TEXT] + " ..."
            output["data"] = data
            output["metadata"] = {}
            if not data:
                continue
        elif kind == "error":
            output["traceback"] = [line[:MAX_TEXT] for line in output.get("traceback", [])[-30:]]
            output["evalue"] = str(output.get("evalue", ""))[:MAX_TEXT]
        outputs.append(output)
    cell["outputs"] = outputs


def main(path: str, cell_seconds: float) -> int:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(notebook, timeout=cell_seconds, allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", startup_timeout=120, resources={"metadata": {"path": "."}})
    cells = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            start = time.monotonic()
            entry = {"index": index, "error": None, "message": "", "timeout": False}
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                entry["timeout"] = True
            except DeadKernelError:
                entry["error"], entry["message"] = "DeadKernelError", "the kernel died (memory, or killed)"
                entry["seconds"] = time.monotonic() - start
                cells.append(entry)
                break
            entry["seconds"] = round(time.monotonic() - start, 3)
            if entry["seconds"] >= cell_seconds:
                entry["timeout"] = True
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and entry["error"] is None:
                    entry["error"] = str(output.get("ename", "Error"))[:100]
                    entry["message"] = str(output.get("evalue", "")).strip()[:200]
            cells.append(entry)
            shorten(cell)
    sys.stdout.flush()
    print("\n" + MARKER + json.dumps({"cells": cells, "notebook": notebook}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
