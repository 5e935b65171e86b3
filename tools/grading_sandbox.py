"""Run a notebook of student code inside a bubblewrap sandbox, with time, CPU and memory limits.

What the sandbox (Debian's ``bubblewrap``, ``bwrap``) isolates:

- files: the sandbox sees only the system (``/usr``, ``/etc`` and the symlinks
  ``/bin``, ``/lib``...), the Python installation and the book's virtual
  environment, all read-only, plus the book's library ``collapse_lib`` and
  ``data/`` (read-only, under ``/opt/book``) and the one notebook being graded
  (read-only). The course folder (source notebooks with the answers, the
  gradebook, ``nbgrader_config.py``, other students' work), the repository, the
  teacher's home and the real ``/tmp`` are not there at all. The only writable
  place is a fresh tmpfs at ``/tmp`` (also ``$HOME``), of limited size, that
  disappears with the sandbox;
- processes: a new PID namespace, so every process the notebook starts, detached
  or not, is killed when grading of that notebook ends; ``--die-with-parent``
  ties the sandbox to the grader; a new session (no terminal to inject into);
- network: a new, empty network namespace (only a loopback, which the kernel
  and its client use);
- privileges: when the grader runs as root, the notebook runs as ``nobody``
  (uid 65534), so the kernel's per-user process limit applies; otherwise in a
  user namespace as the grader's own user, without capabilities;
- limits (``setrlimit``, inherited by every process of the sandbox, each
  counted per process): address space, CPU seconds, size of any file written,
  number of processes (enforced as ``nobody`` only), no core files; and a
  wall-clock limit for the whole notebook, after which the sandbox is killed.

What it does not isolate: CPU and memory are limited per process, not for the
sandbox as a whole (no cgroups), so a notebook that starts many processes can
use several times the memory limit until the wall clock runs out; the system
files under ``/usr`` and ``/etc`` are readable (they hold nothing of the
course); the process sees the machine's CPU count and load.

Where ``bwrap`` is missing or cannot create namespaces, :func:`run` still runs
the notebook, with the same rlimits and in a new session whose process group is
killed at the end, but then student code can read and write everything the
grader can: :func:`available` says so, and the grader warns loudly.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).resolve().parent / "sandbox_runner.py"
INSIDE = "/opt/grading"  # where the runner and the notebook appear in the sandbox
BOOK = "/opt/book"  # where collapse_lib and data appear
NOBODY = 65534


@dataclass
class Limits:
    """Limits for one sandboxed notebook."""

    wall_seconds: float = 600.0  # the whole notebook
    cell_seconds: float = 300.0  # one cell (then the kernel is interrupted and the next cell runs)
    cpu_seconds: int = 900  # per process
    memory_bytes: int = 4 * 1024 ** 3  # address space per process
    file_bytes: int = 64 * 1024 ** 2  # largest file a process may write (the runner's report too)
    tmp_bytes: int = 512 * 1024 ** 2  # the tmpfs /tmp
    processes: int = 512  # processes and threads of the user nobody (root grader only)

    def __post_init__(self):
        for name, value in vars(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")


@dataclass
class Result:
    """What came out of one sandboxed run (stdout is untrusted, size-limited)."""

    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool
    seconds: float
    sandboxed: bool


_AVAILABLE: tuple[bool, str] | None = None


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def _system_binds() -> list[str]:
    """Read-only binds of the system directories, symlinks kept as symlinks (merged /usr)."""
    args: list[str] = []
    for name in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    return args


def _python_binds() -> list[str]:
    """Read-only binds of the Python installation and the virtual environment (same paths inside)."""
    places = {Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    executable = Path(sys.executable)
    places.add(executable.resolve().parent.parent)
    args: list[str] = []
    for place in sorted(places, key=lambda p: len(p.parts)):
        if place == Path("/usr") or any(str(place).startswith(p) for p in ("/usr/", "/etc/")):
            continue
        args += ["--ro-bind", str(place), str(place)]
        if Path(sys.prefix) != Path(sys.prefix).resolve() and place == Path(sys.prefix):
            args += ["--ro-bind", str(place.resolve()), str(place.resolve())]
    return args


def bwrap_command(inner: list[str], binds: dict[str, str], limits: Limits, root: Path = ROOT) -> list[str]:
    """The bwrap command line that runs ``inner`` with the read-only ``binds`` {outside: inside}."""
    bwrap = _bwrap()
    if bwrap is None:
        raise ValueError("bwrap is not installed")
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grading"]
    if os.geteuid() != 0:
        args += ["--unshare-user"]
    mounts = _python_binds()
    for name in ("collapse_lib", "data"):
        if (root / name).is_dir():
            mounts += ["--ro-bind", str(root / name), f"{BOOK}/{name}"]
    for outside, inside in binds.items():
        mounts += ["--ro-bind", outside, inside]
    # bwrap would create the parents of the mount points with the modes of the real ones (/root is 0700):
    # make them plain readable directories first, so that nobody can reach what is mounted
    parents = sorted({str(parent) for inside in mounts[2::3] for parent in Path(inside).parents
                      if str(parent) != "/"}, key=lambda p: p.count("/"))
    # the tmpfs /tmp first: a virtual environment under /tmp (as in CI) is then mounted on top of it, not hidden
    args += _system_binds()
    args += ["--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"]
    for parent in parents:
        if parent != "/tmp":
            args += ["--perms", "0755", "--dir", parent]
    args += mounts + ["--chdir", "/tmp", "--clearenv"]
    environment = {"HOME": "/tmp", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": BOOK,
                   "LANG": "C.UTF-8", "MPLCONFIGDIR": "/tmp/.matplotlib", "OPENBLAS_NUM_THREADS": "1",
                   "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
                   "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": "/tmp/.ipython"}
    for key, value in environment.items():
        args += ["--setenv", key, value]
    if os.geteuid() == 0:
        # bwrap as root keeps no capability for the child but the two needed to become nobody
        args += ["--cap-add", "CAP_SETUID,CAP_SETGID", "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                 "--clear-groups", "--inh-caps=-all", "--"]
    return args + inner


def available() -> tuple[bool, str]:
    """(whether bwrap can sandbox here, a sentence saying why not; empty when it can)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        if _bwrap() is None:
            _AVAILABLE = (False, "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)")
        elif os.geteuid() == 0 and shutil.which("setpriv") is None:
            _AVAILABLE = (False, "setpriv (util-linux) is missing, so the sandbox cannot drop root")
        else:
            command = bwrap_command([sys.executable, "-c", "pass"], {}, Limits())
            try:
                probe = subprocess.run(command, capture_output=True, text=True, timeout=60)
                _AVAILABLE = (probe.returncode == 0, "" if probe.returncode == 0 else
                              f"bwrap cannot create its namespaces here: {probe.stderr.strip()[:200]}")
            except (OSError, subprocess.TimeoutExpired) as error:
                _AVAILABLE = (False, f"bwrap failed to start: {error}")
    return _AVAILABLE


