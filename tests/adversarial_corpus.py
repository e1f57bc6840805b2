"""The adversarial corpus: bad submissions of the bp assignment, each with the outcome it must get.

Each entry is the complete reference submission with one function replaced by ``code`` (or,
for module-level damage, with ``code`` added at top level). ``item`` must end with ``status``
and ``score`` (``None``: the item's full points), and its student feedback must contain
``says``. Every other item keeps its full points, unless ``others`` says otherwise.

An entry whose outcome rests on Landlock or seccomp says so (``landlock``, ``seccomp``); on a
machine without them it is skipped, and the sandbox section of docs/developers.md says what
holds there instead.

``code`` may name, in braces, real paths of the course that a well-informed attacker would
guess: {reference}, {grader}, {course_file}, {gradebook}, {other_submission}, {course_root},
and {port}, a TCP port on which the test listens.
"""

import hashlib
from dataclasses import dataclass

from autograder.grading.results import CRASHED, ERROR, FAILED, PARTIAL, PASSED, TIMEOUT
from autograder.sandbox.confinement import can_forbid_new_processes, landlock_abi


def supported(landlock=0, seccomp=False):
    """Whether this machine's kernel provides what an entry's outcome rests on (the Landlock ABI, seccomp)."""
    return landlock_abi() >= landlock and (can_forbid_new_processes() or not seccomp)


def fingerprint(*paths):
    """sha256 of every file given or beneath a folder given, by path (Python's bytecode caches left out)."""
    files = (
        p
        for path in paths
        for p in ([path] if path.is_file() else sorted(path.rglob("*")))
        if p.is_file() and "__pycache__" not in p.parts
    )
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@dataclass(frozen=True)
class Entry:
    name: str
    code: str
    status: str
    score: float | None = 0.0
    says: str = ""
    item: str = "delta_gamma"
    others: str = "full"  # "full": every other item gets its full points; "zero": none does; "any": not checked
    landlock: int = 0  # the Landlock ABI the outcome needs (1: files, 4: TCP, 6: signals); skipped on a kernel without it
    seccomp: bool = False  # the outcome needs the seccomp filter (Linux on x86_64 or aarch64)


RIGHT = "-eta * np.asarray(e, dtype=float)"  # Eq. (5.14), what delta_gamma must return

