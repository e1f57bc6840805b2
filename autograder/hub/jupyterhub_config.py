"""The hub's JupyterHub configuration: ``jupyterhub -f`` this file, with ML_CH5_HUB_ROOT naming the
hub's root (``python -m autograder.hub`` does both). Everything of the hub's own (its database,
cookie secret, proxy's pid) stays in the state folder, which only root can enter."""

import os
import pwd
from pathlib import Path

from autograder.hub.layout import GRADER
from autograder.hub.namespace import staff_command
from autograder.hub.settings import HubSettings
from autograder.hub.spawner import CourseSpawner

settings = HubSettings.read(Path(os.environ["ML_CH5_HUB_ROOT"]))
layout = settings.layout

c = get_config()  # type: ignore[name-defined]  # noqa: F821 (JupyterHub provides it)
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
# the hub's API and the proxy's, on loopback beside the public port (several hubs may share a machine)
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.port + 1}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 2}"
c.JupyterHub.db_url = f"sqlite:///{layout.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(layout.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(layout.state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [str(settings.proxy)]
c.ConfigurableHTTPProxy.pid_file = str(layout.state / "proxy.pid")

# System accounts with their passwords (PAM); a course's own authenticator (its university's
# single sign-on) replaces this, with the same user names as the system's accounts.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = {settings.instructor, *settings.students}

c.JupyterHub.spawner_class = CourseSpawner
c.CourseSpawner.staff = {settings.instructor}
c.CourseSpawner.hub_root = str(settings.root)
c.CourseSpawner.kit_python = str(settings.kit_python)
c.Spawner.default_url = "/lab"
# a server's first start imports JupyterLab and nbgrader: give a loaded machine its time
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

# Grading on submission, as its own account in a staff namespace, from the kit's Python
# (autograder/hub/grading_service.py); the hub gives it an API token, which it keeps from every
# command it starts.
c.JupyterHub.services = [
    {
        "name": "grading",
        "command": staff_command(
            pwd.getpwnam(GRADER),
            layout,
            settings.kit_python,
            [str(settings.kit_python), "-m", "autograder.hub.grading_service"]
            + ["--hub-root", str(settings.root)],
        ),
    }
]
