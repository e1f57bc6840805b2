"""The adversarial corpus's notebook entries: bp notebooks damaged, or attacking nbgrader's kernel.

Each entry turns a complete bp notebook (every stub filled with the solution) into a
submission with ``make(notebook)``, which returns the notebook or the file's bytes. Its
expected outcome, once nbgrader has autograded it and the cross-check has enforced the
out-of-kernel scores: ``not_graded``, a phrase of the reason when the submission cannot be
graded at all (the check before nbgrader, or nbgrader itself, refused it); else ``lower``, the items that must score below their points (every other
item gets its full points), ``flagged``, whether the cross-check must flag the in-kernel
scores, and ``prints``, a phrase that the notebook's own output in the feedback must show.

The kernel's working directory is autograded/<student>/bp/ of the course: the paths below
are what a student who knows nbgrader's layout would try.
"""

import json
import re
from dataclasses import dataclass

import nbformat

from autograder.grading.course import load_course
from simulated_class.students import TAMPER_ATTRIBUTE, TAMPER_CELLS, TAMPER_SYS_MODULES

KERNEL_FOLDER = load_course().kernel_folder

# HTML that would run or load in a feedback page, in a Markdown cell and in outputs
LIVE_MARKDOWN = """<script>document.title = 'pwned-markdown'</script><img src=x onerror="alert('pwned')">
![tracker](http://evil.example/tracker.png) <iframe src="http://evil.example/"></iframe> <b onclick="steal()">b</b>"""
LIVE_OUTPUTS = """from IPython.display import HTML, Javascript, SVG, display
display(HTML("<script>document.title = 'pwned-output'</script><img src='http://evil.example/o.png'>"))
display(Javascript("document.title = 'pwned-javascript'"))
display(SVG("<svg xmlns='http://www.w3.org/2000/svg' onload=\\"alert('pwned')\\"></svg>"))
"""
# what would run or load in a page: a script of the student's, a handler, a frame, an image from elsewhere
LIVE_IN_PAGE = re.compile(
    r"<script[^>]*>[^<]*pwned|<[a-z]+\s[^>]*\bon[a-z]+\s*=|<iframe|<img[^>]+src=.http://evil",
    re.IGNORECASE,
)

HONEST = "aa_honest"  # graded first, so that every attacker comes after it
TARGETS = (
    "../../../gradebook.db",
    f"../../../submitted/{HONEST}/bp/bp.ipynb",
    f"../../{HONEST}/bp/bp.ipynb",
    "../../../solutions/bp/bp.ipynb",
    "../../../assignments/bp/bp.ipynb",
)


@dataclass(frozen=True)
class NotebookEntry:
    name: str
    make: object
    lower: tuple = ()
    flagged: bool = False
    not_graded: str = ""
    prints: str = ""
    landlock: int = 0  # the Landlock ABI the outcome needs (1: files, 4: TCP, 6: signals); left out on a kernel without it


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def cell_of(notebook, grade_id):
    return next(
        cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def after_setup(code):
    """A new cell of the student's, right after the locked set-up cell."""

    def make(notebook):
        setup = notebook.cells.index(code_cells(notebook)[0])
        notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
        return notebook

    return make


def replace_in(grade_id, old, new):
    def make(notebook):
        cell = cell_of(notebook, grade_id)
        assert old in cell.source
        cell.source = cell.source.replace(old, new)
        return notebook

    return make


def delete_cell(grade_id):
    def make(notebook):
        notebook.cells.remove(cell_of(notebook, grade_id))
        return notebook

    return make


def after_setup_with_wrong_delta_gamma(code):
    """A cell of the student's after the set-up, in a notebook whose delta_gamma has the wrong sign: what the attack would hide."""
    return lambda notebook: after_setup(code)(
        replace_in("delta_gamma_code", "return -eta", "return eta")(notebook)
    )


def move_last_solution_first(notebook):
    solutions = [
        cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")
    ]
    notebook.cells.remove(solutions[-1])
    notebook.cells.insert(0, solutions[-1])
    return notebook


def with_kernel(name, language):
    def make(notebook):
        notebook.metadata["kernelspec"] = {"name": name, "language": language, "display_name": name}
        return notebook

    return make


def with_large_output(notebook):
    text = "0123456789" * 3_000_000  # 30 MB of stored output
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "print('long')", outputs=[nbformat.v4.new_output("stream", name="stdout", text=text)]
        )
    )
    return notebook


