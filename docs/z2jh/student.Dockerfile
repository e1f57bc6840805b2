# Every student's server on Zero to JupyterHub: what `python3 tasks.py student` installs
# (student/requirements.txt, nbgrader's instructor extensions disabled, as tasks.py's
# INSTRUCTOR_EXTENSIONS), and JupyterHub's single-user server. Nothing of the kit's: no reference,
# no solutions, no course.yaml. Build from the repository's folder:
#   docker build -f docs/z2jh/student.Dockerfile -t registry.example.edu/ml-ch5/student:2026.1 .
FROM python:3.12-slim

ENV VIRTUAL_ENV=/opt/venv-student PATH=/opt/venv-student/bin:$PATH
COPY student/requirements.txt /opt/student-requirements.txt
# the hub is JupyterHub 5 (the chart's): its single-user server must be of the same major version
RUN python -m venv $VIRTUAL_ENV \
 && pip install --no-cache-dir --requirement /opt/student-requirements.txt "jupyterhub>=5,<6" \
 && jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader \
 && jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:create-assignment \
 && jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:course-list \
 && rm /opt/student-requirements.txt
COPY docs/z2jh/student_nbgrader_config.py /etc/jupyter/nbgrader_config.py

# The home volume is mounted here; KubeSpawner runs the server as the student's own user id
# (values.yaml), in group 100, which owns the volume.
ENV HOME=/home/jovyan
RUN mkdir -p $HOME && chgrp 100 $HOME && chmod 2775 $HOME
WORKDIR /home/jovyan
USER 1000:100
CMD ["jupyterhub-singleuser"]
