"""The students' gradient checkers (selfcheck.bp_gradient_check, perceptron_gradient_check): the reference's
gradients (for BP, −Δ/η of its updates) agree in every block; a real mistake is caught and named; an unfinished or crashing function is
named in one line; nothing runs while nbgrader grades; and the finite differences are of the student's own
forward pass, not of one built into the file."""

import re
from inspect import signature

import numpy as np
import pytest
from notebooks import ROOT

import source_impl as ref
from autograder import student_module

SELFCHECK = ROOT / "student" / "selfcheck.py"
BLOCKS = ("v", "gamma", "w", "theta")


selfcheck = student_module("selfcheck")


@pytest.fixture(autouse=True)
def outside_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def printed(capsys):
    """What the checker printed, after checking that every line fits in the self-check's width."""
    out = capsys.readouterr().out
    too_long = [line for line in out.splitlines() if len(line) > selfcheck.LINE_WIDTH]
    assert not too_long, too_long
    return out


REFERENCE = {  # the reference's own function for each the check takes
    name: getattr(ref, name)
    for name, parameter in signature(selfcheck.bp_gradient_check).parameters.items()
    if parameter.default is parameter.empty
}


def bp_check(**yours):
    """selfcheck.bp_gradient_check on the reference's functions, with the ones given in their place."""
    return selfcheck.bp_gradient_check(**{**REFERENCE, **yours})


AGREES = "一致 / agrees"
BP_MISTAKES = {
    # mistake: (the student's functions, {block: pattern of its line}); the blocks not named must agree
    "delta_theta with a flipped sign": (
        {"delta_theta": lambda eta, g: -ref.delta_theta(eta, g)},
        {
            "theta": r"^✗ ∂E/∂θ \(2,\) .*1\.0e\+00 .*符号反了（阈值是减去的） / analytic ≈ −numerical: flipped sign \(thresholds are subtracted\)"
        },
    ),
    "delta_v with a threshold's sign": (
        {"delta_v": lambda eta, e, x: -ref.delta_v(eta, e, x)},
        {"v": r"flipped sign \(g and e are negative gradients\)"},
    ),
    "delta_w transposed": (
        {"delta_w": lambda eta, g, b: ref.delta_w(eta, g, b).T},
        {
            "w": r"^✗ ∂E/∂w \(4, 2\) .* — .* / transposed: shape \(2, 4\) for \(4, 2\); w is \(q, l\)"
        },
    ),
    "delta_w without eta": (
        {"delta_w": lambda eta, g, b: ref.delta_w(1.0, g, b)},
        {"w": r"analytic ≈ 10 × numerical: a factor such as η or ½ missing or extra"},
    ),
    "a half left out of delta_v": (
        {"delta_v": lambda eta, e, x: 2 * ref.delta_v(eta, e, x)},
        {"v": r"analytic ≈ 2 × numerical: a factor such as η or ½"},
    ),
    "a term missing from delta_gamma": (
        {"delta_gamma": lambda eta, e: np.zeros_like(e)},
        {"gamma": r"analytic all 0 where numerical is not: a term missing\?"},
    ),
    "g without yhat(1 - yhat)": (
        {
            "output_gradient": lambda y_hat, y: (
                ref.output_gradient(y_hat, y) / ref.dyhat_dbeta(y_hat)
            )
        },
        {
            "v": r"^✗ ∂E/∂v",
            "gamma": r"^✗ ∂E/∂γ",
            "w": r"right signs, entries off by different factors: is every factor of the chain rule there\?",
            "theta": r"right signs, entries off by different factors: is every factor of the chain rule there\?",
        },
    ),
    "e without the sum over j": (
        {"hidden_gradient": lambda b, w, g: ref.db_dalpha(b)[:, None] * w * g},
        {
            "v": r"wrong shape: expected \(3, 4\), got \(3, 8\)",
            "gamma": r"wrong shape: expected \(4,\), got \(4, 2\)",
        },
    ),
}


def block_reports(out):
    """{block name: its report, its wrapped lines joined again by a space}, from the checker's output."""
    reports, current = {}, None
    labels = {"∂E/∂v": "v", "∂E/∂γ": "gamma", "∂E/∂w": "w", "∂E/∂θ": "theta", "∂L/∂ŵ": "w_hat"}
    for line in out.splitlines():
        label = line[2:7]
        if line[:1] in "✓?✗" and label in labels:
            current = labels[label]
            reports[current] = line
        elif current and line.startswith(selfcheck.INDENT):
            reports[current] += " " + line.strip()
    return reports


