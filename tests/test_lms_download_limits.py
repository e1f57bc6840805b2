"""An LMS download is data, never a path: its links are listed and not followed, and it is read within course.yaml's limits.

A link in an unpacked download (to the course's solution), a link entry in a zip, a zip inside the
zip that holds a link (which the round once advised to unpack), entries past the size or the
compression ratio of one file, and a download past the count or the size of all: each is noted
by name or refused with the limit's key, and no file a link points at is read. A 3 MiB zip bomb
is read by the round's own code in a process that stays under 1 GiB.
"""

import io
import json
import stat
import subprocess
import sys
import tracemalloc
import zipfile
import zlib

import pytest

from autograder import ROOT
from autograder.grading.course import DownloadLimits, load_course
from autograder.rounds import lms_download
from autograder.rounds.lms_download import DownloadError

LIMITS = load_course().downloads
CANVAS = "wangwei_1001_71001_{}"
SECRET = b'{"the solution": "not to be read"}'


def link_entry(archive, name, target):
    """A zip entry that unzip makes a symbolic link: its mode says so, its content is the target."""
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 10, 0, 0))
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive.writestr(info, target)


def problems(arrivals):
    return {arrival.path: arrival.problem for arrival in arrivals}


def test_a_link_in_an_unpacked_download_is_noted_and_not_followed(tmp_path):
    secret = tmp_path / "solution.ipynb"
    secret.write_bytes(SECRET)
    download = tmp_path / "download"
    download.mkdir()
    (download / CANVAS.format("bp.ipynb")).symlink_to(secret)
    (download / "folder").symlink_to(tmp_path)
    found = lms_download.read_download(download)
    assert problems(found) == {
        CANVAS.format("bp.ipynb"): "a symbolic link: not followed, not graded",
        "folder": "a symbolic link: not followed, not graded",
    }
    assert all(arrival.content == b"" for arrival in found)


def test_a_link_entry_in_a_zip_is_noted_and_never_graded(tmp_path):
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        link_entry(archive, CANVAS.format("bp.ipynb"), "/proc/self/cwd/solutions/bp/bp.ipynb")
    (found,) = lms_download.read_download(path)
    assert found.problem == "a symbolic link: not followed, not graded"
    sorting = lms_download.sort(
        [found], [lms_download.RosterEntry("s1", lms_user_id="1001")], {"bp": {"x"}}, ["bp"]
    )
    assert sorting.chosen == {} and [note.what for note in sorting.notes] == [found.problem]