CORPUS = (
    # Time: the per-call limit stops each of these in its first case.
    Entry(
        "loops_forever",
        "def delta_gamma(eta, e):\n    while True:\n        pass",
        TIMEOUT,
        says="delta_gamma did not return within 2 s",
    ),
    Entry(
        "sleeps",
        "def delta_gamma(eta, e):\n    import time\n    time.sleep(3600)",
        TIMEOUT,
        says="delta_gamma did not return within 2 s",
    ),
    Entry(
        "burns_cpu_in_numpy",
        "def delta_gamma(eta, e):\n    a = np.ones((6000, 6000))\n    return (a @ a @ a)[0, : len(e)]",
        TIMEOUT,
        says="delta_gamma did not return within 2 s",
    ),
    # Exceptions of every kind, and deaths.
    Entry(
        "raises_value_error",
        "def delta_gamma(eta, e):\n    raise ValueError('no')",
        ERROR,
        says="your function raised an exception: ValueError",
    ),
    Entry(
        "divides_by_zero",
        "def delta_gamma(eta, e):\n    return 1 / 0",
        ERROR,
        says="ZeroDivisionError",
    ),
    Entry(
        "recurses_forever",
        "def delta_gamma(eta, e):\n    return delta_gamma(eta, e)",
        ERROR,
        says="RecursionError",
    ),
    Entry(
        "raises_system_exit",
        "def delta_gamma(eta, e):\n    raise SystemExit(3)",
        ERROR,
        says="SystemExit",
    ),
    Entry(
        "calls_sys_exit",
        "def delta_gamma(eta, e):\n    import sys\n    sys.exit()",
        ERROR,
        says="SystemExit",
    ),
    Entry(
        "raises_keyboard_interrupt",
        "def delta_gamma(eta, e):\n    raise KeyboardInterrupt",
        ERROR,
        says="KeyboardInterrupt",
    ),
    Entry(
        "calls_os_exit",
        "def delta_gamma(eta, e):\n    import os\n    os._exit(0)",
        CRASHED,
        says="delta_gamma crashed the process running it (exit status 0)",
    ),
    Entry(
        "segfaults",
        "def delta_gamma(eta, e):\n    import ctypes\n    return ctypes.string_at(0)",
        CRASHED,
        says="delta_gamma crashed the process running it (killed by signal SIGSEGV)",
    ),
    Entry(
        "fails_at_import",
        "import tensorflow_not_installed as tf\n\ndef delta_gamma(eta, e):\n    return tf.negative(eta * e)",
        ERROR,
        says="While loading your code: line",
    ),
    Entry("exits_at_import", "import sys\nsys.exit(1)", PASSED, score=None),
    Entry(
        "kills_itself_at_import",
        "import os\nos._exit(1)",
        CRASHED,
        says="delta_gamma was not run: loading your code crashed the process running it (exit status 1)",
        others="zero",
    ),
    # Returns of the wrong kind.
    Entry("returns_none", "def delta_gamma(eta, e):\n    return None", FAILED, says="wrong type"),
    Entry(
        "returns_a_list",
        f"def delta_gamma(eta, e):\n    return list({RIGHT})",
        PASSED,
        score=None,
        says="Note: return a NumPy array",
    ),
    Entry(
        "returns_a_tuple",
        f"def delta_gamma(eta, e):\n    return tuple({RIGHT})",
        PASSED,
        score=None,
        says="Note: return a NumPy array",
    ),
    Entry(
        "returns_a_scalar",
        f"def delta_gamma(eta, e):\n    return float(np.sum({RIGHT}))",
        FAILED,
        says="wrong",
    ),
    Entry(
        "returns_a_0d_array",
        f"def delta_gamma(eta, e):\n    return np.array(np.sum({RIGHT}))",
        FAILED,
        says="wrong",
    ),
    Entry(
        "returns_the_wrong_shape",
        f"def delta_gamma(eta, e):\n    return ({RIGHT}).reshape(1, -1)",
        FAILED,
        says="wrong shape",
    ),
    Entry(
        "returns_a_transpose",
        "def delta_w(eta, g, b):\n    return (eta * np.outer(b, g)).T",
        FAILED,
        item="delta_w",
        says="the result has the wrong shape (transposed?)",
    ),
    Entry(
        "returns_ints",
        f"def delta_gamma(eta, e):\n    return ({RIGHT}).astype(int)",
        FAILED,
        says="values differ",
    ),
    Entry(
        "returns_complex",
        f"def delta_gamma(eta, e):\n    return ({RIGHT}).astype(complex)",
        FAILED,
        says="wrong type",
    ),
    Entry(
        "returns_objects",
        f"def delta_gamma(eta, e):\n    return ({RIGHT}).astype(object)",
        ERROR,
        says="returned a NumPy array of dtype object",
    ),
    Entry(
        "returns_nan",
        "def delta_gamma(eta, e):\n    return np.full(len(e), np.nan)",
        FAILED,
        says="NaN or inf",
    ),
    Entry(
        "returns_inf",
        "def delta_gamma(eta, e):\n    return np.full(len(e), np.inf)",
        FAILED,
        says="NaN or inf",
    ),
    Entry(
        "returns_an_array_that_equals_anything",
        "class Agreeable(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
        "    __ne__ = lambda self, other: False\n\n"
        "def delta_gamma(eta, e):\n    return np.zeros(len(e)).view(Agreeable)",
        ERROR,
        says="returned an object of type Agreeable",
    ),
    Entry(
        "returns_an_object_whose_array_lies",
        "class Liar:\n    def __array__(self, *args, **kwargs):\n        return np.zeros(3)\n    def __float__(self):\n        return 0.0\n\n"
        "def delta_gamma(eta, e):\n    return Liar()",
        ERROR,
        says="returned an object of type Liar",
    ),
    # Output, warnings, memory and processes.
    Entry(
        "prints_100_mb",
        f"PRINTED = []\n\ndef delta_gamma(eta, e):\n    if not PRINTED:\n        print('x' * 100_000_000)\n        PRINTED.append(1)\n    return {RIGHT}",
        PASSED,
        score=None,
    ),
    Entry(
        "writes_to_stderr",
        f"def delta_gamma(eta, e):\n    import sys\n    print('debug', e, file=sys.stderr)\n    return {RIGHT}",
        PASSED,
        score=None,
    ),
    Entry(
        "warns",
        f"def delta_gamma(eta, e):\n    import warnings\n    warnings.warn('careful')\n    return {RIGHT}",
        PASSED,
        score=None,
    ),
    Entry(
        "allocates_80_gb",
        "def delta_gamma(eta, e):\n    return np.ones(10**10)[: len(e)]",
        ERROR,
        says="MemoryError",
    ),
    Entry(
        "grows_until_memory_runs_out",
        "def delta_gamma(eta, e):\n    hoard = []\n    while True:\n        hoard.append(np.empty(10**8))  # address space: touching it all would only be slower",
        ERROR,
        says="MemoryError",
    ),
    Entry(
        "starts_a_thousand_processes",
        "def delta_gamma(eta, e):\n    import os, time\n    for _ in range(1000):  # bounded: a failure of the limits cannot take the machine down\n"
        "        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)",
        ERROR,
        says="PermissionError",
        seccomp=True,
    ),
    Entry(
        "runs_a_program",
        "def delta_gamma(eta, e):\n    import subprocess\n    subprocess.run(['true'])",
        ERROR,
        says="PermissionError",
        seccomp=True,
    ),
    Entry(
        "starts_a_thread",
        f"def delta_gamma(eta, e):\n    import threading\n    threading.Thread(target=print).start()\n    return {RIGHT}",
        ERROR,
        says="RuntimeError",
        seccomp=True,
    ),
    # Files the student must not see or change.
    Entry(
        "reads_the_reference",
        "def delta_gamma(eta, e):\n    return open('{reference}').read()",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "reads_the_grader",
        "def delta_gamma(eta, e):\n    return open('{grader}').read()",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "reads_the_course_file",
        "def delta_gamma(eta, e):\n    return open('{course_file}').read()",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "reads_the_gradebook",
        "def delta_gamma(eta, e):\n    return open('{gradebook}', 'rb').read()",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "reads_another_submission",
        "def delta_gamma(eta, e):\n    return open('{other_submission}').read()",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "lists_the_course",
        "def delta_gamma(eta, e):\n    import os\n    return os.listdir('{course_root}')",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "writes_into_the_course",
        "def delta_gamma(eta, e):\n    open('{course_root}/grades.csv', 'w').write('me,100')",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "deletes_the_gradebook",
        "def delta_gamma(eta, e):\n    import os\n    os.remove('{gradebook}')",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "overwrites_the_reference",
        "def delta_gamma(eta, e):\n    open('{reference}', 'a').write('\\n')",
        ERROR,
        says="PermissionError",
        landlock=1,
    ),
    Entry(
        "writes_its_own_scratch_folder",
        f"def delta_gamma(eta, e):\n    import os, tempfile\n    with open(os.path.join(tempfile.gettempdir(), 'notes.txt'), 'w') as f:\n"
        f"        f.write('allowed')\n    return {RIGHT}",
        PASSED,
        score=None,
    ),
    Entry(
        "connects_to_the_network",
        "def delta_gamma(eta, e):\n    import socket\n    socket.create_connection(('127.0.0.1', {port}), 1)",
        ERROR,
        says="PermissionError",
        landlock=4,
    ),
    Entry(
        "kills_the_grader",
        "def delta_gamma(eta, e):\n    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)",
        ERROR,
        says="PermissionError",
        landlock=6,
    ),
    # Reaching for the kit, patching what the grader might rely on.
    Entry(
        "imports_the_reference",
        "import sys\nsys.path.insert(0, '{repository}')\n\n"
        "def delta_gamma(eta, e):\n    from source_impl.bp import delta_gamma as reference\n    return reference(eta, e)",
        ERROR,
        says="ModuleNotFoundError",
    ),
    Entry(
        "imports_the_grader",
        "def delta_gamma(eta, e):\n    import autograder\n    return autograder",
        ERROR,
        says="ModuleNotFoundError",
    ),
    Entry(
        "patches_numpy",
        "np.allclose = np.array_equal = lambda *args, **kwargs: True\nnp.testing.assert_allclose = lambda *args, **kwargs: None\n\n"
        "def delta_gamma(eta, e):\n    return np.zeros(len(e))",
        FAILED,
        says="values differ",
    ),
    Entry(
        "patches_builtins",
        "import builtins\nbuiltins.isinstance = lambda *args: True\nbuiltins.abs = lambda x: 0\n\ndef delta_gamma(eta, e):\n    return np.zeros(len(e))",
        CRASHED,  # the worker's own code breaks too: the student's loss, no one else's
        says="crashed the process running it",
        others="any",
    ),
    Entry(
        "swaps_modules_in_sys_modules",
        "import sys, types\nsys.modules['pickle'] = types.SimpleNamespace(dumps=lambda *a, **k: b'', loads=lambda *a: None)\n\n"
        "def delta_gamma(eta, e):\n    return np.zeros(len(e))",
        FAILED,
        says="values differ",
    ),
    # State and aliasing.
    Entry(
        "mutates_its_input",
        "def delta_gamma(eta, e):\n    e *= -eta\n    return e",
        PASSED,
        score=None,
        says="changed an argument in place",
    ),
    Entry(
        "keeps_state_between_calls",
        f"CALLS = []\n\ndef delta_gamma(eta, e):\n    CALLS.append(1)\n    return {RIGHT} if len(CALLS) <= 3 else np.zeros(len(e))",
        PARTIAL,
        score=None,
        says="values differ",
    ),
    Entry(
        "returns_the_same_object_twice",
        f"CACHE = []\n\ndef delta_gamma(eta, e):\n    if not CACHE:\n        CACHE.append({RIGHT})\n    return CACHE[0]",
        PARTIAL,
        score=None,
        says="Case 2 failed",
    ),
)
