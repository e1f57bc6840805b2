"""course.yaml: the shipped file loads and covers the student API; each kind of bad file is
refused with a message that names the key and the problem; course.schema.json is what the
declarations of course_schema.py say, with a description for every key."""

import copy
import json
from datetime import UTC, datetime

import course_files
import jsonschema
import pytest
from course_files import course_text, write_course

import source_impl
from autograder.grading import course_schema
from autograder.grading.course import COURSE_FILE, CourseError, load_course
from autograder.grading.late_policy import LatePolicy


@pytest.fixture
def shipped():
    return course_files.shipped()


def test_the_shipped_course_loads_with_both_assignments():
    course = load_course()
    assert [a.id for a in course.assignments] == ["perceptron", "bp"]
    assert course.languages == ("zh", "en")
    assert all(item.points > 0 for item in course.items())


def test_every_function_of_the_student_api_is_graded_once():
    functions = [item.function for item in load_course().items()]
    student_functions = [name for name in source_impl.__all__ if name != "Params"]
    assert sorted(functions) == sorted(student_functions)


def test_an_item_resolves_to_its_reference_function():
    item = next(i for i in load_course().items() if i.id == "delta_theta")
    assert item.reference is source_impl.delta_theta
    assert item.equation == "5.12"


def test_an_item_without_a_tolerance_takes_the_courses():
    course = load_course()
    item = course.assignment("bp").items[0]
    assert item.tolerance == course.tolerance


def test_the_derivations_graded_by_people_are_read_with_their_points_apart_from_the_items(shipped):
    course = load_course()
    perceptron, bp = course.assignment("perceptron"), course.assignment("bp")
    assert [(d.id, d.assignment, d.equation, d.points) for d in perceptron.derivations] == [
        ("derive_perceptron_gradient", "perceptron", "§5.2, ∇L(ŵ)", 2)
    ]
    assert [(d.id, d.equation, d.points) for d in bp.derivations] == [
        ("derive_hidden_gradient", "5.15", 3),
        ("derive_delta_theta", "5.12", 2),
        ("exercise_5_5_questions", "exercise 5.5", 3),
    ]
    assert course.derivations() == perceptron.derivations + bp.derivations
    # what the hidden grader can give, what people give, and nbgrader's maximum: the file's points summed
    for assignment, raw in zip((perceptron, bp), shipped["assignments"]):
        items = sum(item["points"] for item in raw["items"])
        by_hand = sum(derivation["points"] for derivation in raw["derivations"])
        assert (assignment.item_points, assignment.manual_points, assignment.total_points) == (
            items,
            by_hand,
            items + by_hand,
        )


def test_an_assignment_without_derivations_has_none(tmp_path, shipped):
    assignment = load_course(
        write_course(tmp_path, edit(shipped, ["assignments", 0, "derivations"], delete=True))
    ).assignment("perceptron")
    assert (assignment.derivations, assignment.manual_points, assignment.total_points) == (
        (),
        0,
        assignment.item_points,
    )


def test_the_feedback_mode_and_attempts_are_read_and_default_to_case_and_one(tmp_path, shipped):
    course = load_course(write_course(tmp_path, edit(shipped, ["course", "feedback"], "summary")))
    assert (course.feedback, load_course().attempts) == ("summary", shipped["course"]["attempts"])
    data = edit(
        edit(shipped, ["course", "feedback"], delete=True), ["course", "attempts"], delete=True
    )
    assert (
        load_course(write_course(tmp_path, data)).feedback,
        load_course(write_course(tmp_path, data)).attempts,
    ) == ("case", 1)


def test_an_unknown_assignment_is_named_with_the_known_ones():
    with pytest.raises(CourseError, match="no assignment 'svm'.*perceptron, bp"):
        load_course().assignment("svm")


def edit(data, path, value=None, delete=False):
    """Set (or delete) data[path[0]][path[1]]…; returns a changed copy."""
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def duplicated_item(data):
    data = copy.deepcopy(data)
    data["assignments"][1]["items"].append(copy.deepcopy(data["assignments"][0]["items"][0]))
    return data


