"""nbgrader's configuration on a student's server (student.Dockerfile puts it in /etc/jupyter/).

The exchange is the shared volume, where every pod mounts it (values.yaml). The student's id is
the hub's name for them: nbgrader would otherwise take it from the passwd entry of the server's
user id, which is one of the student's own and has no entry in the image.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)
c.Exchange.root = "/srv/ml-ch5-hub/exchange"
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
