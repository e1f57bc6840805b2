"""Start the course's JupyterHub on this machine (as root; ``python3 tasks.py hub`` sets up first).

    python -m autograder.hub [--root DIR] [--ip IP] [--port N] [--instructor NAME] [--students N]

Makes the accounts (the instructor and the grading account in the staff group; student01…NN),
the hub's folders and course folder with the assignments released into the exchange, then runs
JupyterHub in the foreground with configurable-http-proxy, until it is stopped (Ctrl-C,
SIGTERM), which stops every server and the grading service with it. New passwords are written
once, to the state folder's passwords.json (root's alone), and kept on later starts.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from autograder import ROOT
from autograder.hub import accounts, configs, course_folder
from autograder.hub.layout import DEFAULT_ROOT, STAFF, HubLayout, student_names
from autograder.hub.namespace import BWRAP, SETPRIV
from autograder.hub.settings import HubSettings

PROXY_PACKAGE = "configurable-http-proxy@5"
PROXY_FOLDER = ROOT / "var" / "hub-proxy"
NPM_SECONDS = 600  # npm's folder for the proxy: root's, outside every hub
CONFIG = Path(__file__).with_name("jupyterhub_config.py")
# Formgrader and the course list are the instructor's: a student's server has neither.
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)


# JupyterLab asks each student whether to fetch news from the network, which a course has no use for
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}
}


class HubError(RuntimeError):
    """The hub cannot start here; the message says why and what to do."""


def check_machine() -> None:
    """The hub needs root (it makes accounts and starts servers as them), bubblewrap and setpriv, and npm."""
    if os.geteuid() != 0:
        raise HubError("the hub makes system accounts and starts servers as them: run it as root")
    for program, package in ((BWRAP, "bubblewrap"), (SETPRIV, "util-linux")):
        if not Path(program).exists():
            raise HubError(f"{program} is missing: apt-get install {package}")
    if shutil.which("npm") is None:
        raise HubError(
            "npm is missing (configurable-http-proxy comes from npm): apt-get install nodejs npm"
        )


def proxy_program() -> Path:
    """configurable-http-proxy, installed with npm into the kit's var/ when missing."""
    program = PROXY_FOLDER / "node_modules" / ".bin" / "configurable-http-proxy"
    if not program.exists():
        PROXY_FOLDER.mkdir(parents=True, exist_ok=True)
        print(f"installing {PROXY_PACKAGE} with npm", flush=True)
        # Node trusts the system's certificates as pip does, not only its own list: a network
        # that re-signs TLS with a certificate of its own installs it in the system's store
        options = f"{os.environ.get('NODE_OPTIONS', '')} --use-openssl-ca".strip()
        try:
            subprocess.run(
                ["npm", "install", "--silent", "--no-fund", "--no-audit"]
                + ["--prefix", str(PROXY_FOLDER), PROXY_PACKAGE],
                check=True,
                timeout=NPM_SECONDS,
                env={**os.environ, "NODE_OPTIONS": options},
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise HubError(
                f"npm could not install {PROXY_PACKAGE} into {PROXY_FOLDER} ({error}): "
                "is the npm registry reachable?"
            ) from None
    return program


def passwords(layout: HubLayout, names: list[str]) -> dict[str, str]:
    """Each account's password: those written before, and a new one for each new account."""
    path = layout.state / "passwords.json"
    known: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    wanted = {name: known.get(name) or secrets.token_urlsafe(12) for name in names}
    if wanted != known:
        path.touch(mode=0o600)
        path.write_text(json.dumps(wanted, indent=1), encoding="utf-8")
    return wanted


def student_environment(layout: HubLayout) -> None:
    """The students' Python without formgrader, and without JupyterLab's news."""
    overrides = layout.student_venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps(LAB_OVERRIDES), encoding="utf-8")
    jupyter = layout.student_venv / "bin" / "jupyter"
    for extension in INSTRUCTOR_SERVER_EXTENSIONS:
        subprocess.run(
            [jupyter, "server", "extension", "disable", "--sys-prefix", extension],
            check=True,
            capture_output=True,
        )


def prepare(args: argparse.Namespace) -> HubSettings:
    """Everything the hub needs, made or checked; the settings its configuration reads."""
    check_machine()
    layout = HubLayout(args.root.resolve())
    layout.state.mkdir(parents=True, exist_ok=True, mode=0o700)
    layout.state.chmod(0o700)
    if not (layout.student_venv / "bin" / "jupyterhub-singleuser").exists():
        raise HubError(
            f"{layout.student_venv} has no JupyterHub: python3 tasks.py hub makes it before starting"
        )
    students = student_names(args.students)
    given = passwords(layout, [args.instructor, *students])
    accounts.ensure_user(args.instructor, groups=(STAFF,), password=given[args.instructor])
    for name in students:
        accounts.ensure_user(name, password=given[name])
    course_folder.prepare(layout)
    configs.write(layout)
    student_environment(layout)
    settings = HubSettings(
        root=layout.root,
        ip=args.ip,
        port=args.port,
        instructor=args.instructor,
        students=tuple(students),
        proxy=proxy_program(),
        kit_python=Path(sys.executable),
    )
    settings.write()
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 tasks.py hub", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the hub's folder")
    parser.add_argument("--ip", default="127.0.0.1", help="the address to serve on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--instructor", default="instructor", help="the instructor's account")
    parser.add_argument("--students", type=int, default=2, help="how many student accounts")
    args = parser.parse_args(argv)
    try:
        settings = prepare(args)
    except (HubError, accounts.AccountError, course_folder.HubSetupError) as error:
        print(f"the hub cannot start: {error}", file=sys.stderr)
        return 2
    print(
        f"JupyterHub on http://{settings.ip}:{settings.port}/ — accounts: {settings.instructor} "
        f"(formgrader), {', '.join(settings.students)}; passwords in {settings.layout.state / 'passwords.json'}",
        flush=True,
    )
    environment = {**os.environ, "ML_CH5_HUB_ROOT": str(settings.root)}
    os.chdir(settings.layout.state)
    os.execve(
        sys.executable,
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
        environment,
    )


if __name__ == "__main__":
    sys.exit(main())
