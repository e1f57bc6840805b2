"""What a submission's code left in its folder, audited: every entry a regular file or folder with one name, within the limits; reads follow no link and wait on no pipe."""

import os
import socket

import pytest

from autograder.sandbox import leftovers

MIB = 2**20
LIMITS = {"file_bytes": 4 * MIB, "total_bytes": 6 * MIB, "entries": 20}


def audit(folder, **limits):
    return leftovers.audit(folder, **{**LIMITS, **limits})


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "autograded" / "s1" / "bp"
    folder.mkdir(parents=True)
    (folder / "bp.ipynb").write_text("{}", encoding="utf-8")
    (folder / "plots").mkdir()
    (folder / "plots" / "loss.png").write_bytes(b"png")
    return folder


def test_regular_files_and_folders_within_the_limits_pass(folder):
    assert audit(folder) == []


def test_links_pipes_sockets_and_hard_links_are_each_named(folder, tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades", encoding="utf-8")
    (folder / "notes.html").symlink_to(secret)
    (folder / "plots" / "dangling").symlink_to(tmp_path / "nowhere")
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "sock"))
        os.link(folder / "bp.ipynb", folder / "copy.ipynb")
        found = audit(folder)
    assert sorted(found) == sorted(
        [
            "notes.html is a symbolic link",
            "plots/dangling is a symbolic link",
            "elsewhere is a symbolic link",
            "pipe is a named pipe",
            "sock is a socket",
            "bp.ipynb is a hard link (2 names)",
            "copy.ipynb is a hard link (2 names)",
        ]
    )


def test_a_sparse_file_counts_whole_and_the_folder_its_total_and_entries(folder):
    with open(folder / "sparse.bin", "wb") as sparse:
        sparse.truncate(5 * MIB)  # no block written: a copy of it would be dense
    assert audit(folder) == ["sparse.bin has 5.0 MiB, more than 4.0 MiB"]
    (folder / "sparse.bin").unlink()
    for number in range(2):
        (folder / f"big{number}.bin").write_bytes(b"x" * (7 * MIB // 2))
    assert audit(folder) == ["its files hold 7.0 MiB, more than 6.0 MiB"]
    assert audit(folder, entries=3) == ["it holds more than 3 files and folders"]


def test_the_folder_itself_must_be_a_folder_not_a_link_to_one(folder, tmp_path):
    link = tmp_path / "linked"
    link.symlink_to(folder, target_is_directory=True)
    assert audit(link) == ["linked is a symbolic link"]


def test_read_regular_follows_no_link_and_waits_on_no_pipe(folder, tmp_path):
    (folder / "link.ipynb").symlink_to(folder / "bp.ipynb")
    os.mkfifo(folder / "pipe.ipynb")
    assert leftovers.read_regular(folder / "bp.ipynb") == b"{}"
    with pytest.raises(leftovers.NotRegular, match="a symbolic link"):
        leftovers.read_regular(folder / "link.ipynb")
    with pytest.raises(leftovers.NotRegular, match="a named pipe"):
        leftovers.read_regular(folder / "pipe.ipynb")  # returns at once: no writer is waited for
    with pytest.raises(FileNotFoundError):
        leftovers.read_regular(folder / "missing.ipynb")
