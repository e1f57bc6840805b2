"""Nothing a student may not see leaves the autograde kernel: the snooper's feedback, through nbgrader's commands and the round.

A snooping submission (complete, plus one cell) reads what it can reach from the folder nbgrader
runs it in and prints it: the reference's source, course.yaml, the gradebook, the other students'
folders, the early reports' folder, the exchange, the instructor's home, the folders above it,
its environment and that of nbgrader's process (/proc), and a program's output. nbgrader runs
with a JupyterHub token and a cloud key in its environment. After `nbgrader autograde` and
`nbgrader generate_feedback`, and after a round on the same submissions, the snooper's feedback
page holds none of it; the honest student's grade is full. `nbgrader release_feedback` holds
back a page that leaks, names the line, and releases the others. A submission that ships a
package ``autograder`` with a ``confinement.py`` of its own does not replace the kernel's launcher.
"""

import asyncio
import secrets
import subprocess
import sys

import nbformat
import pytest
from adversarial_notebooks import LIVE_IN_PAGE, LIVE_MARKDOWN, LIVE_OUTPUTS
from nbgrader.api import Gradebook
from notebooks import ROOT

from autograder.grading.course import load_course
from autograder.integration import feedback_check, kernel_folder
from autograder.integration.nbgrader_course import AUTOGRADED, FEEDBACK
from autograder.rounds.grading_round import Round
from autograder.sandbox import confinement
from simulated_class.class_source import SimulatedClass
from simulated_class.students import DUE, filled, solution_sources

pytestmark = pytest.mark.skipif(
    confinement.landlock_abi() == 0,
    reason="needs Landlock, which this machine's kernel lacks (see the sandbox table in docs/developers.md)",
)

ASSIGNMENT = "bp"
HONEST, SNOOPER, HIJACKER, LINKER = "aa_honest", "zz_snooper", "zz_hijacker", "zz_linker"
LINKED = "zz_linked_submission"  # its submitted notebook is a link to the solution
POINTS = sum(item.points for item in load_course().assignment(ASSIGNMENT).items)
TOKEN, CLOUD_KEY = f"tok-{secrets.token_hex(12)}", f"aws-{secrets.token_hex(12)}"
HOME_MARKER, EXCHANGE_MARKER = f"home-{secrets.token_hex(6)}", f"exchange-{secrets.token_hex(6)}"

SNOOP = """import importlib.util, json, os, pathlib, subprocess
def read(path):
    try:
        path = pathlib.Path(path)
        return path.read_text(errors="replace")[:400] if path.is_file() else " ".join(sorted(os.listdir(path)))[:400]
    except Exception as error:
        return type(error).__name__
seen = {label: read(path) for label, path in TARGETS.items()}
seen["early reports"] = read(os.environ.get("AUTOGRADER_EARLY_GRADES", "/nonexistent"))
seen.update({f"above {parent}": read(parent) for parent in list(pathlib.Path.cwd().parents)[:4]})
seen["nbgrader's environment"] = read(f"/proc/{os.getppid()}/environ")
seen["nbgrader's command"] = read(f"/proc/{os.getppid()}/cmdline")
try:
    seen["reference module"] = read(importlib.util.find_spec("source_impl.bp").origin)
except Exception as error:
    seen["reference module"] = type(error).__name__
try:
    seen["a program"] = subprocess.run(["cat", "/etc/hostname"], capture_output=True, text=True).stdout
except Exception as error:
    seen["a program"] = type(error).__name__
seen["environment"] = json.dumps(dict(os.environ))
for label, value in seen.items():
    print(f"snoop {label}: {value}")
"""


def snooping_cell(course, home, exchange):
    targets = {
        "reference": ROOT / "source_impl" / "bp.py",
        "course.yaml": ROOT / "course.yaml",
        "gradebook": course.gradebook,
        "the submissions": course.root
        / "submitted",  # the others' ids and notebooks: the snooper knows neither
        "the autograded notebooks": course.root / "autograded",
        "the exchange": exchange / "marker.txt",
        "the instructor's home": home / "notes.txt",
    }
    return f"TARGETS = { ({label: str(path) for label, path in targets.items()})!r}\n" + SNOOP


def linking_cell(course, home):
    """Links in the kernel's folder to what nbgrader and the kit would then read, write, chmod, copy and release unconfined."""
    links = {
        "bp.ipynb": course.root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        "notes.html": home / "notes.txt",
        "gradebook.html": course.gradebook,
    }
    return f"""import os
for name, target in { ({name: str(target) for name, target in links.items()})!r}.items():
    try:
        os.symlink(target, "link.tmp")
        os.replace("link.tmp", name)
        print("link", name, "made")
    except OSError as error:
        print("link", name, type(error).__name__)
"""