def _limit_self(limits: Limits, sandboxed: bool):
    """The preexec function: rlimits, die with the grader."""
    def apply() -> None:
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the sandbox dies with the grader
        except (OSError, AttributeError):
            pass
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sandboxed and os.geteuid() == 0:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    return apply


def run_notebook(notebook: bytes, limits: Limits | None = None, force_unsandboxed: bool = False,
                 extra_binds: dict[str, str] | None = None) -> Result:
    """Execute the notebook ``notebook`` (its JSON bytes) with :mod:`sandbox_runner`; return its output.

    ``force_unsandboxed`` runs without bwrap even where it works (for tests of
    the fallback). ``extra_binds`` {outside: inside} are more read-only files
    for the sandbox (the grader's own, never a student's). The runner's stdout is read back from a file whose size the
    file-size limit bounds.
    """
    if not isinstance(notebook, bytes):
        raise ValueError(f"notebook must be the bytes of a notebook file, got {type(notebook).__name__}")
    limits = limits or Limits()
    sandboxed = not force_unsandboxed and available()[0]
    with tempfile.TemporaryDirectory(prefix="grading-") as scratch:
        scratch_path = Path(scratch)
        source = scratch_path / "submission.ipynb"
        source.write_bytes(notebook)
        source.chmod(0o644)
        out_path, err_path = scratch_path / "stdout", scratch_path / "stderr"
        runner = [sys.executable, "-B"]
        if sandboxed:
            inner = runner + [f"{INSIDE}/sandbox_runner.py", f"{INSIDE}/submission.ipynb", str(limits.cell_seconds)]
            binds = {str(RUNNER): f"{INSIDE}/sandbox_runner.py", str(source): f"{INSIDE}/submission.ipynb"}
            command = bwrap_command(inner, {**binds, **(extra_binds or {})}, limits)
            cwd, env = scratch, None
        else:
            work = scratch_path / "work"
            work.mkdir()
            command = runner + [str(RUNNER), str(source), str(limits.cell_seconds)]
            cwd = str(work)
            env = {**os.environ, "HOME": str(work), "PYTHONPATH": str(ROOT), "MPLCONFIGDIR": str(work / ".mpl"),
                   "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        start = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd, env=env,
                                       start_new_session=True, preexec_fn=_limit_self(limits, sandboxed))
            timed_out = False
            try:
                process.wait(timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                # the whole session: bwrap (its PID namespace dies with it) or, unsandboxed, the runner's group
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        seconds = time.monotonic() - start

        def tail(path: Path, size: int) -> str:
            with open(path, "rb") as handle:
                handle.seek(max(0, path.stat().st_size - size))
                return handle.read().decode("utf-8", errors="replace")

        return Result(tail(out_path, limits.file_bytes), tail(err_path, 4000), process.returncode,
                      timed_out, seconds, sandboxed)