def test_a_zip_inside_the_download_that_holds_a_link_is_not_advised_to_be_unpacked(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        link_entry(archive, "bp.ipynb", "/proc/self/cwd/solutions/bp/bp.ipynb")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("bp.ipynb", "{}")
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(CANVAS.format("linked.zip"), inner.getvalue())
        archive.writestr(CANVAS.format("plain.zip"), plain.getvalue())
    notes = {a.file: lms_download._not_a_notebook(a) for a in lms_download.read_download(path)}
    assert "not to be unpacked" in notes["linked.zip"] and "'bp.ipynb'" in notes["linked.zip"]
    assert "unpack it" not in notes["linked.zip"].replace("not to be unpacked", "")
    assert notes["plain.zip"].endswith("unpack it into the download and run again")


class _Deflated:
    """zipfile's compressor for entries that are all the same bytes: deflated once, not once an entry."""

    cache = {}

    def __init__(self, data):
        if data not in self.cache:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            self.cache[data] = packer.compress(data) + packer.flush()
        self.packed = self.cache[data]

    def compress(self, data):
        return self.packed

    def flush(self):
        return b""


def bomb(path, entries, size, monkeypatch):
    """A zip of entries of size bytes of zeros each: deflate packs them about a thousand to one."""
    zeros = b"\0" * size
    monkeypatch.setattr(zipfile, "_get_compressor", lambda *args: _Deflated(zeros))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(entries):
            archive.writestr(CANVAS.format(f"bp{number}.ipynb"), zeros)
    monkeypatch.undo()
    return path


def test_an_entry_past_the_ratio_or_the_size_of_one_file_is_noted_and_not_unpacked(
    tmp_path, monkeypatch
):
    limits = DownloadLimits(entries=10, entry_mib=2, total_mib=100, ratio=100)
    path = bomb(tmp_path / "bomb.zip", 1, 3 * 2**20, monkeypatch)
    (found,) = lms_download.read_download(path, limits)
    assert "larger than course.yaml's downloads.entry_mib of 2 MiB" in found.problem
    roomy = DownloadLimits(entries=10, entry_mib=8, total_mib=100, ratio=100)
    (found,) = lms_download.read_download(path, roomy)
    assert "more than course.yaml's downloads.ratio of 100" in found.problem
    assert found.content == b""


@pytest.mark.parametrize(
    "limits, key",
    [
        (DownloadLimits(entries=3, entry_mib=8, total_mib=100, ratio=10**6), "downloads.entries"),
        (DownloadLimits(entries=10, entry_mib=8, total_mib=3, ratio=10**6), "downloads.total_mib"),
    ],
)
def test_a_download_past_the_count_or_the_size_of_all_is_refused_naming_the_limit(
    tmp_path, limits, key, monkeypatch
):
    path = bomb(tmp_path / "many.zip", 4, 2**20, monkeypatch)
    with pytest.raises(DownloadError, match=key.split(".")[1]) as refused:
        lms_download.read_download(path, limits)
    assert str(path) in str(refused.value)


def test_the_course_limits_let_a_class_of_a_thousand_through(tmp_path):
    """Two notebooks of 100 kB and a receipt per student, as deflate packs JSON: well within every default."""
    notebook = json.dumps({"cells": [{"source": f"line {n}\n" * 40} for n in range(200)]})
    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for student in range(1000):
            for name in ("bp.ipynb", "perceptron.ipynb", "receipt.txt"):
                archive.writestr(f"s{student}_{1000 + student}_1_{name}", notebook)
    found = lms_download.read_download(path)
    assert len(found) == 3000 and not any(arrival.problem for arrival in found)


def read_in_a_process_of_its_own(path):
    """(entries, entries not unpacked, bytes unpacked, peak resident bytes) of the round's reading of the download in a new process."""
    script = (
        "import resource, sys\n"
        "from autograder.rounds import lms_download\n"
        "found = lms_download.read_download(sys.argv[1])\n"
        "unpacked = sum(len(a.content) for a in found)\n"
        "print(len(found), sum(bool(a.problem) for a in found), unpacked, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    entries, refused, unpacked, peak_kib = map(int, result.stdout.split())
    return entries, refused, unpacked, peak_kib * 1024


def test_a_3_mib_zip_bomb_is_read_in_under_a_gibibyte(tmp_path, monkeypatch):
    path = bomb(tmp_path / "bomb.zip", 50, 60 * 2**20, monkeypatch)
    assert path.stat().st_size < 4 * 2**20
    entries, refused, unpacked, peak = read_in_a_process_of_its_own(path)
    assert (entries, refused, unpacked) == (50, 50, 0)
    assert peak < 2**30


def test_a_downloads_files_are_unpacked_to_disk_not_held_in_memory(tmp_path, monkeypatch):
    """300 MiB that the limits allow (the ratio raised for zeros) reach the round as files, not bytes.

    Python's own allocations are traced (tracemalloc): the process's resident size would also
    count what the C allocator keeps of freed blocks.
    """
    path = bomb(tmp_path / "large.zip", 10, 30 * 2**20, monkeypatch)
    limits = DownloadLimits(entries=100, entry_mib=64, total_mib=1024, ratio=10**6)
    tracemalloc.start()
    try:
        found = lms_download.read_download(path, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20  # a piece at a time, not the 300 MiB
    assert [len(arrival.content) for arrival in found] == [30 * 2**20] * 10