def duplicated_assignment(data):
    data = copy.deepcopy(data)
    data["assignments"][1]["id"] = "perceptron"
    return data


def without_group(data, assignment, item, group):
    """A copy whose item lacks one of its groups, the other groups' weights scaled up to sum to 1."""
    data = copy.deepcopy(data)
    groups = data["assignments"][assignment]["items"][item]["groups"]
    del groups[group]
    total = sum(g["weight"] for g in groups)
    for g in groups:
        g["weight"] /= total
    return data


def without_item(data, assignment, item):
    data = copy.deepcopy(data)
    del data["assignments"][assignment]["items"][item]
    return data


def swapped_items(data, assignment, first, second):
    data = copy.deepcopy(data)
    items = data["assignments"][assignment]["items"]
    items[first], items[second] = items[second], items[first]
    return data


def moved_item(data, item, source, target):
    """A copy whose item moved from one assignment's items to the end of another's."""
    data = copy.deepcopy(data)
    data["assignments"][target]["items"].append(data["assignments"][source]["items"].pop(item))
    return data


def capstone_as_long_as_the_notebook(data):
    timeouts = data["course"]["timeouts"]
    return edit(data, ["course", "timeouts", "capstone_seconds"], timeouts["per_notebook_seconds"])


NOTEBOOK_SECONDS = load_course().timeouts.per_notebook_seconds
BAD_FILES = {
    "unknown key": (
        lambda d: edit(d, ["assignments", 0, "items", 0, "pionts"], 1),
        r"assignments\[0\]\.items\[0\]: Object contains unknown field `pionts`; the keys allowed here: id, "
        r"equation, function, points, groups, tolerance, misconception_credit, hidden_only$",
    ),
    "unknown top-level key": (
        lambda d: edit(d, ["extra"], 1),
        r"top level: Object contains unknown field `extra`; the keys allowed here: course, assignments$",
    ),
    "missing field": (
        lambda d: edit(d, ["assignments", 1, "items", 2, "points"], delete=True),
        r"assignments\[1\]\.items\[2\]: Object missing required field `points`",
    ),
    "missing course field": (
        lambda d: edit(d, ["course", "base_seed"], delete=True),
        r"course: Object missing required field `base_seed`",
    ),
    "gradescope visibility Gradescope lacks": (
        lambda d: edit(d, ["course", "gradescope", "visibility"], "always"),
        r"course\.gradescope\.visibility: Invalid enum value 'always'; one of after_due_date, after_published, hidden, visible$",
    ),
    "function source_impl lacks": (
        lambda d: edit(d, ["assignments", 1, "items", 3, "function"], "delta_x"),
        r"assignments\[1\]\.items\[3\]\.function: source_impl has no function 'delta_x' in its student API "
        r"\(source_impl\.__all__\): augment, perceptron_predict, ",
    ),
    # the items' records (autograder/items/): each item has one, with exactly the item's groups
    "group name its record does not generate": (
        lambda d: edit(d, ["assignments", 1, "items", 10, "groups", 2, "name"], "eta_extremz"),
        r"^course\.yaml: assignments\[1\]\.items\[10\]\.groups\[2\]\.name: 'eta_extremz' is no group of "
        r"autograder/items/bp\.py's record of delta_w; its groups: general, single_output, eta_extremes$",
    ),
    "group of its record that the item lacks": (
        lambda d: without_group(d, 1, 10, 1),
        r"^course\.yaml: assignments\[1\]\.items\[10\]\.groups: no group 'single_output', which "
        r"autograder/items/bp\.py's record of delta_w generates; the item needs each of its groups "
        r"\(name, count, weight\): general, single_output, eta_extremes$",
    ),
    "item id without a record": (
        lambda d: edit(d, ["assignments", 0, "items", 2, "id"], "distance_to_plane"),
        r"^course\.yaml: assignments\[0\]\.items\[2\]\.id: item 'distance_to_plane' has no record in "
        r"autograder/items/ .*; the closest record ids: distance_to_hyperplane$",
    ),
    "record without an item": (
        lambda d: without_item(d, 1, 16),
        r"^course\.yaml: assignments: no item has the record 'accumulated_error' of autograder/items/bp\.py; "
        r"give each record an item of that id",
    ),
    "function another item grades": (
        lambda d: edit(d, ["assignments", 1, "items", 3, "function"], "sigmoid"),
        r"^course\.yaml: assignments\[1\]\.items\[3\]\.function: duplicate function 'sigmoid' "
        r"\(first used at assignments\[1\]\.items\[0\]\.function\)$",
    ),
    "items in another order than their records": (
        lambda d: swapped_items(d, 1, 2, 3),
        r"^course\.yaml: assignments\[1\]\.items\[2\]\.id: item 'dE_dyhat' comes where "
        r"autograder/items/bp\.py's ITEMS has 'squared_error'; its records are in course\.yaml's order: "
        r"sigmoid, forward, squared_error, dE_dyhat, ",
    ),
    "item in an assignment its record is not in": (
        lambda d: moved_item(d, 0, source=0, target=1),
        r"^course\.yaml: assignments\[1\]\.items\[\d+\]\.id: item 'augment' of assignment 'bp' has its "
        r"record in autograder/items/perceptron\.py; an item's record is in autograder/items/bp\.py$",
    ),
    "capstone as long as the whole notebook": (
        capstone_as_long_as_the_notebook,
        rf"^course\.yaml: course\.timeouts\.capstone_seconds: capstone_seconds \({NOTEBOOK_SECONDS:g}\) "
        rf"must be less than "
        rf"per_notebook_seconds \({NOTEBOOK_SECONDS:g}\), which the capstones run within$",
    ),
    "private helper as function": (
        lambda d: edit(d, ["assignments", 1, "items", 3, "function"], "np"),
        r"source_impl has no function 'np'",
    ),
    "zero points": (
        lambda d: edit(d, ["assignments", 0, "items", 1, "points"], 0),
        r"assignments\[0\]\.items\[1\]\.points: Expected a number above 0; the file has 0$",
    ),
    "negative points": (
        lambda d: edit(d, ["assignments", 0, "items", 1, "points"], -2),
        r"items\[1\]\.points: Expected a number above 0; the file has -2$",
    ),
    "infinite points": (
        lambda d: edit(d, ["assignments", 0, "items", 1, "points"], float("inf")),
        r"^course\.yaml: assignments\[0\]\.items\[1\]\.points: Expected a finite number; the file has inf$",
    ),
    "points as text": (
        lambda d: edit(d, ["assignments", 0, "items", 1, "points"], "two"),
        r"items\[1\]\.points: Expected `int \| float`, got `str`; the file has 'two'$",
    ),
    "duplicate item id": (
        duplicated_item,
        r"duplicate item id 'augment' \(first used at assignments\[0\]\.items\[0\]\.id\)",
    ),
    "duplicate assignment id": (
        duplicated_assignment,
        r"assignments\[1\]\.id: duplicate assignment id 'perceptron'",
    ),
    "weights that do not sum to 1": (
        lambda d: edit(d, ["assignments", 0, "items", 0, "groups", 0, "weight"], 0.4),
        r"assignments\[0\]\.items\[0\]\.groups: the weights sum to 0.9; they must sum to 1",
    ),
    "zero case count": (
        lambda d: edit(d, ["assignments", 0, "items", 0, "groups", 0, "count"], 0),
        r"groups\[0\]\.count: Expected `int` >= 1; the file has 0$",
    ),
    "duplicate group name": (
        lambda d: edit(d, ["assignments", 0, "items", 0, "groups", 1, "name"], "one_sample"),
        r"groups\[1\]\.name: duplicate group name 'one_sample'",
    ),
    "negative tolerance": (
        lambda d: edit(d, ["course", "tolerance", "rtol"], -1.0),
        r"course\.tolerance\.rtol: Expected a number at least 0; the file has -1\.0$",
    ),
    "empty item list": (
        lambda d: edit(d, ["assignments", 0, "items"], []),
        r"assignments\[0\]\.items: Expected `array` of length >= 1$",
    ),
    "an item that is not a mapping": (
        lambda d: edit(d, ["assignments", 0, "items", 0], "augment"),
        r"assignments\[0\]\.items\[0\]: Expected `object`, got `str`",
    ),
    "misconception credit for a variant the catalog lacks": (
        lambda d: edit(
            d, ["assignments", 1, "items", 11, "misconception_credit"], {"sign_flip": 0.5}
        ),
        r"assignments\[1\]\.items\[11\]\.misconception_credit: item 'delta_theta' has no catalogued misconception "
        r"'sign_flip'; its catalog has: wrong_sign, missing_eta",
    ),
    "misconception credit above 1": (
        lambda d: edit(
            d, ["assignments", 1, "items", 11, "misconception_credit"], {"wrong_sign": 1.5}
        ),
        r"items\[11\]\.misconception_credit\[\.\.\.\]: Expected a number at least 0 and at most 1$",
    ),
    "negative misconception credit": (
        lambda d: edit(
            d, ["assignments", 1, "items", 11, "misconception_credit"], {"wrong_sign": -0.5}
        ),
        r"items\[11\]\.misconception_credit\[\.\.\.\]: Expected a number at least 0 and at most 1$",
    ),
    "misconception credit as a list": (
        lambda d: edit(d, ["assignments", 1, "items", 11, "misconception_credit"], ["wrong_sign"]),
        r"items\[11\]\.misconception_credit: Expected `object`, got `array`$",
    ),
    "hidden-only misconception the catalog lacks": (
        lambda d: edit(
            d, ["assignments", 0, "items", 5, "hidden_only"], ["pm_one_form", "plus_minus"]
        ),
        r"assignments\[0\]\.items\[5\]\.hidden_only: item 'perceptron_delta' has no catalogued misconception "
        r"'plus_minus'; its catalog has: wrong_sign, missing_eta, pm_one_form",
    ),
    "hidden-only misconceptions as a mapping": (
        lambda d: edit(d, ["assignments", 0, "items", 5, "hidden_only"], {"pm_one_form": 1}),
        r"items\[5\]\.hidden_only: Expected `array`, got `object`$",
    ),
    "derivation id that is an item's": (
        lambda d: edit(d, ["assignments", 1, "derivations", 0, "id"], "delta_theta"),
        r"assignments\[1\]\.derivations\[0\]\.id: duplicate derivation id 'delta_theta' \(first used at assignments\[1\]\.items\[11\]\.id\); "
        r"the ids of items and derivations are nbgrader's cell ids, each unique in the course",
    ),
    "derivation id used twice": (
        lambda d: edit(d, ["assignments", 1, "derivations", 2, "id"], "derive_perceptron_gradient"),
        r"assignments\[1\]\.derivations\[2\]\.id: duplicate derivation id 'derive_perceptron_gradient' \(first used at assignments\[0\]\.derivations\[0\]\.id\)",
    ),
    "derivation with zero points": (
        lambda d: edit(d, ["assignments", 1, "derivations", 1, "points"], 0),
        r"assignments\[1\]\.derivations\[1\]\.points: Expected a number above 0; the file has 0$",
    ),
    "derivation without its equation": (
        lambda d: edit(d, ["assignments", 0, "derivations", 0, "equation"], delete=True),
        r"assignments\[0\]\.derivations\[0\]: Object missing required field `equation`",
    ),
    "derivation with a key it has not": (
        lambda d: edit(d, ["assignments", 0, "derivations", 0, "function"], "perceptron_gradient"),
        r"assignments\[0\]\.derivations\[0\]: Object contains unknown field `function`; the keys allowed here: id, equation, points$",
    ),
    "derivations as a mapping": (
        lambda d: edit(d, ["assignments", 0, "derivations"], {"id": "derive_perceptron_gradient"}),
        r"assignments\[0\]\.derivations: Expected `array`, got `object`$",
    ),
    "feedback mode": (
        lambda d: edit(d, ["course", "feedback"], "everything"),
        r"course\.feedback: Invalid enum value 'everything'; one of case, summary$",
    ),
    "no attempts": (
        lambda d: edit(d, ["course", "attempts"], 0),
        r"course\.attempts: Expected `int` >= 1; the file has 0$",
    ),
    "due date without a time zone": (
        lambda d: edit(d, ["assignments", 1, "due"], "2026-11-20T23:59:00"),
        r"assignments\[1\]\.due: Expected `datetime` with a timezone component; the file has '2026-11-20T23:59:00'$",
    ),
    "due date that is not a date": (
        lambda d: edit(d, ["assignments", 0, "due"], "next friday"),
        r"assignments\[0\]\.due: Invalid RFC3339 encoded datetime; the file has 'next friday'$",
    ),
    "late penalty above the whole score": (
        lambda d: edit(d, ["course", "late_policy", "penalty_per_period"], 1.5),
        r"course\.late_policy\.penalty_per_period: Expected a number above 0 and at most 1; the file has 1\.5$",
    ),
    "late penalty cap above the whole score": (
        lambda d: edit(d, ["course", "late_policy", "max_penalty"], 2),
        r"course\.late_policy\.max_penalty: Expected a number above 0 and at most 1; the file has 2$",
    ),
    "late policy without its cut-off": (
        lambda d: edit(d, ["course", "late_policy", "cutoff_hours"], delete=True),
        r"course\.late_policy: Object missing required field `cutoff_hours`",
    ),
    "late policy period of zero hours": (
        lambda d: edit(d, ["course", "late_policy", "period_hours"], 0),
        r"course\.late_policy\.period_hours: Expected a number above 0; the file has 0$",
    ),
    "item id with a space": (
        lambda d: edit(d, ["assignments", 0, "items", 0, "id"], "aug ment"),
        r"items\[0\]\.id: Expected `str` matching regex '\^\[A-Za-z_\]\[A-Za-z0-9_\]\*\$'; the file has 'aug ment'$",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_course_file_is_refused_naming_the_key_and_the_problem(tmp_path, shipped, name):
    change, message = BAD_FILES[name]
    with pytest.raises(CourseError, match=message):
        load_course(write_course(tmp_path, change(shipped)))


def test_each_bad_file_would_load_without_its_one_change(tmp_path, shipped):
    # Guards the table above: its messages come from the change, not from the file around it.
    assert load_course(write_course(tmp_path, shipped)) == load_course()


def test_a_misconception_credit_is_read_per_item(tmp_path, shipped):
    data = edit(
        shipped,
        ["assignments", 1, "items", 11, "misconception_credit"],
        {"wrong_sign": 0.5, "missing_eta": 0},
    )
    item = load_course(write_course(tmp_path, data)).assignment("bp").items[11]
    assert item.misconception_credit == {"wrong_sign": 0.5, "missing_eta": 0}
    assert load_course().assignment("bp").items[11].misconception_credit == {}


def test_hidden_only_misconceptions_are_read_per_item(tmp_path, shipped):
    data = edit(shipped, ["assignments", 0, "items", 5, "hidden_only"], ["pm_one_form"])
    item = load_course(write_course(tmp_path, data)).assignment("perceptron").items[5]
    assert (item.id, item.hidden_only) == ("perceptron_delta", ("pm_one_form",))
    assert load_course().assignment("perceptron").items[5].hidden_only == ()


def test_a_tolerance_written_1e_7_gets_a_hint_about_yaml(tmp_path):
    text = COURSE_FILE.read_text(encoding="utf-8").replace("rtol: 1.0e-7", "rtol: 1e-7")
    path = tmp_path / "course.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CourseError, match=r"course\.tolerance\.rtol: .*write 1\.0e-7"):
        load_course(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CourseError, match="course file not found"):
        load_course(tmp_path / "nowhere.yaml")


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text("course: [unclosed\n", encoding="utf-8")
    with pytest.raises(CourseError, match="not valid YAML"):
        load_course(path)


def test_a_due_date_is_read_as_the_instant_it_names_in_its_time_zone(tmp_path, shipped):
    data = edit(shipped, ["assignments", 0, "due"], "2026-11-13T23:59:00+08:00")
    due = load_course(write_course(tmp_path, data)).assignment("perceptron").due
    assert due == datetime(2026, 11, 13, 15, 59, tzinfo=UTC)


def test_an_unquoted_due_date_that_yaml_reads_as_a_time_is_taken_too(tmp_path, shipped):
    text = course_text(edit(shipped, ["assignments", 0, "due"], "DUE"))
    path = tmp_path / "course.yaml"
    path.write_text(text.replace("DUE", "2026-11-13T23:59:00+08:00"), encoding="utf-8")
    due = load_course(path).assignment("perceptron").due
    assert due == datetime(2026, 11, 13, 15, 59, tzinfo=UTC)


def test_the_shipped_course_sets_no_due_date_and_without_a_late_policy_nothing_is_late(
    tmp_path, shipped
):
    # a shipped due date would make every submission after it late
    assert [a.due for a in load_course().assignments] == [None, None]
    data = edit(shipped, ["course", "late_policy"], delete=True)
    course = load_course(write_course(tmp_path, data))
    assert course.late_policy is None
    assert [a.due for a in course.assignments] == [None, None]


def test_the_late_policy_is_read_with_its_four_numbers(tmp_path, shipped):
    policy = {"period_hours": 1, "penalty_per_period": 0.05, "max_penalty": 0.5, "cutoff_hours": 48}
    data = edit(shipped, ["course", "late_policy"], policy)
    assert load_course(write_course(tmp_path, data)).late_policy == LatePolicy(1, 0.05, 0.5, 48)


def test_the_committed_schema_is_the_one_the_declarations_write(tmp_path):
    written = tmp_path / "course.schema.json"
    course_schema.main([str(written)])
    assert course_schema.SCHEMA_FILE.read_text(encoding="utf-8") == written.read_text(
        encoding="utf-8"
    ), "course.schema.json is stale: python -m autograder.grading.course_schema writes it anew"


def test_editors_find_the_schema_from_the_course_files_first_line():
    first_line = COURSE_FILE.read_text(encoding="utf-8").splitlines()[0]
    schema = first_line.removeprefix("# yaml-language-server: $schema=")
    assert (COURSE_FILE.parent / schema).resolve() == course_schema.SCHEMA_FILE.resolve()


def test_every_key_of_the_schema_says_what_it_means():
    definitions = json.loads(course_schema.schema_text())["$defs"]

    def described(declared):
        # a key whose value is a mapping of its own may leave its description to that mapping's
        reference = declared.get("$ref", "").rpartition("/")[2]
        return "description" in declared or "description" in definitions.get(reference, {})

    undescribed = [
        f"{name}.{key}"
        for name, definition in definitions.items()
        for key, declared in definition["properties"].items()
        if not described(declared)
    ]
    assert undescribed == []


def test_an_editor_checking_against_the_schema_takes_the_shipped_file_and_flags_a_misspelt_key(
    shipped,
):
    # jsonschema, as an editor's validator would, independently of msgspec
    validator = jsonschema.Draft202012Validator(json.loads(course_schema.schema_text()))
    assert list(validator.iter_errors(shipped)) == []
    (error,) = validator.iter_errors(edit(shipped, ["assignments", 0, "items", 0, "pionts"], 1))
    assert (list(error.absolute_path), error.validator) == (
        ["assignments", 0, "items", 0],
        "additionalProperties",
    )
