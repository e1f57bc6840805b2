# The kit on Zero to JupyterHub: the instructor's server (formgrader) and the grading service.
# The kit is installed editable from /kit, as `python3 tasks.py setup` installs it: the confined
# kernel refuses to start where the kit lies in site-packages. Build from the repository's folder:
#   docker build -f docs/z2jh/kit.Dockerfile -t registry.example.edu/ml-ch5/kit:2026.1 .
FROM python:3.12-slim

ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /kit
# the repository's files the kit runs from; not .venv/ or var/
COPY pyproject.toml README.md LICENSE course.yaml course.schema.json nbgrader_config.py tasks.py ./
COPY autograder autograder
COPY source_impl source_impl
COPY simulated_class simulated_class
COPY student student
COPY solutions solutions
COPY assignments assignments
RUN python -m venv $VIRTUAL_ENV \
 && pip install --no-cache-dir --editable /kit "jupyterhub>=5,<6" \
 && mkdir -p /kit/var && chmod 1777 /kit/var

ENV HOME=/home/jovyan
RUN mkdir -p $HOME && chgrp 100 $HOME && chmod 2775 $HOME
# the grading service's user id (grading-service.yaml); the instructor's server runs as their own
USER 2000:2001
CMD ["jupyterhub-singleuser"]
