"""Self-check for the chapter 5 assignments: run your function on the public cases.

    selfcheck.check("delta_w", delta_w)   # prints one line: passed, not implemented, or what is wrong

The public cases in public_cases.json are small, fixed and public by design; the graders
use other, hidden cases. Whether a result is right is decided by comparison.py beside this
file, the same comparison the hidden grader uses: a result that passes a case here passes
the same case there. Needs nothing beyond NumPy.

Two gradient checks compare a gradient you derived with centred finite differences of your own loss:

    selfcheck.bp_gradient_check(forward, squared_error, output_gradient, hidden_gradient,
                                delta_w, delta_theta, delta_v, delta_gamma)   # one line per block v, γ, w, θ
    selfcheck.perceptron_gradient_check(perceptron_loss, perceptron_gradient)
"""

import contextlib
import copy
import importlib.util
import io
import json
import os
import signal
import sys
import textwrap
import threading
import types
from collections import namedtuple
from pathlib import Path

import numpy as np

CASES_FILE = Path(__file__).resolve().parent / "public_cases.json"


def _load_beside(name):
    """A course file from this file's own folder: comparison.py (the comparison the hidden grader
    uses too) or params.py (the network's Params, the grader's too).

    Loaded by path, not imported through sys.path: a notebook's kernel, pytest in the assignment
    folder and the course's tests each import this file from somewhere else.
    """
    spec = importlib.util.spec_from_file_location(
        name, Path(__file__).resolve().with_name(f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


comparison = _load_beside("comparison")
Params = _load_beside("params").Params

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented"
LINE_WIDTH = 100  # characters; Validate's dialog is about 110 wide
MARKS = {PASSED: "✓", FAILED: "✗", NOT_IMPLEMENTED: "…"}


def check(name, function, cases_file=CASES_FILE):
    """Print one line saying whether ``function`` gives the expected results for ``name``.

    Under nbgrader's Validate it also raises on anything but a pass, so that Validate lists the
    unfinished functions; elsewhere it never raises, so "Run All" goes on past a failure. While
    nbgrader grades, it does not call the function at all: a warning the function printed would
    make nbgrader zero the graded cell, whose hidden tests grade the notebook on their own.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        print(f"{name}: self-check skipped while grading")
        return
    status, message = report(name, function, cases_file)
    print(f"{MARKS[status]} {name}: {message}")
    if status != PASSED and os.environ.get("NBGRADER_EXECUTION") == "validate":
        raise AssertionError(in_short_lines(f"{name}: {message}"))


def in_short_lines(message):
    """The message as Validate's dialog shows it, which neither wraps it nor grows, below a traceback
    that fills most of its box: the hint first, its Chinese and English halves on lines of their
    own, then the function, the case and what differs; lines of at most LINE_WIDTH characters."""
    problem, _, hint = message.partition(" 提示 Hint: ")
    if not hint:
        return textwrap.fill(problem, LINE_WIDTH, subsequent_indent="  ")
    chinese, _, english = hint.partition(" / ")
    lines = [f"提示 {chinese}", f"Hint: {english}" if english else "", problem]
    return "\n".join(
        textwrap.fill(line, LINE_WIDTH, subsequent_indent="  ") for line in lines if line
    )


def report(name, function, cases_file=CASES_FILE):
    """Return (status, message) for ``function`` on the public cases of ``name``; never raises."""
    spec = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    if name not in spec["functions"]:
        return FAILED, f"no public cases for {name!r} in {Path(cases_file).name}"
    if not callable(function):
        return FAILED, f"{name} is not defined as a function (未定义函数)"
    entry = spec["functions"][name]
    # the top-level one: files of old releases
    tolerance = _tolerance(entry.get("tolerance", spec["tolerance"]))
    note = None
    for number, case in enumerate(entry["cases"], start=1):
        args = [_decode(value) for value in case["args"]]
        originals = copy.deepcopy(args)
        try:
            actual = function(*args)
        except NotImplementedError:
            return NOT_IMPLEMENTED, "尚未完成 / not implemented yet"
        except Exception as error:  # the student's code may fail in any way: say how
            return FAILED, f"case {number} raised {type(error).__name__}: {error}"
        changed = [i for i, (a, b) in enumerate(zip(originals, args), start=1) if not _same(a, b)]
        if changed:
            return FAILED, (
                f"case {number}: argument {changed[0]} was changed in place; "
                "compute a new array instead (请不要原地修改输入)"
            )
        expected = _named(_decode(case["expected"]), entry.get("names"))
        try:
            mismatch = comparison.compare(expected, actual, tolerance)
        # a result no layer foresaw: the grader counts it as a type mismatch too
        except Exception as error:
            return (
                FAILED,
                f"case {number}: the result could not be compared: {type(error).__name__}: {error}",
            )
        if mismatch:
            return (
                FAILED,
                f"case {number}: {mismatch.message}. 提示 Hint: {entry['hint']}{_failing_helpers(name, function, cases_file)}",
            )
        note = note or comparison.container_note(expected, actual)
    count = len(entry["cases"])
    passed = f"通过 passed ({count} public case{'s' if count > 1 else ''})"
    # the value is right: a container note does not fail it
    return (
        PASSED,
        f"{passed} {note}" if note else passed,
    )


def _failing_helpers(name, function, cases_file):
    """A note naming the functions checked here that ``function`` calls and that fail their own self-check.

    The hidden grader puts the reference in their place while it grades ``function``, so their
    mistakes cost only their own points; here they make ``function`` fail too.
    """
    functions = json.loads(Path(cases_file).read_text(encoding="utf-8"))["functions"]
    called = getattr(getattr(function, "__code__", None), "co_names", ())
    namespace = getattr(function, "__globals__", {})
    failing = [
        n
        for n in called
        if n in functions and n != name and report(n, namespace.get(n), cases_file)[0] != PASSED
    ]
    if not failing:
        return ""
    names = ", ".join(dict.fromkeys(failing))
    return (
        f" （它调用的 {names} 没有通过自检：请先改正；评分时这里用的是参考实现的 {names}）"
        f"(it calls your {names}, which fails its own self-check: fix that first; the grader uses the reference's here)"
    )


def run_capstone(body, cases_file=CASES_FILE, *, graded_on=False):
    """Run a capstone cell's body; if a function it needs is unfinished or fails, say which instead of failing.

    First, above the result, name the graded functions it uses, directly or through the notebook's
    other functions, that fail their self-check: the result is not to be trusted then.

    graded_on : True for a capstone whose output a person grades answers on (exercise 5.5's): it runs
        while nbgrader autogrades too, on the student's functions, stopped after course.yaml's
        timeouts.capstone_seconds; the others are skipped while nbgrader grades or validates.
    """
    execution = os.environ.get("NBGRADER_EXECUTION")
    if execution == "validate" or (execution == "autograde" and not graded_on):
        print("(skipped while nbgrader grades or validates)")
        return None
    seconds = _capstone_seconds() if execution == "autograde" else None
    if seconds == 0:
        print(f"(not run while nbgrader grades: {CAPSTONE_SECONDS} is 0)")
        return None
    if execution == "autograde" and hasattr(os, "fork"):
        return _run_in_child(body, cases_file, seconds)
    return _run_here(body, cases_file, seconds)


def _run_here(body, cases_file, seconds):
    """run_capstone's work in this process: the warning, then the body within ``seconds`` (None: no limit)."""
    namespace = getattr(body, "__globals__", {})
    try:
        # the self-checks run the student's functions too: within the limit
        with _stopped_after(seconds):
            _warn_of_failing_functions(body, namespace, cases_file)
            return body()
    except NotImplementedError:
        print(_unfinished_message(sys.exc_info()[2]))
    except CapstoneTimeLimit:
        print(_stop_line(seconds, _innermost_of(sys.exc_info()[2], namespace)))
    except Exception as error:  # the student's code may fail in any way: say how, in one line
        where = _innermost_of(sys.exc_info()[2], namespace)
        who = (
            f"：{where} 出错 / the capstone stopped: {where} raised"
            if where
            else " / the capstone stopped:"
        )
        line = f"✗ 综合练习中断{who} {type(error).__name__}: {error}".replace("\n", " ")
        print(line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…")
    return None


def _stop_line(seconds, where):
    """The line that says a capstone was stopped at its time limit, in the notebook's function ``where`` (or None)."""
    return _bilingual(
        f"⏱ 已停止：运行超过 course.yaml 的 timeouts.capstone_seconds（{seconds:g} 秒）"
        f"{f'，当时在运行 {where}' if where else ''}；笔记本继续运行",
        f"stopped: this capstone ran past course.yaml's timeouts.capstone_seconds ({seconds:g} s)"
        f"{f', in {where}' if where else ''}; the notebook goes on",
    )


def _warn_of_failing_functions(body, namespace, cases_file):
    """Print which graded functions ``body`` uses that fail their self-check, if any."""
    failing = [
        name
        for name in _graded_functions_used(body, cases_file)
        if report(name, namespace.get(name), cases_file)[0] == FAILED
    ]
    if failing:
        names = ", ".join(failing)
        fail = "fails its self-check" if len(failing) == 1 else "fail their self-checks"
        print(
            _bilingual(
                f"⚠ 下面的结果用到了你的 {names}，没有通过自检：结果不可信",
                f"the result below uses your {names}, which {fail}: do not trust it",
            )
        )


# While nbgrader autogrades, the kernel's environment carries course.yaml's timeouts.capstone_seconds
# (the kit's confined_kernel.py sets it): the kernel cannot read course.yaml itself.
CAPSTONE_SECONDS = "AUTOGRADER_CAPSTONE_SECONDS"
# a child that outlasts its limit by this much (its own alarm blocked or caught) is ended from outside
CHILD_GRACE_SECONDS = 2
# what a capstone's child may print, and how many figures it may show (nbgrader keeps 100,000 characters a cell)
CAPSTONE_OUTPUT_BYTES = 100_000
CAPSTONE_FIGURES = 5


def _run_in_child(body, cases_file, seconds):
    """Run a capstone in a child of the kernel while nbgrader grades: what it prints and draws comes
    back; a student's function that ends its process, or that outlasts ``seconds`` and its grace,
    ends only the child, and the kernel goes on grading the notebook."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="capstone-"))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child uses nothing of the kernel's (its sockets, its output streams)
        os.close(read_end)
        status = 1
        try:
            sys.stdout = sys.stderr = os.fdopen(
                write_end, "w", buffering=1, encoding="utf-8", errors="replace"
            )
            _run_here(body, cases_file, seconds)
            _save_figures(folder)
            sys.stdout.flush()
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    printed, outlasted = _read_until_closed(
        read_end, None if seconds is None else seconds + CHILD_GRACE_SECONDS
    )
    if outlasted:
        os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    sys.stdout.write(printed)
    if outlasted:
        print(_stop_line(seconds, None))
    elif wait_status:
        code = os.waitstatus_to_exitcode(wait_status)  # a signal's number, negated
        print(
            _bilingual(
                f"✗ 综合练习中断：你的函数结束了运行它的进程（退出码 {code}）",
                f"the capstone stopped: your functions ended the process running it (exit code {code})",
            )
        )
    _show_figures(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _read_until_closed(descriptor, seconds):
    """(the text written to the pipe until its writer closed it, whether ``seconds`` passed first).

    Past CAPSTONE_OUTPUT_BYTES the rest is read and dropped, with a line saying so: a capstone that
    prints without end fills neither the kernel's memory nor the notebook."""
    import select
    import time

    deadline = None if seconds is None else time.monotonic() + seconds
    kept, dropped, outlasted = bytearray(), 0, False
    with os.fdopen(descriptor, "rb") as pipe:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                outlasted = True
                break
            if not select.select([pipe], [], [], left)[0]:
                continue
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            room = max(CAPSTONE_OUTPUT_BYTES - len(kept), 0)
            kept += chunk[:room]
            dropped += len(chunk) - min(len(chunk), room)
    text = kept.decode(errors="replace")
    if dropped:
        text += f"\n[输出过长，其余 {dropped} 字节未显示 / output cut: {dropped} more bytes not shown]\n"
    return text, outlasted


def _save_figures(folder):
    """Save the figures the capstone drew, in order, as PNG files in ``folder``: in 256 colours, which a
    line plot shows alike at a third of the size, within what nbgrader keeps of a cell's output."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    from PIL import Image

    for number in pyplot.get_fignums()[:CAPSTONE_FIGURES]:
        drawn = io.BytesIO()
        pyplot.figure(number).savefig(drawn, format="png", bbox_inches="tight")
        drawn.seek(0)
        Image.open(drawn).convert("RGB").quantize(256).save(
            folder / f"{number:04d}.png", optimize=True
        )
    pyplot.close("all")


def _show_figures(folder):
    """Show, in the cell's output, the figures a capstone's child saved in ``folder``."""
    pngs = sorted(folder.glob("*.png"))
    if pngs:
        from IPython.display import Image, display

        for png in pngs:
            display(Image(data=png.read_bytes(), format="png"))


class CapstoneTimeLimit(BaseException):
    """Raised in a capstone past its time limit; not an Exception, so a student's ``except Exception`` lets it by."""


def _capstone_seconds():
    """course.yaml's timeouts.capstone_seconds from the environment (0: not run); None (no limit) where it is not set."""
    try:
        seconds = float(os.environ[CAPSTONE_SECONDS])
    except (KeyError, ValueError):
        return None
    return max(seconds, 0.0)


@contextlib.contextmanager
def _stopped_after(seconds):
    """Raise CapstoneTimeLimit in the block after ``seconds`` of wall time (SIGALRM, in the kernel's
    main thread, where a cell runs); no limit for None, off the main thread or without setitimer."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def stop(signum, frame):
        raise CapstoneTimeLimit(seconds)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _innermost_of(traceback, namespace):
    """The name of the innermost function of the notebook (defined in ``namespace``) on the traceback; None if none is."""
    name = None
    while traceback is not None:
        frame = traceback.tb_frame
        if frame.f_globals is namespace and frame.f_code.co_name != "<module>":
            name = frame.f_code.co_name
        traceback = traceback.tb_next
    return name


def _graded_functions_used(body, cases_file):
    """The names of the graded functions that ``body`` calls, directly or through the notebook's functions."""
    try:
        graded = json.loads(Path(cases_file).read_text(encoding="utf-8"))["functions"]
    # no public cases beside this file: nothing to say, the capstone still runs
    except (
        OSError,
        ValueError,
        KeyError,
    ):
        return []
    namespace = getattr(body, "__globals__", {})
    used, seen, codes = [], set(), [getattr(body, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is None or code in seen:
            continue
        seen.add(code)
        # lambdas, comprehensions
        codes += [constant for constant in code.co_consts if isinstance(constant, types.CodeType)]
        for name in code.co_names:
            if name in graded and name not in used:
                used.append(name)
            value = namespace.get(name)
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace:
                codes.append(value.__code__)
    return used


def _nbgrader_is_running():
    """True while nbgrader grades or validates: a warning printed then would zero a graded cell."""
    return os.environ.get("NBGRADER_EXECUTION") in ("autograde", "validate")


def _unfinished_message(traceback):
    """Which function raised NotImplementedError: the innermost frame, the stub itself."""
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    name = traceback.tb_frame.f_code.co_name
    return f"… 这一部分需要先完成 {name} / This part needs {name}, which is not implemented yet."


# Gradient checks: your analytic gradient against centred finite differences of YOUR OWN loss.
# They hold no forward pass and no gradient formula: they only compare two sets of numbers.

GRADIENT_STEP = (
    1e-5  # centred differences err by ~h² (curvature) and ~1e-16/h (rounding): both far below 1e-7
)
AGREES_BELOW = 1e-7  # relative errors
SUSPICIOUS_UP_TO = 1e-3
INDENT = "    "
# the learning rate the BP check hands your Δ functions, and divides out again: ∂E_k/∂p = −Δp/η (5.6)
CHECK_ETA = 0.1
GRADIENT_CHECK_SKIPPED = "(梯度检验在 nbgrader 评分或验证时跳过 / gradient check skipped while nbgrader grades or validates)"

# sign_note and hint: (Chinese, English)
BlockNotes = namedtuple("BlockNotes", "label sign_note hint")
_OUTPUT_LAYER_HINT = ("链式法则的每个因子都在吗？", "is every factor of the chain rule there?")
_HIDDEN_LAYER_HINT = (
    "因子都在吗？对每个输出 j 求和了吗？",
    "is every factor there, summed over every output j?",
)
BP_BLOCKS = {
    "v": BlockNotes(
        "∂E/∂v", ("g、e 是负梯度", "g and e are negative gradients"), _HIDDEN_LAYER_HINT
    ),
    "gamma": BlockNotes("∂E/∂γ", ("阈值是减去的", "thresholds are subtracted"), _HIDDEN_LAYER_HINT),
    "w": BlockNotes(
        "∂E/∂w", ("g、e 是负梯度", "g and e are negative gradients"), _OUTPUT_LAYER_HINT
    ),
    "theta": BlockNotes("∂E/∂θ", ("阈值是减去的", "thresholds are subtracted"), _OUTPUT_LAYER_HINT),
}
PERCEPTRON_BLOCK = BlockNotes(
    "∂L/∂ŵ",
    ("梯度指向 L 增大的方向", "the gradient points where L grows"),
    ("对哪些点求和？", "which points does the sum run over?"),
)


def bp_gradient_check(
    forward,
    squared_error,
    output_gradient,
    hidden_gradient,
    delta_w,
    delta_theta,
    delta_v,
    delta_gamma,
    seed=0,
):
    """Print, per block v, γ, w, θ, how far −Δ/η from your updates is from finite differences of your E_k.

    Every Δ is −η times a partial derivative of E_k (5.6), so −Δp/η is your ∂E_k/∂p. The network is
    small and random (``numpy.random.default_rng(seed)``): d=3 inputs, q=4 hidden, l=2 outputs, every
    weight and threshold in (−1, 1), so that no sigmoid saturates; one sample x (d,) and y (l,) in
    (0, 1). E_k is ``squared_error(forward(x, *params)[1], y)``; the Δ's, with η = CHECK_ETA, are of
    the g and e of that forward pass: YOUR functions throughout.

    Parameters
    ----------
    forward : your forward(x, v, gamma, w, theta) -> (b (q,), y_hat (l,))
    squared_error : your squared_error(y_hat (l,), y (l,)) -> E_k, one number
    output_gradient : your output_gradient(y_hat (l,), y (l,)) -> g (l,)
    hidden_gradient : your hidden_gradient(b (q,), w (q, l), g (l,)) -> e (q,)
    delta_w, delta_theta : your delta_w(eta, g, b) -> (q, l) and delta_theta(eta, g) -> (l,)
    delta_v, delta_gamma : your delta_v(eta, e, x) -> (d, q) and delta_gamma(eta, e) -> (q,)
    seed : int

    Returns
    -------
    dict {"v", "gamma", "w", "theta": relative error, or None where it could not be computed},
    or None when the check could not run (it says which function is unfinished or failed)
    """
    if _nbgrader_is_running():
        print(GRADIENT_CHECK_SKIPPED)
        return None
    rng = np.random.default_rng(seed)
    d, q, l = 3, 4, 2
    params = Params(*(rng.uniform(-1, 1, shape) for shape in ((d, q), q, (q, l), l)))
    x, y = rng.uniform(-1, 1, d), rng.uniform(0.1, 0.9, l)

    def error_with(name, block):
        y_hat = forward(x.copy(), *(part.copy() for part in params._replace(**{name: block})))[1]
        return _one_number(squared_error(y_hat, y.copy()), "squared_error")

    def updates():
        b, y_hat = forward(x.copy(), *(part.copy() for part in params))
        g = output_gradient(y_hat, y.copy())
        e = hidden_gradient(b, params.w.copy(), g)
        return {
            "v": delta_v(CHECK_ETA, e, x.copy()),
            "gamma": delta_gamma(CHECK_ETA, e),
            "w": delta_w(CHECK_ETA, g, b),
            "theta": delta_theta(CHECK_ETA, g),
        }

    def compute():
        numerical = {
            name: _numerical_gradient(lambda block, name=name: error_with(name, block), part)
            for name, part in params._asdict().items()
        }
        return numerical, updates()

    print(
        _bilingual(
            f"BP 梯度检验（seed {seed}，d={d} q={q} l={l}，η={CHECK_ETA}）：你的 −Δ/η 对比你的 E_k 的中心差分",
            f"BP gradient check (seed {seed}, d={d} q={q} l={l}, η={CHECK_ETA}): your −Δ/η "
            "vs centred differences of your E_k",
        )
    )
    functions = (forward, squared_error, output_gradient, hidden_gradient)
    computed = _call_student(compute, functions + (delta_w, delta_theta, delta_v, delta_gamma))
    if computed is None:
        return None
    numerical, deltas = computed
    errors = {}
    for name, notes in BP_BLOCKS.items():
        analytic = _gradient_from_update(deltas[name])
        errors[name], mark, explanation = _verdict(analytic, numerical[name], notes)
        print(_block_line(mark, notes.label, numerical[name].shape, errors[name], explanation))
    return errors


def _gradient_from_update(delta):
    """−Δ/η, the partial derivative an update Δ = −η ∂E_k/∂p stands for (5.6); anything but numbers as it came,
    for the verdict to name."""
    try:
        array = np.asarray(delta)
    except (TypeError, ValueError):  # ragged nested lists
        return delta
    if array.dtype.kind not in comparison.REAL_KINDS:
        return delta
    return -array.astype(float) / CHECK_ETA


def perceptron_gradient_check(perceptron_loss, perceptron_gradient, seed=0):
    """Print how far your ``perceptron_gradient`` is from finite differences of your ``perceptron_loss``.

    The data set is small and random (``numpy.random.default_rng(seed)``): m=8 samples of n=2
    features with the constant 1 appended, X_hat (8, 3); a random ŵ (3,) misclassifies some
    samples and not others; no sample lies within 1e-3 of the hyperplane. L is piecewise linear in
    ŵ, so there the finite difference equals the gradient.

    Parameters
    ----------
    perceptron_loss : your perceptron_loss(w_hat (n+1,), X_hat (m, n+1), y (m,)) -> L, one number
    perceptron_gradient : your perceptron_gradient(w_hat (n+1,), X_hat (m, n+1), y (m,)) -> (n+1,)
    seed : int

    Returns
    -------
    dict {"w_hat": relative error, or None if it could not be computed},
    or None when the check could not run (it says which function is unfinished or failed)
    """
    if _nbgrader_is_running():
        print(GRADIENT_CHECK_SKIPPED)
        return None
    w_hat, X_hat, y = _small_perceptron_problem(np.random.default_rng(seed))

    def numerical_on(rows):
        def loss_of(w):
            return _one_number(
                perceptron_loss(w, X_hat[rows].copy(), y[rows].copy()), "perceptron_loss"
            )

        return _numerical_gradient(loss_of, w_hat)

    def compute():
        return numerical_on(slice(None)), perceptron_gradient(w_hat.copy(), X_hat.copy(), y.copy())

    def counted_outside_M():
        """Numbers (from 1) of the samples whose own loss is flat in ŵ but whose own gradient is not 0."""
        samples = range(len(y))
        own_gradients = [
            np.asarray(perceptron_gradient(w_hat.copy(), X_hat[[i]], y[[i]]), dtype=float)
            for i in samples
        ]
        return [
            i + 1 for i in samples if np.any(own_gradients[i]) and not np.any(numerical_on([i]))
        ]

    print(
        _bilingual(
            f"感知机梯度检验（seed {seed}，m={len(y)}）：L 分段线性，样本都离超平面足够远，中心差分就等于梯度",
            f"perceptron gradient check (seed {seed}, m={len(y)}): L is piecewise linear and no sample is near "
            "the hyperplane, so the centred difference equals the gradient",
        )
    )
    computed = _call_student(compute, (perceptron_loss, perceptron_gradient))
    if computed is None:
        return None
    numerical, analytic = computed
    error, mark, explanation = _verdict(analytic, numerical, PERCEPTRON_BLOCK)
    if error is not None and error > SUSPICIOUS_UP_TO:
        counted = _call_student(counted_outside_M, (perceptron_loss, perceptron_gradient))
        if counted is None:
            return None
        if counted:
            numbers = ", ".join(map(str, counted))
            explanation = (
                f"样本 {numbers} 分类正确（它们的损失与 ŵ 无关），梯度却算了它们：只对 M 求和",
                f"samples {numbers} are classified right (their loss is flat) yet count in your gradient: sum over M only",
            )
    print(_block_line(mark, PERCEPTRON_BLOCK.label, numerical.shape, error, explanation))
    return {"w_hat": error}


def _small_perceptron_problem(rng):
    """ŵ (3,), X_hat (8, 3) with a last column of 1, and labels y (8,) of 0/1.

    Three samples are labelled against their side of the hyperplane and five with it: whichever
    side a model calls 1, both M and the rest are non-empty. Every sample is at least 1e-3 from the
    hyperplane and |ŵᵀx̂| ≥ 1e-3, a hundred steps h: no finite difference moves one across.
    """
    while True:
        w_hat = rng.uniform(-1, 1, 3)
        X_hat = np.hstack([rng.uniform(-1, 1, (8, 2)), np.ones((8, 1))])
        scores = X_hat @ w_hat
        if np.all(np.abs(scores) >= 1e-3 * max(1.0, np.linalg.norm(w_hat[:-1]))):
            break
    side = scores > 0
    against_their_side = rng.permutation(np.arange(8) < 3)
    return w_hat, X_hat, np.where(against_their_side, ~side, side).astype(int)


def _numerical_gradient(loss_of, block):
    """(loss_of(block + h eᵢ) − loss_of(block − h eᵢ)) / 2h for every entry i of ``block``: an array of its shape."""
    gradient = np.zeros(block.shape)
    for index in np.ndindex(block.shape):
        step = np.zeros(block.shape)
        step[index] = GRADIENT_STEP
        gradient[index] = (loss_of(block + step) - loss_of(block - step)) / (2 * GRADIENT_STEP)
    return gradient


def _one_number(value, name):
    """``value`` as a float: a loss of several entries or of no number cannot be differenced."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.size != 1:
        got = type(value).__name__ if array is None else f"shape {array.shape}"
        raise ValueError(f"{name} should return one number, got {got}")
    return float(array.item())


def _call_student(compute, functions):
    """compute(), or None after one line saying which of the student's ``functions`` is unfinished or failed."""
    try:
        return compute()
    except NotImplementedError:
        print(_unfinished_message(sys.exc_info()[2]))
    except Exception as error:  # the student's code may fail in any way: say how, in one line
        name = _first_called(sys.exc_info()[2], functions)
        who = (
            f"：{name} 出错 / the check stopped: {name} raised" if name else " / the check stopped:"
        )
        line = f"✗ 梯度检验中断{who} {type(error).__name__}: {error}".replace("\n", " ")
        print(line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…")
    return None


def _first_called(traceback, functions):
    """The name of the first of ``functions`` on the way from the checker down to the error; None if none is."""
    names = {
        getattr(function, "__code__", None): getattr(function, "__name__", None)
        for function in functions
    }
    while traceback is not None:
        if traceback.tb_frame.f_code in names:
            return names[traceback.tb_frame.f_code]
        traceback = traceback.tb_next
    return None


def _verdict(analytic, numerical, notes):
    """(relative error or None, mark, (Chinese, English) meaning) of one analytic block against the numerical one."""
    if analytic is None:
        return None, "✗", ("缺少这一块", "this block is missing")
    try:
        array = np.asarray(analytic)
    except (TypeError, ValueError):  # ragged nested lists
        array = None
    if array is None or array.dtype.kind not in comparison.REAL_KINDS:
        return None, "✗", ("不是数值数组", f"not an array of numbers: {type(analytic).__name__}")
    analytic = array.astype(float)
    if analytic.shape != numerical.shape:
        if analytic.ndim == 2 and analytic.shape == numerical.shape[::-1]:
            return (
                None,
                "✗",
                (
                    f"形状 {analytic.shape} 是 {numerical.shape} 的转置",
                    f"transposed: shape {analytic.shape} for {numerical.shape}; w is (q, l), v is (d, q)",
                ),
            )
        return (
            None,
            "✗",
            (
                f"形状应为 {numerical.shape}，得到 {analytic.shape}",
                f"wrong shape: expected {numerical.shape}, got {analytic.shape}",
            ),
        )
    if not np.all(np.isfinite(analytic)):
        return None, "✗", ("含 NaN 或 inf", "holds NaN or inf")
    if not np.all(np.isfinite(numerical)):
        return (
            None,
            "✗",
            (
                "你的损失在这里给出 NaN 或 inf",
                "your loss gives NaN or inf here: no difference to compare with",
            ),
        )
    error = _relative_error(analytic, numerical)
    if error < AGREES_BELOW:
        return error, "✓", ("一致", "agrees")
    if error <= SUSPICIOUS_UP_TO:
        return error, "?", ("可疑：差别超出了舍入误差", "suspicious: more than rounding error")
    return error, "✗", _recognised_mistake(analytic, numerical, notes)


def _recognised_mistake(analytic, numerical, notes):
    """What a wrong block looks like: all 0, the opposite, a multiple, right signs only, or just different."""
    if not np.any(analytic):
        return (
            "解析梯度全为 0，数值梯度不是：漏了一项？",
            "analytic all 0 where numerical is not: a term missing?",
        )
    if _relative_error(analytic, -numerical) <= SUSPICIOUS_UP_TO:
        return (
            f"解析 ≈ −数值：符号反了（{notes.sign_note[0]}）",
            f"analytic ≈ −numerical: flipped sign ({notes.sign_note[1]})",
        )
    if np.any(numerical):
        ratio = float(
            analytic.ravel() @ numerical.ravel() / (numerical.ravel() @ numerical.ravel())
        )
        if _relative_error(analytic, ratio * numerical) <= SUSPICIOUS_UP_TO:
            return (
                f"解析 ≈ {ratio:.3g} × 数值：多了或少了一个因子（η？½？）",
                f"analytic ≈ {ratio:.3g} × numerical: a factor such as η or ½ missing or extra",
            )
        if analytic.size > 1 and np.all(np.sign(analytic) == np.sign(numerical)):
            return (
                f"符号都对，各元素却差不同的倍数：{notes.hint[0]}",
                f"right signs, entries off by different factors: {notes.hint[1]}",
            )
    return f"数值不符：{notes.hint[0]}", f"values differ: {notes.hint[1]}"


def _relative_error(analytic, numerical):
    """‖analytic − numerical‖ / (‖analytic‖ + ‖numerical‖), and 0 when both are 0."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numerical) / scale)


def _block_line(mark, label, shape, error, meaning):
    """One block's report: mark, block, shape, relative error and its (Chinese, English) meaning."""
    shown = "—" if error is None else f"{error:.1e}"
    return _bilingual(
        f"{mark} {label} {str(shape):<6} 相对误差 relative error {shown:<7}  {meaning[0]}",
        meaning[1],
    )


def _bilingual(chinese, english):
    """``chinese / english`` on one line if it fits in LINE_WIDTH, else the English half on lines of its own."""
    line = f"{chinese} / {english}"
    if len(line) <= LINE_WIDTH:
        return line
    return "\n".join(
        [
            textwrap.fill(f"{chinese} /", LINE_WIDTH, subsequent_indent=INDENT),
            textwrap.fill(english, LINE_WIDTH, initial_indent=INDENT, subsequent_indent=INDENT),
        ]
    )


def _decode(value):
    if isinstance(value, dict):
        if "array" in value:
            return np.array(value["array"], dtype=value["dtype"]).reshape(value["shape"])
        if "params" in value:
            return Params(**{key: _decode(part) for key, part in value["params"].items()})
        if "tuple" in value:
            return tuple(_decode(part) for part in value["tuple"])
        if "rng_seed" in value:
            return np.random.default_rng(value["rng_seed"])
    if isinstance(value, list):
        return [_decode(part) for part in value]
    return value


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.random.Generator):
        return True  # drawing from the generator is its purpose
    return a == b


def _tolerance(entry):
    return comparison.Tolerance(rtol=entry["rtol"], atol=entry["atol"])


def _named(expected, names):
    """A tuple result with its parts' names (public_cases.json's "names"), which the messages quote."""
    if not names or not isinstance(expected, tuple) or hasattr(expected, "_fields"):
        return expected
    return namedtuple("Result", names)(*expected)