def complete_notebook(course):
    solutions = solution_sources(course.root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return filled(course.root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", solutions)


def submit_all(course, home, exchange):
    (course.root / "roster.csv").write_text(
        f"id\n{HONEST}\n{SNOOPER}\n{HIJACKER}\n{LINKER}\n{LINKED}\n", encoding="utf-8"
    )
    course.run("db", "student", "import", course.root / "roster.csv", log="roster")
    complete = nbformat.writes(complete_notebook(course)).encode("utf-8")
    course.write_submission(HONEST, ASSIGNMENT, complete, DUE[ASSIGNMENT])
    # nbgrader copies a submission's whole folder: one that ships the kernel's launcher of its own
    course.write_submission(HIJACKER, ASSIGNMENT, complete, DUE[ASSIGNMENT])
    package = course.root / "submitted" / HIJACKER / ASSIGNMENT / "autograder"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "confinement.py").write_text(
        f"open({str(home / 'hijacked')!r}, 'w').write('unconfined')\n", encoding="utf-8"
    )
    snooper = complete_notebook(course)
    setup = next(i for i, cell in enumerate(snooper.cells) if cell.cell_type == "code")
    snooper.cells.insert(
        setup + 1, nbformat.v4.new_code_cell(snooping_cell(course, home, exchange))
    )
    course.write_submission(
        SNOOPER, ASSIGNMENT, nbformat.writes(snooper).encode("utf-8"), DUE[ASSIGNMENT]
    )
    # a delta_gamma of the wrong sign: a grade of the solution's notebook would hide it
    linker = complete_notebook(course)
    wrong = next(
        c
        for c in linker.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "delta_gamma_code"
    )
    wrong.source = wrong.source.replace("return -eta", "return eta")
    linker.cells.insert(setup + 1, nbformat.v4.new_code_cell(linking_cell(course, home)))
    # and HTML that would run or load in its feedback page
    linker.cells.insert(setup + 2, nbformat.v4.new_markdown_cell(LIVE_MARKDOWN))
    linker.cells.insert(setup + 3, nbformat.v4.new_code_cell(LIVE_OUTPUTS))
    course.write_submission(
        LINKER, ASSIGNMENT, nbformat.writes(linker).encode("utf-8"), DUE[ASSIGNMENT]
    )
    course.write_submission(LINKED, ASSIGNMENT, b"{}", DUE[ASSIGNMENT])
    linked = course.notebook("submitted", LINKED, ASSIGNMENT)
    linked.unlink()
    linked.symlink_to(course.root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


@pytest.fixture(scope="module")
def secrets_around(tmp_path_factory):
    """The instructor's environment: a home with notes, an exchange with a file, a token and a cloud key."""
    folder = tmp_path_factory.mktemp("instructor")
    home, exchange = folder / "home", folder / "exchange"
    home.mkdir()
    exchange.mkdir()
    (home / "notes.txt").write_text(HOME_MARKER, encoding="utf-8")
    (home / "notes.txt").chmod(0o600)
    (exchange / "marker.txt").write_text(EXCHANGE_MARKER, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
        patch.setenv("AWS_SECRET_ACCESS_KEY", CLOUD_KEY)
        yield home, exchange


def new_course(tmp_path_factory, name, secrets_around):
    grading_round = Round(tmp_path_factory.mktemp(name), SimulatedClass(), assignments=[ASSIGNMENT])
    grading_round.release()
    submit_all(grading_round.course, *secrets_around)
    return grading_round


@pytest.fixture(scope="module")
def by_nbgrader(tmp_path_factory, secrets_around):
    """nbgrader's own autograde and generate_feedback on the submissions; autograde exits non-zero, as one is refused."""
    course = new_course(tmp_path_factory, "nbgrader", secrets_around).course
    assert course.run("autograde", ASSIGNMENT, "--force", log="autograde", check=False) != 0
    course.run("generate_feedback", ASSIGNMENT, "--force", log="generate_feedback")
    return course


@pytest.fixture(scope="module")
def by_the_round(tmp_path_factory, secrets_around):
    """The round on a course folder holding the same two submissions."""
    course = new_course(tmp_path_factory, "round", secrets_around).course
    command = [
        sys.executable,
        "-m",
        "autograder.rounds",
        "--course",
        str(course.root),
        "--assignments",
        ASSIGNMENT,
        "--jobs",
        "2",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return course


def page(course, student):
    return (course.root / FEEDBACK / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )


def total(course, student):
    with Gradebook(course.db_url) as book:
        return sum(
            grade.score
            for grade in book.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades
        )


@pytest.mark.parametrize("graded_by", ["by_nbgrader", "by_the_round"])
def test_the_snoopers_feedback_holds_nothing_it_may_not_see_and_says_each_read_was_refused(
    graded_by, request
):
    course = request.getfixturevalue(graded_by)
    text = feedback_check.page_text(page(course, SNOOPER))
    for label in (
        "reference",
        "course.yaml",
        "gradebook",
        "the submissions",
        "the autograded notebooks",
        "the exchange",
        "the instructor's home",
        "early reports",
        "nbgrader's environment",
        "nbgrader's command",
    ):
        assert f"snoop {label}: PermissionError" in text, label
    assert "snoop a program: PermissionError" in text  # no program starts
    for marker in (TOKEN, CLOUD_KEY, HOME_MARKER, EXCHANGE_MARKER, HONEST):
        assert marker not in text
    environment = {"JUPYTERHUB_API_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": CLOUD_KEY}
    own = feedback_check.submission_text(course.root, SNOOPER, ASSIGNMENT)
    reference = feedback_check.reference_lines()
    assert (
        feedback_check.leaks(
            page(course, SNOOPER), own, SNOOPER, [HONEST, SNOOPER], reference, environment
        )
        == []
    )
    # the snooper's own work is graded as it is
    assert total(course, HONEST) == total(course, SNOOPER) == POINTS


@pytest.mark.parametrize("graded_by", ["by_nbgrader", "by_the_round"])
def test_a_launcher_shipped_in_the_submission_is_not_the_one_that_starts_its_kernel(
    graded_by, request, secrets_around
):
    course = request.getfixturevalue(graded_by)
    home, _ = secrets_around
    assert not (home / "hijacked").exists()
    assert total(course, HIJACKER) == POINTS


@pytest.mark.parametrize("graded_by", ["by_nbgrader", "by_the_round"])
def test_links_the_kernel_tries_to_leave_are_refused_nothing_outside_the_students_folders_is_touched_and_nothing_it_wrote_runs_in_its_page(
    graded_by, request, secrets_around
):
    course = request.getfixturevalue(graded_by)
    home, _ = secrets_around
    solution = course.root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert (
        solution.read_bytes()
        == (ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
    )
    note = home / "notes.txt"
    assert (note.stat().st_mode & 0o777, note.read_text(encoding="utf-8")) == (0o600, HOME_MARKER)
    for name in ("bp.ipynb", "notes.html", "gradebook.html"):
        assert f"link {name} PermissionError" in feedback_check.page_text(page(course, LINKER))
    for folder in (AUTOGRADED, FEEDBACK):
        left = course.root / folder / LINKER / ASSIGNMENT
        assert not any(path.is_symlink() for path in left.rglob("*"))
        assert not {"notes.html", "gradebook.html"} & {path.name for path in left.iterdir()}
    assert LIVE_IN_PAGE.findall(page(course, LINKER)) == []
    # its own notebook was graded: the wrong delta_gamma costs its points
    delta_gamma = next(
        i for i in load_course().assignment(ASSIGNMENT).items if i.id == "delta_gamma"
    )
    assert total(course, LINKER) <= POINTS - delta_gamma.points


@pytest.mark.parametrize("graded_by", ["by_nbgrader", "by_the_round"])
def test_a_submitted_notebook_that_is_a_link_is_not_graded_and_says_why(graded_by, request):
    course = request.getfixturevalue(graded_by)
    assert not (course.root / AUTOGRADED / LINKED / ASSIGNMENT).exists()
    with Gradebook(course.db_url) as book:
        graded = [s.student_id for s in book.assignment_submissions(ASSIGNMENT) if s.score]
    assert LINKED not in graded and HONEST in graded
    if graded_by == "by_nbgrader":  # the round refuses it before nbgrader, in its check
        reason = kernel_folder.refusal(course.root, ASSIGNMENT, LINKED)
        assert (
            reason == f"not graded: in its submitted folder, {ASSIGNMENT}.ipynb is a symbolic link"
        )
        assert reason in (course.logs / "autograde.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra_pages", [0, 30])
def test_release_feedback_holds_back_a_student_with_a_page_that_leaks_names_the_line_and_releases_the_others(
    by_nbgrader, tmp_path, extra_pages
):
    """The leak in the student's page, or in one of 30 more pages beside it: release would send every one."""
    course = by_nbgrader
    leaked_line = next(
        line for line in sorted(feedback_check.reference_lines()) if line.startswith('"""')
    )
    folder = course.root / FEEDBACK / SNOOPER / ASSIGNMENT
    own = folder / f"{ASSIGNMENT}.html"
    original = own.read_text(encoding="utf-8")
    extras = [folder / f"page{number:02}.html" for number in range(extra_pages)]
    leaking = extras[len(extras) // 2] if extras else own
    for extra in extras:
        extra.write_text(original, encoding="utf-8")
    # as an unconfined kernel's output would
    leaking.write_text(
        original.replace("</body>", f"<pre>{leaked_line}\n{TOKEN}</pre></body>"), encoding="utf-8"
    )
    students = (HONEST, SNOOPER, HIJACKER, LINKER)  # those with a feedback page
    # what `nbgrader submit` and collect would have brought
    for student in students:
        (course.root / FEEDBACK / student / ASSIGNMENT / "submission_secret.txt").write_text(
            secrets.token_hex(8), encoding="utf-8"
        )
    try:
        exchange = tmp_path / "exchange"
        exchange.mkdir()
        code = course.run(
            "release_feedback",
            ASSIGNMENT,
            f"--Exchange.root={exchange}",
            log="release_feedback",
            check=False,
        )
        log = (course.logs / "release_feedback.log").read_text(encoding="utf-8")
    finally:
        for extra in extras:
            extra.unlink()
        own.write_text(original, encoding="utf-8")
    assert code != 0
    assert (
        f"not released: {SNOOPER}'s feedback holds a line of the reference's source: {leaked_line[:120]!r}"
        in log
    )
    assert "the grading environment's JUPYTERHUB_API_TOKEN" in log and TOKEN not in log
    released = list((exchange).rglob("feedback/*.html"))
    # one page each, of all but the snooper, who gets none of theirs
    assert len(released) == len(students) - 1 and all(
        TOKEN not in page.read_text(encoding="utf-8") for page in released
    )


@pytest.mark.parametrize("missing", ["landlock", "seccomp"])
def test_without_landlock_or_seccomp_an_autograde_kernel_is_refused_with_the_risk_and_the_way_out(
    missing, monkeypatch
):
    """Linux before 5.13, or a machine the seccomp filter does not know: this machine has both, so their absence is posed."""
    from autograder.sandbox import confined_kernel

    monkeypatch.setattr(confinement, "landlock_abi", lambda: 0 if missing == "landlock" else 7)
    monkeypatch.setattr(confinement, "can_forbid_new_processes", lambda: missing != "seccomp")
    monkeypatch.setenv(confined_kernel.AUTOGRADE_REPORT, "")
    monkeypatch.delenv(confined_kernel.ACCEPT_UNCONFINED, raising=False)
    with pytest.raises(confined_kernel.UnconfinedKernel) as refused:
        confined_kernel.ConfinedProvisioner()._autograde_reads("kit")
    message = str(refused.value)
    assert (
        "could read the reference solutions, the gradebook, other students' work and your environment's tokens"
        in message
    )
    assert f"{confined_kernel.ACCEPT_UNCONFINED}=yes" in message and "container" in message


def test_an_autograde_kernels_environment_keeps_blas_on_one_thread_whatever_nbgraders_says(
    monkeypatch,
):
    """Shards run side by side and a notebook's arrays are small: each of OpenBLAS's threads costs a kernel's start CPU."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    from autograder.integration.prompt_kernel import PromptKernelManager
    from autograder.sandbox import confined_kernel
    from autograder.sandbox.process import ONE_THREAD

    # as nbgrader_config.py makes it the default; the factory read the environment once, at its first use
    monkeypatch.setattr(
        KernelProvisionerFactory.instance(),
        "default_provisioner_name",
        "confined-local-provisioner",
    )
    monkeypatch.setenv(confined_kernel.AUTOGRADE_REPORT, "")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "8")

    async def environment():
        manager = PromptKernelManager(kernel_name="python3")
        _, options = await manager.pre_start_kernel()
        await manager.provisioner.cleanup(restart=False)
        return options["env"]

    kernels = asyncio.run(environment())
    assert {name: kernels.get(name) for name in ONE_THREAD} == ONE_THREAD
