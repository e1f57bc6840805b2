"""Running a student's code apart: the worker process, its confinement, and the confined Jupyter kernel."""
