"""Watermelon 3.0 and 3.0α as the book prints them, one-hot encoded; the logic gates."""

from importlib import resources

import numpy as np
import pytest

from source_impl.datasets import (
    LOGIC_GATES,
    load_watermelon3_0,
    load_watermelon3_0_alpha,
    logic_gate,
)

ATTRIBUTE_VALUES = {"色泽": 3, "根蒂": 3, "敲声": 3, "纹理": 3, "脐部": 3, "触感": 2}


def test_watermelon3_0_has_17_samples_and_19_one_hot_inputs():
    X, y, names = load_watermelon3_0()
    assert X.shape == (17, 19) and X.dtype == np.float64
    assert len(names) == 19 and names[-2:] == ("密度", "含糖率")
    np.testing.assert_array_equal(y, [1] * 8 + [0] * 9)


def test_each_categorical_attribute_is_one_hot_not_ordinal():
    X, _, names = load_watermelon3_0()
    for attribute, count in ATTRIBUTE_VALUES.items():
        columns = [i for i, name in enumerate(names) if name.startswith(attribute + "=")]
        assert len(columns) == count, attribute
        block = X[:, columns]
        assert set(np.unique(block)) == {0.0, 1.0}
        np.testing.assert_array_equal(block.sum(axis=1), np.ones(17))


def test_watermelon3_0_keeps_the_books_values():
    X, _, names = load_watermelon3_0()
    sample = dict(zip(names, X[0]))  # 1: 青绿 蜷缩 浊响 清晰 凹陷 硬滑 0.697 0.460 是
    assert all(
        sample[f"{a}={v}"] == 1.0
        for a, v in zip(ATTRIBUTE_VALUES, ["青绿", "蜷缩", "浊响", "清晰", "凹陷", "硬滑"])
    )
    assert (sample["密度"], sample["含糖率"]) == (0.697, 0.460)
    assert X[9, names.index("含糖率")] == 0.267  # sample 10, misprinted 0.0267 in some copies


def test_watermelon3_0_alpha_is_the_two_continuous_columns_of_3_0():
    X, y, names = load_watermelon3_0_alpha()
    X_full, y_full, _ = load_watermelon3_0()
    assert names == ("密度", "含糖率")
    np.testing.assert_array_equal(X, X_full[:, -2:])
    np.testing.assert_array_equal(y, y_full)


@pytest.mark.parametrize("filename", ["watermelon3_0.csv", "watermelon3_0alpha.csv"])
def test_the_shipped_tables_are_utf8(filename):
    raw = resources.files("source_impl").joinpath("data", filename).read_bytes()
    assert raw.decode("utf-8").startswith("编号,")


@pytest.mark.parametrize(
    "gate, truth",
    [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("XOR", [0, 1, 1, 0]), ("NOT", [1, 0])],
)
def test_logic_gates_are_their_truth_tables(gate, truth):
    X, y, _ = logic_gate(gate)
    np.testing.assert_array_equal(y, truth)
    assert X.dtype == np.float64 and X.shape == (len(truth), 1 if gate == "NOT" else 2)
    assert set(LOGIC_GATES) == {"AND", "OR", "NOT", "XOR"}


def test_an_unknown_gate_is_refused_with_the_known_ones_named():
    with pytest.raises(
        ValueError, match="unknown logic gate 'NAND'; choose one of AND, OR, NOT, XOR"
    ):
        logic_gate("NAND")