def test_the_references_updates_agree_in_every_block(capsys):
    errors = bp_check()
    reports = block_reports(printed(capsys))
    assert set(errors) == set(BLOCKS) and all(errors[name] < 1e-7 for name in BLOCKS), errors
    assert list(reports) == list(BLOCKS)
    for name, shape in zip(BLOCKS, ("(3, 4)", "(4,)", "(4, 2)", "(2,)")):
        assert reports[name].startswith(f"✓ {selfcheck.BP_BLOCKS[name].label} {shape}") and reports[
            name
        ].endswith(AGREES)


def test_updates_returned_as_lists_agree_too(capsys):
    errors = bp_check(
        **{
            name: lambda *args, name=name: getattr(ref, name)(*args).tolist()
            for name in ("delta_w", "delta_theta", "delta_v", "delta_gamma")
        }
    )
    assert all(errors[name] < 1e-7 for name in BLOCKS), printed(capsys)


@pytest.mark.parametrize("mistake", BP_MISTAKES)
def test_a_wrong_block_is_caught_and_its_mistake_named(capsys, mistake):
    yours, wrong = BP_MISTAKES[mistake]
    errors = bp_check(**yours)
    reports = block_reports(printed(capsys))
    for name in BLOCKS:
        if name in wrong:
            assert errors[name] is None or errors[name] > 1e-3, (name, errors)
            assert reports[name].startswith("✗") and re.search(wrong[name], reports[name]), reports[
                name
            ]
        else:
            assert errors[name] < 1e-7 and reports[name].endswith(AGREES), reports[name]


def test_a_block_off_by_more_than_rounding_is_suspicious_not_wrong(capsys):
    errors = bp_check(delta_theta=lambda eta, g: ref.delta_theta(eta, g) * (1 + 1e-5))
    assert 1e-7 < errors["theta"] < 1e-3
    assert block_reports(printed(capsys))["theta"].endswith(
        "可疑：差别超出了舍入误差 / suspicious: more than rounding error"
    )


def test_a_block_that_cannot_be_compared_says_why_and_has_no_relative_error(capsys):
    errors = bp_check(
        delta_v=lambda eta, e, x: np.full((3, 4), np.nan),
        delta_gamma=lambda eta, e: [str(entry) for entry in ref.delta_gamma(eta, e)],
        delta_theta=lambda eta, g: None,
    )
    reports = block_reports(printed(capsys))
    assert errors["v"] is errors["gamma"] is errors["theta"] is None and errors["w"] < 1e-7
    assert reports["v"].endswith("含 NaN 或 inf / holds NaN or inf")
    assert reports["gamma"].endswith("不是数值数组 / not an array of numbers: list")
    assert reports["theta"].endswith("缺少这一块 / this block is missing")


def test_a_loss_that_gives_nan_leaves_nothing_to_compare(capsys):
    errors = bp_check(squared_error=lambda y_hat, y: float("nan"))
    assert all(errors[name] is None for name in BLOCKS)
    assert block_reports(printed(capsys))["w"].endswith(
        "your loss gives NaN or inf here: no difference to compare with"
    )


def steep_forward(x, v, gamma, w, theta):
    """A student's own network, deliberately not the book's: ŷ = f(2(β − θ))."""
    b, _ = ref.forward(x, v, gamma, w, theta)
    return b, ref.sigmoid(2 * (b @ w - theta))


def test_the_finite_differences_are_of_the_students_own_forward_pass(capsys):
    # updates consistent with the student's forward agree (its g is twice the book's); the book's do not:
    # the checker holds no forward pass of its own, so it cannot give away the book's
    def steep_output_gradient(y_hat, y):
        return 2.0 * ref.output_gradient(y_hat, y)

    errors = bp_check(forward=steep_forward, output_gradient=steep_output_gradient)
    assert all(errors[name] < 1e-7 for name in BLOCKS), printed(capsys)
    errors = bp_check(forward=steep_forward)
    assert all(errors[name] > 1e-3 for name in BLOCKS), printed(capsys)
    errors = bp_check(squared_error=lambda y_hat, y: 2 * ref.squared_error(y_hat, y))
    assert "analytic ≈ 0.5 × numerical" in block_reports(printed(capsys))["theta"], (
        "the student's own squared_error is used too"
    )


def test_selfcheck_holds_no_forward_pass_and_no_gradient_formula():
    source = SELFCHECK.read_text(encoding="utf-8")
    for closed_form in ("exp(", "tanh(", "expit", "outer(", "* (1 -", "*(1-"):
        assert closed_form not in source, closed_form


