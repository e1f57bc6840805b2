"""``python -m autograder``: see autograder/cli.py."""

import os
import sys

from autograder.cli import main

code = main()
# Once the grade is printed and written, the worker stopped and the scratch folder removed, nothing
# is left to tear down: the interpreter's own tear-down of NumPy and the course took about 50 ms of
# a grading's 0.6 s (autograde runs one grading per notebook). An exception still exits as usual.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
