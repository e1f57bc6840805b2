"""The worker: runs a student's code in its own process and answers calls over pipes.

This file runs on its own (``python -I -S worker.py NUMPY_DIR REQUEST_FD RESPONSE_FD SOURCE USER REPLY_FD``),
copied into a scratch folder: it imports nothing of the kit, and its import path holds the
standard library and NumPy's folder only, so a submission cannot import the reference or the
grader. The one file of the course it loads is ``params.py``, the students' own copy of the
network's ``Params`` (copied beside it too), which a submission imports as ``params``. Before the submission runs, the worker confines itself (``confinement.py``, copied
beside it): it may read only the standard library, NumPy and the scratch folder, write only
in the scratch folder's tmp/, and start no process. Messages are length-prefixed pickles.
The worker receives inputs only, never the expected values; it sends back plain values
(tuples, lists, arrays, numbers).

It limits its own resources first (memory, file size, open files and, where it runs as a user of
its own, ``USER`` being ``own-user``, processes), before anything else runs in it: the grader
sets no limit between fork and exec, which would be unsafe where the grader runs threads (an
autograde's early gradings).

Protocol: once NumPy is imported and the worker confined, it waits for the grader's first
message, its CPU time limit in seconds (the submission is in place by then); after loading the
source it sends ("loaded", problems, confinement); then for each request (function name,
arguments, stand-in names) it sends one of ("ok", value, mutated argument numbers),
("not_implemented",), ("raised", type name, message), ("missing",) or ("unsendable", what it
returned in words).

The grader may queue several requests before reading their answers; the worker answers them in
order, one at a time. Stand-ins keep a grade to its own equation: while the requested function
runs, each stand-in name (a graded function the grader computes itself) is bound to a function
that asks the grader for its value: it sends ("reference", name, arguments, keyword pairs) and
reads ("value", value) or ("raised", type name, message) on a pipe of their own (REPLY_FD), which
no queued request is in; a stand-in kept past its call raises NameError without asking. The
reference's code never enters this process.
"""

from __future__ import annotations

import ast
import builtins
import copy
import importlib.util
import os
import pickle
import resource
import struct
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import IO, Any  # NumPy imports typing in any case

FORBIDDEN = ("source_impl", "autograder")
MEMORY_LIMIT = 2 * 2**30  # bytes of address space
FILE_SIZE_LIMIT = 2**20  # bytes of one file written
OPEN_FILES_LIMIT = 64
PROCESSES_LIMIT = 64  # counted per user: set only where the worker is a user of its own
OWN_USER, SHARED_USER = "own-user", "grader's-user"  # the worker's USER argument
# a message: its length in 8 bytes, big-endian, then its pickle; sandbox.py frames alike
HEADER = struct.Struct("!Q")


class RefuseKit:
    """Refuses the kit's own packages, even if a path to them were added.

    A meta path finder needs only ``find_spec``: importlib.abc's base class is not imported, as it
    would cost every worker's start the import of importlib.resources.
    """

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> None:
        if name.split(".")[0] in FORBIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def limit_resources(user: str) -> None:
    """This process's limits, set before NumPy is imported and the submission runs; its CPU time it
    limits once the grader says how much."""
    limits = {
        resource.RLIMIT_AS: MEMORY_LIMIT,
        resource.RLIMIT_FSIZE: FILE_SIZE_LIMIT,
        resource.RLIMIT_NOFILE: OPEN_FILES_LIMIT,
        resource.RLIMIT_CORE: 0,
    }
    if user == OWN_USER:
        limits[resource.RLIMIT_NPROC] = PROCESSES_LIMIT
    for which, limit in limits.items():
        resource.setrlimit(which, (limit, limit))


def read_message(stream: IO[bytes]) -> Any:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    return pickle.loads(stream.read(HEADER.unpack(header)[0]))


def framed(message: object) -> bytes:
    """The message as the pipes carry it: its pickle's length, then the pickle."""
    data = pickle.dumps(message, protocol=4)
    return HEADER.pack(len(data)) + data


def write_message(stream: IO[bytes], message: object) -> None:
    stream.write(framed(message))
    stream.flush()


def load(source: str, filename: str) -> tuple[dict[str, Any], list[str]]:
    """Run the source statement by statement, like notebook cells: one failing statement does not stop the rest."""
    namespace: dict[str, Any] = {"__name__": "submission", "__builtins__": __builtins__}
    problems = []
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as error:
        return namespace, [f"syntax error on line {error.lineno}: {error.msg}"]
    for node in tree.body:
        try:
            exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), namespace)
        # the student's module-level code may fail in any way, SystemExit too
        except BaseException as error:
            problems.append(f"line {node.lineno} raised {type(error).__name__}: {error}")
    return namespace, problems


def decode(value: Any, params: ModuleType) -> Any:
    """Values as the student's functions expect them: parameter dicts become Params, also inside tuples."""
    if isinstance(value, dict) and "__params__" in value:
        return params.Params(*value["__params__"])
    if isinstance(value, tuple):
        return tuple(decode(part, params) for part in value)
    return value


def plain(value: Any, numpy: ModuleType) -> Any:
    """The value with only types the grader accepts back; raises TypeError describing any other."""
    if isinstance(value, tuple):
        return tuple(plain(part, numpy) for part in value)
    if isinstance(value, list):
        return [plain(part, numpy) for part in value]
    if type(value) is numpy.ndarray:
        if value.dtype.kind in "biufc":
            return value
        raise TypeError(f"a NumPy array of dtype {value.dtype}")
    if (
        isinstance(value, (bool, int, float, str, type(None)))
        or type(value) in numpy.sctypeDict.values()
    ):
        return value
    raise TypeError(f"an object of type {type(value).__name__}")


