"""The items' records (autograder/items/): every course.yaml item has one, complete, and every record
is a course.yaml item. The places a graded function lives, each checked:

- the reference in source_impl and its __all__, course.yaml: here and in test_course.py;
- the record's generators, public cases, misconceptions with their student sources, purity
  arguments: here;
- the solution notebook's stub and graded cell: test_notebooks.py, and the release they make:
  test_release.py.
"""

import ast
import inspect

import numpy as np
import pytest

import source_impl
from autograder.grading.course import load_course
from autograder.items import ITEMS

COURSE_ITEMS = load_course().items()
ITEM_OF = {item.id: item for item in COURSE_ITEMS}
each_item = pytest.mark.parametrize("item", COURSE_ITEMS, ids=lambda item: item.id)


def parameters(function):
    return list(inspect.signature(function).parameters)


def test_every_course_yaml_item_has_a_record():
    assert [item.id for item in COURSE_ITEMS if item.id not in ITEMS] == []


def test_every_record_is_a_course_yaml_item_whose_function_is_in_the_student_api():
    assert [item_id for item_id in ITEMS if item_id not in ITEM_OF] == []
    assert [
        item_id for item_id in ITEMS if ITEM_OF[item_id].function not in source_impl.__all__
    ] == []


def test_the_records_are_in_course_yaml_order():
    assert list(ITEMS) == list(ITEM_OF)


@each_item
def test_a_record_has_one_generator_per_case_group_of_its_item(item):
    record = ITEMS[item.id]
    assert sorted(record.generators) == sorted(group.name for group in item.groups)
    assert all(callable(generator) for generator in record.generators.values())


@each_item
def test_a_record_has_public_cases_a_hint_and_names_for_the_parts_of_a_tuple_result(item):
    record = ITEMS[item.id]
    assert record.public_cases and record.hint.strip()
    assert all(isinstance(args, tuple) for args in record.public_cases)
    first = item.reference(
        *(
            np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else a
            for a in record.public_cases[0]
        )
    )
    if isinstance(first, tuple):
        assert record.result_names is not None and len(record.result_names) == len(first)
    else:
        assert record.result_names is None


@each_item
def test_a_record_has_catalogued_misconceptions_each_with_its_variant_and_named_and_hinted_in_both_languages(
    item,
):
    misconceptions = ITEMS[item.id].misconceptions
    assert misconceptions
    for misconception in misconceptions:
        assert callable(misconception.variant), misconception.id
        assert all(
            text.strip()
            for text in (misconception.name, misconception.hint_zh, misconception.hint_en)
        ), misconception.id


@each_item
def test_every_misconception_has_a_student_source_defining_the_items_function(item):
    for misconception in ITEMS[item.id].misconceptions:
        assert misconception.student_source, f"{item.id}/{misconception.id} has no student source"
        tree = ast.parse(misconception.student_source)
        defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert item.function in defined, (
            f"{item.id}/{misconception.id} defines {sorted(defined)}, not {item.function}"
        )
        assert [a.arg for a in defined[item.function].args.args] == parameters(item.reference), (
            misconception.id
        )


@each_item
def test_a_record_has_purity_arguments_that_fit_its_function(item):
    arguments = ITEMS[item.id].purity_arguments()
    assert isinstance(arguments, tuple)
    inspect.signature(item.reference).bind(*arguments)
