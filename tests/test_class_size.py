"""A simulated class of any size (--students N): the default class's special students spread over it."""

import collections

import pytest

from autograder.grading.course import load_course
from simulated_class import students as simulated
from simulated_class.__main__ import main as simulated_class_command

SPECIAL = collections.Counter(s.profile for s in simulated.make_class())
del SPECIAL[simulated.COMPLETE]


def made_mistakes(students):
    """Every (item, misconception) that the students make, once per student who makes it."""
    return [key for s in students for made in s.mistakes.values() for key in made]


@pytest.mark.parametrize("size", [simulated.MINIMUM_SIZE, 100, 1000])
def test_a_class_of_n_has_every_special_student_once_and_unique_ids_of_ns_width(size):
    students = simulated.make_class(size=size)
    assert len(students) == size == len({s.id for s in students})
    assert all(len(s.id) == 1 + max(2, len(str(size))) for s in students)
    found = collections.Counter(s.profile for s in students)
    assert all(found[profile] == count for profile, count in SPECIAL.items())
    assert sorted(made_mistakes(students)) == sorted(simulated.MISTAKES)
    assert found[simulated.COMPLETE] + found[simulated.PARTIAL] == size - sum(SPECIAL.values())


def test_the_special_students_are_spread_over_the_class_and_a_quarter_of_the_rest_partly_complete():
    students = simulated.make_class(size=1000)
    places = [
        n
        for n, s in enumerate(students)
        if s.profile not in (simulated.COMPLETE, simulated.PARTIAL)
    ]
    assert places[0] < 50 and places[-1] > 950
    rest = [s.profile for s in students if s.profile in (simulated.COMPLETE, simulated.PARTIAL)]
    assert rest.count(simulated.PARTIAL) == len(rest) // 4


def test_the_late_students_and_the_extension_come_along_in_a_class_of_n():
    default = simulated.make_class()
    students = simulated.make_class(size=300)
    assert sorted(s.late for s in students if s.late) == sorted(s.late for s in default if s.late)
    extended = [s for s in students if s.extra_days]
    assert [(s.late, s.extra_days) for s in extended] == [
        (s.late, s.extra_days) for s in default if s.extra_days
    ]


def test_the_default_class_keeps_its_ids_and_its_late_students():
    students = simulated.make_class()
    assert [s.id for s in students] == [f"s{n:02d}" for n in range(1, simulated.DEFAULT_SIZE + 1)]
    assert {s.id: s.late for s in students if s.late} == simulated.LATE


def test_a_partly_complete_student_hands_in_part_of_the_functions(tmp_path):
    from autograder import ROOT

    released = ROOT / "assignments" / "bp" / "bp.ipynb"
    solutions = simulated.solution_sources(ROOT / "solutions" / "bp" / "bp.ipynb")
    partial = next(s for s in simulated.make_class(size=100) if s.profile == simulated.PARTIAL)
    text = simulated.notebook_of(partial, "bp", released, solutions).decode()
    assert 0 < text.count("raise NotImplementedError") < len(solutions)


def test_a_class_below_the_minimum_is_refused_by_name(capsys):
    minimum = simulated.MINIMUM_SIZE
    with pytest.raises(ValueError, match=f"give --students {minimum} or more"):
        simulated.make_class(size=minimum - 1)
    with pytest.raises(SystemExit) as refused:  # the command, in this process: its import is paid
        simulated_class_command(["--students", str(minimum - 1)])
    assert refused.value.code == 2
    assert f"cannot hold the {minimum} special students" in capsys.readouterr().err


def test_a_longer_catalogue_leaves_the_class_its_size_and_gives_each_mistake_a_student(
    monkeypatch,
):
    items = [item.id for item in load_course().assignment("bp").items]
    made = sum(key[0] in items for key in simulated.MISTAKES)
    more = max(0, simulated.MISTAKEN_STUDENTS - made) + 3  # more than the students
    longer = dict(simulated.MISTAKES)
    longer |= {(items[k % len(items)], f"added_{k}"): "" for k in range(more)}
    monkeypatch.setattr(simulated, "MISTAKES", longer)
    for size in (None, simulated.MINIMUM_SIZE):
        students = simulated.make_class(size=size)
        assert len(students) == (size or simulated.DEFAULT_SIZE)
        assert sorted(made_mistakes(students)) == sorted(longer)
        for student in students:  # one function, one mistake
            for made in student.mistakes.values():
                assert len({item for item, _ in made}) == len(made), student
    assert_spread_evenly(simulated.make_class())


def test_the_mistakes_are_spread_evenly_over_the_mistaken_students():
    assert_spread_evenly(simulated.make_class())


def assert_spread_evenly(students):
    """Per assignment, the mistaken students' numbers of mistakes differ by at most one:
    one each while the assignment's catalogue fits MISTAKEN_STUDENTS."""
    mistaken = [s for s in students if s.profile == simulated.MISTAKE]
    assert 0 < len(mistaken) <= simulated.MISTAKEN_STUDENTS
    left_complete = [0] * (simulated.MISTAKEN_STUDENTS - len(mistaken))  # no mistake to make
    for assignment in ("perceptron", "bp"):
        counts = [len(s.mistakes.get(assignment, ())) for s in mistaken] + left_complete
        assert max(counts) - min(counts) <= 1, (assignment, counts)
