"""nbgrader's configuration for the course: solutions/ is the source step, assignments/ the release step.

The course id comes from course.yaml; every runtime file lives in var/, and so does the gradebook
unless NBGRADER_DB_URL or course.yaml's gradebook_url names a database (a PostgreSQL server's).
"""

import os

from autograder.sandbox.process import ONE_THREAD

# NumPy's BLAS on one thread in nbgrader's process, as in the grading command and the kernels,
# unless the environment says otherwise: set before the imports below bring NumPy in
for _name, _value in ONE_THREAD.items():
    os.environ.setdefault(_name, _value)

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import Autograde
from nbgrader.preprocessors import (
    ClearHiddenTests,
    Execute,
    LimitOutput,
    SaveAutoGrades,
)

from autograder import ROOT
from autograder.grading.course import load_course
from autograder.integration.feedback_page import (
    TEMPLATE_FILE,
    TEMPLATE_NAME,
    TEMPLATES,
    GradesAsTheyStand,
    KitFeedbackExporter,
    OfflineMath,
    nbgrader_templates,
)
from autograder.integration.gradebook_database import repository_url
from autograder.integration.inert_feedback import InertFeedback
from autograder.integration.kernel_folder import AuditKernelFolder
from autograder.integration.late_penalty import CourseLatePenalty
from autograder.integration.long_lived import freeze_what_is_imported
from autograder.integration.notebook_deadline import ExecuteWithinDeadline
from autograder.integration.output_limits import LimitOutputSize
from autograder.integration.score_of_record import ScoreOfRecord
from autograder.integration.start_grading import StartGrading
from autograder.nbgrader_cell import grading_timeout_seconds

COURSE = load_course()

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = COURSE.id
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.db_url = repository_url(COURSE)
# What a student finds in a derivation cell (a "Manually graded answer"): both languages, as every cell
c.ClearSolutions.text_stub = "在这里用文字和公式写出你的推导或回答（公式写在 $...$ 中）。\n\nWrite your derivation or answer here, in words and formulas (between $...$)."
# sqlite creates the gradebook, not its folder: a fresh clone has none
(ROOT / "var").mkdir(exist_ok=True)
# The first graded cell grades the whole notebook, out of process: nbgrader's 30 s cell limit
# would cut a slow submission short, so a cell may take as long as that grading may.
c.Execute.timeout = int(grading_timeout_seconds(COURSE)) + 30
# Start each notebook's grading as nbgrader starts its kernel, not when its first graded cell
# asks: a second core grades while the kernel starts (autograder/integration/early_grading.py). That
# out-of-kernel grade is the score of record: written into the graded cells before nbgrader
# saves them, whatever the student's code made the kernel show (autograder/integration/score_of_record.py).
# Right after the kernel, before any step reads its folder, the folder is audited: regular files
# and folders only, within limits, the notebook unchanged (autograder/integration/kernel_folder.py).
# After nbgrader's LimitOutput (lines), the outputs' size is cut too: a cell's, then the notebook's
# (autograder/integration/output_limits.py).
# nbgrader's Execute runs within a time limit on the whole notebook (autograder/integration/notebook_deadline.py).
_steps = Autograde.class_traits()["autograde_preprocessors"].default()
_ran, _limited = _steps.index(Execute) + 1, _steps.index(LimitOutput) + 1
_save = _steps.index(SaveAutoGrades)
c.Autograde.autograde_preprocessors = [
    StartGrading,
    *_steps[: _ran - 1],
    ExecuteWithinDeadline,
    AuditKernelFolder,
    *_steps[_ran:_limited],
    LimitOutputSize,
    *_steps[_limited:_save],
    ScoreOfRecord,
    *_steps[_save:],
]
# nbgrader's feedback shows each cell's source, the hidden tests included: clear them as the
# release does. Each graded cell's output stays: the score, status and hint, without case values.
# Nothing the student wrote runs or loads in the page (autograder/integration/inert_feedback.py).
# Each graded cell is named, an answer no person has graded shows as awaiting a grader, never 0,
# and the math is MathML: the page loads nothing from elsewhere (feedback_page.py).
c.GenerateFeedback.preprocessors = [
    GradesAsTheyStand,
    ClearHiddenTests,
    InertFeedback,
    OfflineMath,
    CSSHTMLHeaderPreprocessor,
]
c.GenerateFeedback.exporter_class = KitFeedbackExporter
c.KitFeedbackExporter.template_name = TEMPLATE_NAME
c.KitFeedbackExporter.template_file = TEMPLATE_FILE
c.KitFeedbackExporter.extra_template_basedirs = [nbgrader_templates(), str(TEMPLATES)]
# A submission's code runs in the kernel: confine it (autograder/sandbox/confined_kernel.py). nbclient
# builds its kernel manager without a parent, so jupyter_client reads this choice from the
# environment, not from this configuration. Every notebook runs in python3, whatever kernel
# its metadata names.
os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] = "confined-local-provisioner"
c.Execute.kernel_name = "python3"
# A feedback page that holds a line of the reference, another student's id or a secret of this
# environment is not released; the log names it (autograder/integration/feedback_check.py).
c.ExchangeFactory.release_feedback = "autograder.integration.feedback_check.CheckedReleaseFeedback"
# A submission past its due date loses what course.yaml's late_policy says (autograder/integration/late_penalty.py)
c.AssignLatePenalties.plugin_class = CourseLatePenalty
# nbgrader export: a real CSV file (names with commas stay in their column) whose cells a
# spreadsheet never runs as formulas (autograder/exports/grades_csv.py)
c.ExportApp.plugin_class = "autograder.exports.grades_csv.InertCsvExportPlugin"
# What arrives holds no link: nbgrader's collect and zip_collect leave, and name, a submission or a
# download's file that is a link or a special file, or past the course's limits (autograder/integration/intake.py)
c.ExchangeFactory.collect = "autograder.integration.intake.CheckedCollect"
c.ZipCollectApp.extractor_plugin = "autograder.integration.intake.CheckedExtractor"
# What nbgrader and the kit imported lives as long as the process: the garbage collector leaves it
# alone, during the command and at its exit, a quarter of a second of each command's CPU (long_lived.py)
freeze_what_is_imported()