def test_the_references_perceptron_gradient_agrees(capsys):
    errors = selfcheck.perceptron_gradient_check(ref.perceptron_loss, ref.perceptron_gradient)
    out = printed(capsys)
    assert errors["w_hat"] < 1e-7, out
    assert "L is piecewise linear" in out and block_reports(out)["w_hat"].startswith("✓ ∂L/∂ŵ (3,)")


@pytest.mark.parametrize("seed", range(5))
def test_the_perceptron_problem_has_misclassified_and_right_samples_none_near_the_hyperplane(seed):
    w_hat, X_hat, y = selfcheck._small_perceptron_problem(np.random.default_rng(seed))
    assert X_hat.shape == (8, 3) and np.all(X_hat[:, -1] == 1) and set(np.unique(y)) <= {0, 1}
    assert 0 < np.sum(ref.perceptron_predict(w_hat, X_hat) != y) < 8
    assert min(ref.distance_to_hyperplane(w_hat[:-1], w_hat[-1], x[:-1]) for x in X_hat) >= 1e-3


def gradient_over_all_points(w_hat, X_hat, y):
    """The sum over every point of the factor that M's points get, 1 − 2y (= ŷ − y on M), times x̂."""
    return (1.0 - 2.0 * np.asarray(y, dtype=float)) @ X_hat


def test_a_perceptron_gradient_summed_over_all_points_names_the_points_outside_M(capsys):
    errors = selfcheck.perceptron_gradient_check(ref.perceptron_loss, gradient_over_all_points)
    w_hat, X_hat, y = selfcheck._small_perceptron_problem(np.random.default_rng(0))
    right = ", ".join(str(i + 1) for i in np.flatnonzero(ref.perceptron_predict(w_hat, X_hat) == y))
    assert errors["w_hat"] > 1e-3
    report = block_reports(printed(capsys))["w_hat"]
    assert (
        report.startswith("✗")
        and f"samples {right} are classified right" in report
        and "sum over M only" in report
    )


def test_a_perceptron_gradient_with_a_flipped_sign_is_named(capsys):
    errors = selfcheck.perceptron_gradient_check(
        ref.perceptron_loss, lambda *args: -ref.perceptron_gradient(*args)
    )
    assert errors["w_hat"] == pytest.approx(1.0)
    assert (
        "analytic ≈ −numerical: flipped sign (the gradient points where L grows)"
        in block_reports(printed(capsys))["w_hat"]
    )


def test_an_unfinished_function_is_named_and_nothing_raises(capsys):
    def hidden_gradient(b, w, g):
        raise NotImplementedError()

    def perceptron_loss(w_hat, X_hat, y):
        raise NotImplementedError()

    assert bp_check(hidden_gradient=hidden_gradient) is None
    assert (
        printed(capsys).splitlines()[-1]
        == "… 这一部分需要先完成 hidden_gradient / This part needs hidden_gradient, which is not implemented yet."
    )
    assert selfcheck.perceptron_gradient_check(perceptron_loss, ref.perceptron_gradient) is None
    assert "This part needs perceptron_loss, which is not implemented yet." in printed(capsys)


def test_a_crash_is_reported_in_one_line_naming_the_function(capsys):
    def forward(x, v, gamma, w, theta):
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0 " * 3)

    assert bp_check(forward=forward) is None
    header, line = printed(capsys).rstrip("\n").split("\n")[-2:]
    assert header.startswith("    BP gradient check")
    assert line.startswith(
        "✗ 梯度检验中断：forward 出错 / the check stopped: forward raised ValueError: matmul: Input"
    )
    assert line.endswith("…")


def test_a_loss_of_several_numbers_stops_the_check_with_one_line(capsys):
    assert bp_check(squared_error=lambda y_hat, y: (y_hat - y) ** 2) is None
    last = printed(capsys).splitlines()[-1]
    assert (
        last
        == "✗ 梯度检验中断 / the check stopped: ValueError: squared_error should return one number, got shape (2,)"
    )


@pytest.mark.parametrize("execution", ["autograde", "validate"])
def test_nothing_is_called_while_nbgrader_grades_or_validates(capsys, monkeypatch, execution):
    # a warning from the student's code would land on stderr, and nbgrader would zero the cell
    def called(*args):
        raise AssertionError("called while nbgrader runs")

    monkeypatch.setenv("NBGRADER_EXECUTION", execution)
    assert selfcheck.bp_gradient_check(*[called] * len(REFERENCE)) is None
    assert selfcheck.perceptron_gradient_check(called, called) is None
    assert printed(capsys) == 2 * f"{selfcheck.GRADIENT_CHECK_SKIPPED}\n"
