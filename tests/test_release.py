"""The release: assignments/ is exactly what nbgrader generates from solutions/, the companion
files are generated from their single sources, and nothing of the answer key leaks into it."""

import ast
import dataclasses
import filecmp
import inspect
import re

import nbformat
import pytest
from closed_forms import CLOSED_FORMS, closed_forms_in, lines_with_closed_forms
from notebooks import ASSIGNMENTS, ROOT, copy_assignment, notebook_path, solution_cells

import source_impl
from autograder.grading.course import load_course
from autograder.integration import student_readme
from autograder.integration.release import companion_files, generate_assignment

pytestmark = pytest.mark.parametrize("assignment", ASSIGNMENTS)


@pytest.mark.slow
@pytest.mark.nbgrader
def test_the_committed_release_is_what_nbgrader_generates(assignment, tmp_path):
    copy_assignment("solutions", assignment, tmp_path / "source" / assignment)
    generate_assignment(
        assignment,
        source_directory=tmp_path / "source",
        release_directory=tmp_path / "release",
        db_url=f"sqlite:///{tmp_path / 'gradebook.db'}",
    )
    fresh, committed = tmp_path / "release" / assignment, ROOT / "assignments" / assignment
    comparison = filecmp.dircmp(fresh, committed, ignore=["__pycache__"])
    assert not comparison.left_only and not comparison.right_only, (
        comparison.left_only,
        comparison.right_only,
    )
    _, mismatch, errors = filecmp.cmpfiles(fresh, committed, comparison.common_files, shallow=False)
    assert not mismatch and not errors, (
        f"regenerate with `python3 tasks.py release`: {mismatch or errors} differ"
    )


@pytest.mark.parametrize("step", ["solutions", "assignments"])
def test_every_companion_file_is_committed_current_beside_the_source_and_the_release(
    assignment, step
):
    # nbgrader's own generate_assignment copies them from solutions/, and autograde copies them
    # into each submission's folder from there: a fresh clone needs no command of the kit first
    for name, content in companion_files(assignment).items():
        assert (ROOT / step / assignment / name).read_bytes() == content, (
            f"{step}/{assignment}/{name}: run `python3 tasks.py release`"
        )


DATA = ".csv"  # the data sets: values, no text of the kit's


def release_texts(assignment):
    """{file name: text} of every file of the release but its data."""
    folder = ROOT / "assignments" / assignment
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in folder.iterdir()
        if path.is_file() and path.suffix != DATA
    }


def solution_code_cells(notebook):
    """The stubs' cells: a derivation cell (Markdown) has no code to compare."""
    return [cell for cell in solution_cells(notebook) if cell.cell_type == "code"]


