"""``python -m autograder``: see autograder/cli.py."""

import os
import sys

from autograder.sandbox.process import ONE_THREAD

# before NumPy is imported (cli.main imports it): this process's BLAS on one thread too, unless the
# environment says otherwise; a grading start took 0.06 s longer with BLAS's threads
for name, value in ONE_THREAD.items():
    os.environ.setdefault(name, value)

from autograder.cli import main  # noqa: E402  (after the environment is set)

code = main()
# Once the grade is printed and written, the worker stopped and the scratch folder removed, nothing
# is left to tear down: the interpreter's own tear-down of NumPy and the course took about 50 ms of
# a grading's 0.6 s (autograde runs one grading per notebook). An exception still exits as usual.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