def same(before: Any, after: Any, numpy: ModuleType) -> bool:
    if isinstance(before, numpy.ndarray):
        return (
            isinstance(after, numpy.ndarray)
            and before.shape == after.shape
            and numpy.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, tuple):
        return len(before) == len(after) and all(same(b, a, numpy) for b, a in zip(before, after))
    if isinstance(before, numpy.random.Generator):
        return True  # drawing from the generator is its purpose
    return before == after


def stand_in(
    name: str,
    replies: IO[bytes],
    responses: IO[bytes],
    numpy: ModuleType,
    params: ModuleType,
    calling: list[tuple[int, str]],
) -> Callable[..., Any]:
    """A function that asks the grader for the value of the graded function ``name`` on its arguments.

    It stands in only during the call it was made for (``calling`` holds the request's number and
    function, empty between calls): kept and called later, it raises NameError here, as the grader
    would, and sends nothing, as the grader has moved on to the calls after.
    """
    during = calling[0]

    def reference(*args: Any, **keywords: Any) -> Any:
        if calling != [during]:
            now = calling[0][1] if calling else "no function"
            raise NameError(f"{name} does not stand in while {now} is graded")
        write_message(
            responses,
            ("reference", name, plain(args, numpy), plain(tuple(keywords.items()), numpy)),
        )
        answer = read_message(replies)
        if answer is None:  # the grader is gone: nothing left to answer to
            os._exit(0)
        if answer[0] == "value":
            return decode(answer[1], params)
        error = getattr(builtins, answer[1], None)
        raise (error if isinstance(error, type) and issubclass(error, Exception) else RuntimeError)(
            answer[2]
        )

    reference.__name__ = reference.__qualname__ = name
    return reference


def call(
    namespace: dict[str, Any],
    name: str,
    args: tuple[Any, ...],
    stand_ins: dict[str, Callable[..., Any]],
    numpy: ModuleType,
) -> tuple[Any, ...]:
    """Run namespace[name](*args) with each of stand_ins bound to its stand-in, then restore the names."""
    function = namespace.get(name)
    if not callable(function):
        return ("missing",)
    originals = copy.deepcopy(args)
    own = {n: namespace[n] for n in stand_ins if n in namespace}
    namespace.update(stand_ins)
    try:
        result = function(*args)
    except NotImplementedError:
        return ("not_implemented",)
    # the student's code may fail in any way, SystemExit and KeyboardInterrupt too
    except BaseException as error:
        return ("raised", type(error).__name__, str(error)[:500])
    finally:
        for stood_in in stand_ins:
            namespace.pop(stood_in, None)
        namespace.update(own)
    mutated = [
        number
        for number, (a, b) in enumerate(zip(originals, args), start=1)
        if not same(a, b, numpy)
    ]
    try:
        return ("ok", plain(result, numpy), mutated)
    except TypeError as error:
        return ("unsendable", str(error))


def load_beside(name: str, scratch: str) -> ModuleType:
    """A module copied into the scratch folder, loaded by its path (the folder is not on sys.path)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(scratch, f"{name}.py"))
    if spec is None or spec.loader is None:  # a .py path always has both
        raise ImportError(f"cannot load {name}.py from the scratch folder")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def confine(scratch: str, numpy: ModuleType) -> dict[str, object]:
    """Confine this process before the submission runs; say what holds (for the grader's report)."""
    confinement = load_beside("confinement", scratch)
    assert numpy.__file__ is not None  # a package imported from its folder
    numpy_package = os.path.dirname(numpy.__file__)
    # not readable: NumPy is imported already, its submodules are found in its own folder
    site = os.path.dirname(numpy_package)
    # what the standard library's extension modules link to
    system_libraries = [
        "/usr/lib",
        "/lib",
        "/lib64",
    ]
    readable = [p for p in sys.path if p != site] + [
        numpy_package,
        numpy_package + ".libs",
        scratch,
        *system_libraries,
    ]
    abi = confinement.restrict(read=readable, write=[os.path.join(scratch, "tmp")])
    return {"landlock": abi, "no_processes": confinement.forbid_new_processes()}


def main() -> None:
    numpy_dir, request_fd, response_fd, source_path, user, reply_fd = sys.argv[1:7]
    limit_resources(user)
    sys.meta_path.insert(0, RefuseKit())
    sys.path.append(numpy_dir)
    import numpy

    # Done before waiting, while the grader imports its modules: none of it depends on the submission.
    import numpy.random  # noqa: F401  (cases' generators arrive pickled: their module, ready)

    scratch = os.path.dirname(os.path.abspath(__file__))
    # the notebook's `from params import Params` finds the students' own file
    params = sys.modules["params"] = load_beside("params", scratch)
    confinement = confine(scratch, numpy)
    requests, responses = os.fdopen(int(request_fd), "rb"), os.fdopen(int(response_fd), "wb")
    replies = os.fdopen(int(reply_fd), "rb")
    cpu_seconds = read_message(requests)
    if cpu_seconds is None:  # the grader stopped before the submission was ready
        return
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    with open(source_path, encoding="utf-8") as f:
        source = f.read()
    namespace, problems = load(source, "submission.py")
    write_message(responses, ("loaded", problems, confinement))
    # the request being answered, numbered, and its function: its stand-ins answer during it only
    calling: list[tuple[int, str]] = []
    number = 0
    while (request := read_message(requests)) is not None:
        name, args, stand_in_names = request
        number += 1
        calling[:] = [(number, name)]
        stand_ins = {
            n: stand_in(n, replies, responses, numpy, params, calling)
            for n in stand_in_names
            if n != name
        }
        answer = call(namespace, name, decode(tuple(args), params), stand_ins, numpy)
        calling.clear()
        write_message(responses, answer)


if __name__ == "__main__":
    main()