def truncated(notebook):
    text = nbformat.writes(notebook)
    return text[: len(text) // 2].encode("utf-8")


def with_latin1_bytes(notebook):
    return nbformat.writes(notebook).replace("Δγ", "\u00ff").encode("latin-1", errors="replace")


WRITE_COURSE_FILES = f"""import os
attempts = {{}}
for target in {TARGETS!r}:
    for name, action in (("append", lambda t: open(t, "ab").write(b"x")), ("delete", os.remove)):
        try:
            action(target)
            attempts[target, name] = "done"
        except OSError as error:
            attempts[target, name] = type(error).__name__
print(sorted(set(attempts.values())))
"""


FORGE_EARLY_REPORTS = """import fcntl, hashlib, json, os, pathlib
notebook = pathlib.Path("bp.ipynb").resolve()
name = hashlib.sha256(f"{hashlib.sha256(notebook.read_bytes()).hexdigest()}\\x1f{notebook.parent.parent.name}".encode()).hexdigest()
own = pathlib.Path(os.environ["AUTOGRADER_EARLY_GRADES"]) / name
outcome = set()
with open(own / "lock") as held:
    fcntl.flock(held, fcntl.LOCK_SH)  # the early grading has ended: its report is there
try:
    forged = json.loads((own / "report.json").read_text())
    for item in forged["items"]:
        item["score"], item["status"] = item["max_score"], "passed"
    (own / "report.json").write_text(json.dumps(forged))
    outcome.add("forged")
except OSError as error:
    outcome.add(type(error).__name__)
print("forge:", sorted(outcome))
"""


REDIRECT_EARLY_REPORTS = """import hashlib, json, os, pathlib, re
notebook = pathlib.Path("bp.ipynb").resolve()
student = notebook.parent.parent.name
name = hashlib.sha256(f"{hashlib.sha256(notebook.read_bytes()).hexdigest()}\\x1f{student}".encode()).hexdigest()
fake = pathlib.Path("fake_reports").resolve()
(fake / name).mkdir(parents=True)
(fake / name / "lock").write_text("")
ids = re.findall(r'hidden_score\\(\\\\?"(\\w+)', notebook.read_text())
items = [{"id": i, "score": 1.0, "max_score": 1.0, "status": "passed", "student_feedback": ""} for i in ids]
(fake / name / "report.json").write_text(json.dumps({"student": student, "items": items}))
os.environ["AUTOGRADER_EARLY_GRADES"] = str(fake)
"""


def leaving(what, code):
    """A cell that tries code, which leaves something in the kernel's folder, and prints what happened as `what: outcome`."""
    body = "\n".join(f"    {line}" for line in code.splitlines())
    return (
        "import os\n"
        "try:\n"
        f"{body}\n"
        f"    print({what!r} + ': done')\n"
        "except Exception as error:\n"
        f"    print({what!r} + ': ' + type(error).__name__)\n"
    )


def reading(path):
    """A cell that reads (or lists) the path, an expression, and prints what happened."""
    return (
        "import importlib.util, os\n"
        "try:\n"
        f"    path = {path}\n"
        "    print('read:', os.listdir(path) if os.path.isdir(path) else open(path, 'rb').read(200))\n"
        "except Exception as error:\n"
        "    print('read:', type(error).__name__)\n"
    )


def fake_display(score):
    """A cell that makes every float, so each hidden-test cell's score, display as score."""
    return f"get_ipython().display_formatter.formatters['text/plain'].for_type(float, lambda value, p, cycle: p.text('{score}'))"


NOTEBOOK_CORPUS = (
    NotebookEntry(
        "kernel_writes_course_files",
        after_setup(WRITE_COURSE_FILES),
        prints="['PermissionError']",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_kills_nbgrader",
        after_setup(
            "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError as error:\n    print('kill:', type(error).__name__)"
        ),
        prints="kill: PermissionError",
        landlock=6,
    ),
    # What the kernel may not read or start (confined_kernel.py); tests/test_kernel_confidentiality.py checks the feedback too.
    NotebookEntry(
        "kernel_reads_the_answer_key",
        after_setup(reading("importlib.util.find_spec('source_impl.bp').origin")),
        prints="read: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_reads_the_gradebook",
        after_setup(reading("'../../../gradebook.db'")),
        prints="read: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_lists_the_other_students",
        after_setup(reading("'../..'")),
        prints="read: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_reads_nbgraders_environment",
        after_setup(reading("f'/proc/{os.getppid()}/environ'")),
        prints="read: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_starts_a_program",
        after_setup(
            "import subprocess\ntry:\n    subprocess.run(['id'])\nexcept OSError as error:\n    print('program:', type(error).__name__)"
        ),
        prints="program: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_allocates_80_gb",
        after_setup(
            "import numpy as np\ntry:\n    hoard = np.ones(10**10)\nexcept MemoryError:\n    print('MemoryError')"
        ),
        prints="MemoryError",
    ),
    NotebookEntry(
        "kernel_connects_out",
        after_setup(
            "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22), 1)\nexcept OSError as error:\n    print('connect:', type(error).__name__)"
        ),
        prints="connect: PermissionError",
        landlock=4,
    ),
    NotebookEntry(
        "kernel_forges_the_early_report",
        after_setup_with_wrong_delta_gamma(FORGE_EARLY_REPORTS),
        lower=("delta_gamma",),
        prints="forge: ['PermissionError']",
        landlock=1,
    ),
    # What the kernel leaves in its folder is read by nbgrader and the kit, unconfined: no link,
    # pipe or huge file can be made there (confinement.py), and the folder is audited after the
    # kernel (kernel_folder.py): its notebook unchanged, its entries within course.yaml's limits.
    NotebookEntry(
        "kernel_links_its_notebook_to_the_solution",
        after_setup_with_wrong_delta_gamma(
            leaving(
                "link",
                "os.symlink('../../../solutions/bp/bp.ipynb', 'link.tmp')\nos.replace('link.tmp', 'bp.ipynb')",
            )
        ),
        lower=("delta_gamma",),
        prints="link: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_links_a_page_to_the_gradebook",
        after_setup(leaving("page", "os.symlink('../../../gradebook.db', 'notes.html')")),
        prints="page: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_puts_a_pipe_in_place_of_its_notebook",
        after_setup(leaving("pipe", "os.mkfifo('pipe.tmp')\nos.replace('pipe.tmp', 'bp.ipynb')")),
        prints="pipe: PermissionError",
        landlock=1,
    ),
    NotebookEntry(
        "kernel_writes_a_sparse_terabyte",
        after_setup(leaving("sparse", "open('big.bin', 'wb').truncate(2**40)")),
        prints="sparse: OSError",
    ),
    NotebookEntry(
        "kernel_rewrites_its_notebook",
        after_setup(leaving("rewrite", "open('bp.ipynb', 'a').write(' ')")),
        not_graded="bp.ipynb changed while its code ran",
    ),
    NotebookEntry(
        "kernel_fills_its_folder",
        after_setup(
            leaving(
                "fill",
                f"os.mkdir('junk')\nfor number in range({KERNEL_FOLDER.entries + 1}):\n    open(f'junk/{{number}}', 'w').close()",
            )
        ),
        not_graded=f"more than {KERNEL_FOLDER.entries} files and folders",
    ),
    # What it writes is shown in its feedback page, inert (tests/test_kernel_confidentiality.py too)
    NotebookEntry(
        "html_that_would_run_in_the_feedback",
        lambda notebook: after_setup(LIVE_OUTPUTS)(
            (notebook.cells.insert(1, nbformat.v4.new_markdown_cell(LIVE_MARKDOWN)), notebook)[1]
        ),
    ),
    # One long line passes nbgrader's LimitOutput (it counts lines): the kit cuts the characters.
    NotebookEntry(
        "kernel_prints_20_mb_on_one_line",
        after_setup("print('x' * 20_000_000)"),
        prints="[output cut:",
    ),
    # The kernel may point its own hidden-test calls at a report it wrote: only the in-kernel score changes.
    NotebookEntry(
        "kernel_redirects_the_early_reports",
        after_setup_with_wrong_delta_gamma(REDIRECT_EARLY_REPORTS),
        lower=("delta_gamma",),
        flagged=True,
    ),
    NotebookEntry(
        "kernel_patches_hidden_score",
        after_setup_with_wrong_delta_gamma(TAMPER_CELLS[TAMPER_ATTRIBUTE]),
        lower=("delta_gamma",),
        flagged=True,
    ),
    NotebookEntry(
        "kernel_swaps_the_graders_module",
        after_setup_with_wrong_delta_gamma(TAMPER_CELLS[TAMPER_SYS_MODULES]),
        lower=("delta_gamma",),
        flagged=True,
    ),
    NotebookEntry(
        "kernel_fakes_the_displayed_score",
        after_setup_with_wrong_delta_gamma(fake_display(1.0)),
        lower=("delta_gamma",),
        flagged=True,
    ),
    # nbgrader refuses a displayed score above the cell's points: the autograde chain writes the
    # out-of-kernel scores into the cells first, so the submission is graded, and flagged.
    NotebookEntry("kernel_displays_too_many_points", after_setup(fake_display(99)), flagged=True),
    # nbgrader's 0, the cross-check's 2
    NotebookEntry("graded_cell_deleted", delete_cell("delta_gamma"), flagged=True),
    NotebookEntry(
        "graded_cell_edited",
        replace_in("delta_gamma", 'selfcheck.check("delta_gamma", delta_gamma)', "2.0"),
    ),
    NotebookEntry(
        "function_renamed",
        replace_in("delta_gamma_code", "def delta_gamma(", "def delta_gama("),
        lower=("delta_gamma",),
    ),
    NotebookEntry(
        "function_defined_twice",
        lambda nb: (
            nb.cells.append(
                nbformat.v4.new_code_cell("def delta_gamma(eta, e):\n    return eta * e")
            ),
            nb,
        )[1],
        lower=("delta_gamma",),
    ),
    NotebookEntry("cells_out_of_order", move_last_solution_first),
    NotebookEntry("another_kernel", with_kernel("ir", "R")),
    NotebookEntry("very_large_notebook", with_large_output),
    NotebookEntry("corrupt_notebook", truncated, not_graded="not a readable notebook"),
    NotebookEntry("empty_notebook", lambda nb: b"", not_graded="not a readable notebook"),
    NotebookEntry("not_utf8", with_latin1_bytes, not_graded="not a readable notebook"),
    NotebookEntry(
        "not_a_notebook",
        lambda nb: json.dumps({"cells": "none"}).encode(),
        not_graded="not a readable notebook",
    ),
)