def readable(name, text):
    """What a reader of the file sees: a notebook's cells and outputs, any other file as it is."""
    if not name.endswith(".ipynb"):
        return text
    notebook = nbformat.reads(text, as_version=4)
    outputs = (
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    return "\n".join([cell.source for cell in notebook.cells] + list(outputs))


def student_parts(assignment):
    """(where, text, whether it is code) of every part of every file of the release: a notebook
    cell by cell (its outputs as prose), a .py file as code, any other file as prose."""
    for name, text in release_texts(assignment).items():
        if not name.endswith(".ipynb"):
            yield name, text, name.endswith(".py")
            continue
        for number, cell in enumerate(nbformat.reads(text, as_version=4).cells):
            yield f"{name}, cell {number}", cell.source, cell.cell_type == "code"
            for output in cell.get("outputs", []):
                shown = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
                yield f"{name}, cell {number}'s output", shown, False


def test_the_scan_reads_every_file_a_student_gets_but_the_data(assignment):
    scanned = {where.split(",")[0] for where, _, _ in student_parts(assignment)}
    given = {f"{assignment}.ipynb"} | set(companion_files(assignment))
    assert scanned == {name for name in given if not name.endswith(DATA)}


def test_no_closed_form_of_a_graded_quantity_reaches_the_student(assignment):
    # the notebooks lead up to each step; the result is the student's to derive (spec §6, "Derivation
    # first"); code, the notebook's or a companion file's, holds no answer either
    found = {
        where: [f"line {n}: {line.strip()}" for n, line in lines_with_closed_forms(text, code)]
        or closed_forms_in(text, code)
        for where, text, code in student_parts(assignment)
        if closed_forms_in(text, code)
    }
    assert not found, found


def test_the_instructors_version_states_each_closed_form_the_release_is_checked_for(assignment):
    # so that the check above looks for spellings the kit itself writes, and would find them
    items = {item.id for item in load_course().assignment(assignment).items} & set(CLOSED_FORMS)
    stated = closed_forms_in(
        readable(".ipynb", notebook_path("solutions", assignment).read_text(encoding="utf-8"))
    )
    assert items and items <= set(stated), (
        f"no closed form of {sorted(items - set(stated))} in the solution notebook"
    )


def test_the_release_holds_no_solution_and_no_hidden_tests(assignment):
    for name, text in release_texts(assignment).items():
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{name} holds {marker}"


def test_the_release_imports_neither_the_reference_nor_the_grader(assignment):
    for name, text in release_texts(assignment).items():
        assert not re.search(r"\b(import|from)\s+(source_impl|autograder)\b", text), name


def substantial_lines(code):
    return {
        line.strip()
        for line in code.splitlines()
        if len(line.strip()) >= 25 and not line.strip().startswith("#")
    }


def reference_body(function):
    """The code of a function's body, its docstring left out."""
    source = inspect.getsource(function)
    body = ast.parse(source).body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return "\n".join(ast.get_source_segment(source, node) for node in body)


def code_of(name, text):
    if name.endswith(".ipynb"):
        return "\n".join(
            cell.source
            for cell in nbformat.reads(text, as_version=4).cells
            if cell.cell_type == "code"
        )
    return text


def test_the_release_holds_no_body_of_a_reference_or_solution_function(assignment):
    answers = set()
    for name in source_impl.__all__:
        if name != "Params":  # given to the students, not theirs to write
            answers |= substantial_lines(reference_body(getattr(source_impl, name)))
    for cell in solution_code_cells(
        nbformat.read(notebook_path("solutions", assignment), as_version=4)
    ):
        answers |= substantial_lines(
            cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
        )
    for name, text in release_texts(assignment).items():
        code = code_of(name, text)
        leaked = [line for line in answers if line in code]
        assert not leaked, f"{name} holds answer lines: {leaked[:3]}"


def test_every_stub_in_the_release_raises_not_implemented(assignment):
    notebook = nbformat.read(notebook_path("assignments", assignment), as_version=4)
    stubs = solution_code_cells(notebook)
    assert stubs
    for cell in stubs:
        assert cell.source.rstrip().endswith("raise NotImplementedError()"), cell.source


def test_the_assignment_readme_names_the_graded_notebook_and_every_graded_cell_with_its_points(
    assignment,
):
    readme = (ROOT / "assignments" / assignment / "README.md").read_text(encoding="utf-8")
    course = load_course().assignment(assignment)
    assert (
        f"Only `{assignment}.ipynb` is graded" in readme
        and "Submit" in readme
        and "pytest" in readme
    )
    rows = dict(
        re.findall(r"^\| (?:推导 derivation )?`(\w+)` \| .* \| ([\d.]+) \|$", readme, flags=re.M)
    )
    expected = {item.function: item.points for item in course.items} | {
        d.id: d.points for d in course.derivations
    }
    assert {name: float(points) for name, points in rows.items()} == expected
    assert f"| **合计 Total** | | **{course.total_points:g}** |" in readme


def test_the_assignment_readme_says_what_the_feedback_shows_under_each_feedback_setting(
    assignment,
):
    course = load_course()
    assert course.feedback == "case"  # the shipped default
    shown = student_readme.readme(assignment, course)
    summary = student_readme.readme(assignment, dataclasses.replace(course, feedback="summary"))
    # feedback: case shows the student's own first failing case whole, in both languages
    assert (
        "your own first failing hidden case whole" in shown
        and "你自己的第一个未通过的隐藏用例" in shown
    )
    assert "no other hidden case's values" in shown and "其它隐藏用例的数值不会给出" in shown
    assert "never a hidden case's values" not in shown and "不给出隐藏用例的数值" not in shown
    # feedback: summary shows none of a hidden case's values
    assert "never a hidden case's values" in summary and "不给出隐藏用例的数值" in summary
    assert "first failing hidden case whole" not in summary and "你自己的第一个" not in summary
