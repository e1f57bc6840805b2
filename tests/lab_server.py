"""JupyterLab on localhost and the headless Chromium that drives it, for the browser tests."""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As the machines here need it: root needs --no-sandbox; there is no network to reach out to.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Render every cell (JupyterLab otherwise renders only those in view) and ask nothing about news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Chromium is missing: install Debian's chromium package (python3 tasks.py test does when run as root)",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(home, folder, cwd=None, environment=None):
    """A JupyterLab server on localhost serving folder; yields (base URL, token).

    Its configuration, settings and workspaces live under home (config/, settings/, workspaces/),
    its log in home/server.log. It runs in cwd (default: this process's), where nbgrader's
    extensions read nbgrader_config.py; environment adds to the server's environment.
    """
    for name, settings in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        **(environment or {}),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
    ]
    command += [
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--allow-root",
    ]
    with open(home / "server.log", "w") as log:
        server = subprocess.Popen(
            command, env=environment, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(
                        "JupyterLab did not start:\n" + (home / "server.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=30)


def dialog_outcome(page):
    """The text of the dialog nbgrader opens (Validate's), once it says its outcome."""
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=240_000)
    page.wait_for_function(
        "() => !/Validating/.test(document.querySelector('.jp-Dialog').innerText)",
        polling=500,
        timeout=240_000,
    )
    return dialog.inner_text()


# Playwright's default wait for an action (30 s) is a quiet machine's; on two cores busy with the
# rest of the suite a click or a screenshot waits behind nbgrader's commands and kernels
ACTION_TIMEOUT_MS = 120_000


def new_page(browser, **options):
    """A page of a browser context of its own, whose actions wait up to ACTION_TIMEOUT_MS."""
    context = browser.new_context(**options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context.new_page()


@contextlib.contextmanager
def chromium():
    """Headless Chromium, the system's, driven by Playwright."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
