"""The hub's accounts are made as root, once: a second call finds them and changes only what it is asked."""

import grp
import os
import pwd
import subprocess
import sys

import pytest

from autograder.hub import accounts

USER, GROUP = "ch5t-accounts", "ch5t-accounts-staff"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="making system accounts needs root")


@pytest.fixture
def made():
    yield accounts.ensure_user(USER, groups=[GROUP], password="first password")
    accounts.remove_user(USER)
    accounts.remove_group(GROUP)


def test_a_new_user_has_a_home_only_it_enters_and_its_groups(made):
    home = os.stat(made.pw_dir)
    assert (home.st_uid, home.st_mode & 0o777) == (made.pw_uid, accounts.HOME_MODE)
    assert USER in grp.getgrnam(GROUP).gr_mem


def test_making_it_again_changes_nothing_but_a_new_password(made):
    shadow = _shadow_entry(USER)
    again = accounts.ensure_user(USER, groups=[GROUP])
    assert again == made and _shadow_entry(USER) == shadow
    accounts.ensure_user(USER, password="second password")
    assert _shadow_entry(USER) != shadow


def test_removing_it_removes_its_home_and_removing_it_twice_is_no_error(made):
    accounts.remove_user(USER)
    accounts.remove_user(USER)
    with pytest.raises(KeyError):
        pwd.getpwnam(USER)
    assert not os.path.exists(made.pw_dir)


def test_a_command_runs_as_the_user_with_its_home_and_without_the_hubs_secrets(made):
    environment = {**os.environ, "JUPYTERHUB_API_TOKEN": "a-token-of-the-hub"}
    done = subprocess.run(
        accounts.as_user(
            made, [sys.executable, "-c", "import os; print(os.getuid(), os.environ['HOME'])"]
        ),
        env=accounts.user_environment(made, environment),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [str(made.pw_uid), made.pw_dir]
    assert "JUPYTERHUB_API_TOKEN" not in accounts.user_environment(made, environment)


def test_an_account_made_without_root_is_refused_with_the_reason(made):
    done = subprocess.run(
        accounts.as_user(
            made,
            [
                sys.executable,
                "-c",
                "from autograder.hub import accounts; accounts.ensure_group('ch5t-never')",
            ],
        ),
        env=accounts.user_environment(made),
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "needs root" in done.stderr


def _shadow_entry(user):
    with open("/etc/shadow", encoding="utf-8") as file:
        return next(line for line in file if line.startswith(f"{user}:"))
