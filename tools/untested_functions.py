"""List the public functions of collapse_lib that no test names.

    python3 tools/untested_functions.py [--tests DIR]

A function counts as named when some file under tests/ (other than the generic
bad-input net, which calls every function without naming it) contains
``.name(``, ``name(`` after an import, or ``getattr(module, "name")``-style
strings. Widget display functions (``*_widget``, in the lead's hands) are listed
too. Prints the count and the names, module by module.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERIC = {"bad_inputs.py", "test_bad_input.py"}


def public_functions():
    sys.path.insert(0, str(ROOT))
    import collapse_lib

    for module_name in collapse_lib.__all__:
        module = importlib.import_module(f"collapse_lib.{module_name}")
        for name, function in sorted(vars(module).items()):
            if not name.startswith("_") and inspect.isfunction(function) and function.__module__ == module.__name__:
                yield module_name, name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=Path, default=ROOT / "tests")
    options = parser.parse_args()
    text = "\n".join(path.read_text() for path in sorted(options.tests.glob("*.py")) if path.name not in GENERIC)
    functions = list(public_functions())
    missing = [(module, name) for module, name in functions
               if not re.search(rf"(\.|\b){re.escape(name)}\s*\(|[\"']{re.escape(name)}[\"']|\b{re.escape(name)}\b(?=,|\))", text)]
    print(f"{len(missing)} of {len(functions)} public functions are not named in any test:")
    for module, name in missing:
        print(f"  {module}.{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
