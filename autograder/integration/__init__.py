"""nbgrader integration: the course folder and nbgrader's commands, the release, and the hooks nbgrader calls."""
