"""The course on Zero to JupyterHub (docs/z2jh/): the grading service's Deployment runs the kit's
service on the hub's layout, every student's server mounts the exchange where the service reads it
and never the course folder, the instructor's server is the staff group's, the service's token is
the one the chart keeps for it, and the student's image installs the student's requirements
without the instructor's extensions. Nothing here runs Kubernetes or Docker: it reads the files."""

import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config

from autograder import ROOT
from autograder.hub.layout import STAFF, HubLayout

Z2JH = ROOT / "docs" / "z2jh"


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((Z2JH / "values.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifests():
    documents = yaml.safe_load_all((Z2JH / "grading-service.yaml").read_text(encoding="utf-8"))
    return {(d["kind"], d["metadata"]["name"]): d for d in documents if d}


@pytest.fixture(scope="module")
def grader(manifests):
    (deployment,) = [d for (kind, _), d in manifests.items() if kind == "Deployment"]
    return deployment["spec"]["template"]["spec"]


def claims(volumes):
    """The PersistentVolumeClaims of a list or dict of Kubernetes volumes, by volume name."""
    entries = volumes.values() if isinstance(volumes, dict) else volumes
    return {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in entries}


def mounts(volume_mounts):
    entries = volume_mounts.values() if isinstance(volume_mounts, dict) else volume_mounts
    return {m["name"]: m["mountPath"] for m in entries}


def test_the_grading_service_runs_the_kits_module_on_the_hubs_exchange_and_course_folder(
    grader, manifests
):
    (container,) = grader["containers"]
    python, flag, module, *arguments = container["command"]
    assert (python, flag) == ("python", "-m")
    assert importlib.util.find_spec(module) is not None, f"{module} is no module of the kit"
    layout = HubLayout(Path(arguments[arguments.index("--hub-root") + 1]))
    assert mounts(container["volumeMounts"]) == {
        "exchange": str(layout.exchange),
        "course": str(layout.course),
    }
    for claim in claims(grader["volumes"]).values():
        assert ("PersistentVolumeClaim", claim) in manifests
        assert manifests["PersistentVolumeClaim", claim]["spec"]["accessModes"] == ["ReadWriteMany"]


def test_every_students_server_mounts_the_exchange_where_the_service_reads_it_and_not_the_course(
    values, grader, monkeypatch
):
    storage = values["singleuser"]["storage"]
    students = claims(storage["extraVolumes"])
    service = claims(grader["volumes"])
    assert students == {"exchange": service["exchange"]}
    assert service["course"] not in students.values()
    exchange = mounts(storage["extraVolumeMounts"])["exchange"]
    (container,) = grader["containers"]
    assert exchange == mounts(container["volumeMounts"])["exchange"]
    # nbgrader on the student's server looks for the exchange there, as the hub's name for them
    config = Config()
    monkeypatch.setenv("JUPYTERHUB_USER", "s01")
    code = (Z2JH / "student_nbgrader_config.py").read_text(encoding="utf-8")
    exec(compile(code, "student_nbgrader_config.py", "exec"), {"get_config": lambda: config})
    assert config.Exchange.root == exchange
    assert config.CourseDirectory.student_id == "s01"


def test_the_course_folder_is_mounted_on_the_staffs_servers_only_where_the_service_has_it(
    values, grader
):
    overrides = values["hub"]["config"]["KubeSpawner"]["group_overrides"]
    with_course = [
        override
        for override in overrides.values()
        if "course" in claims(override["spawner_override"].get("volumes", {}))
    ]
    assert [override["groups"] for override in with_course] == [[STAFF]]
    (staff,) = with_course
    (container,) = grader["containers"]
    assert (
        claims(staff["spawner_override"]["volumes"])["course"]
        == claims(grader["volumes"])["course"]
    )
    assert (
        mounts(staff["spawner_override"]["volume_mounts"])["course"]
        == mounts(container["volumeMounts"])["course"]
    )
    # the staff's group is the service's: the course folder is theirs (2770)
    assert grader["securityContext"]["runAsGroup"] in staff["spawner_override"]["supplemental_gids"]


def test_no_users_server_runs_as_the_grading_service(values, grader):
    config = Config()
    for snippet in values["hub"]["extraConfig"].values():
        exec(snippet, {"c": config})
    uid = config.KubeSpawner.uid
    service = grader["securityContext"]["runAsUser"]
    user_ids = [uid(SimpleNamespace(user=SimpleNamespace(id=i))) for i in range(1, 100_000)]
    assert len(set(user_ids)) == len(user_ids)
    assert service not in user_ids and 0 not in user_ids


def test_the_service_reads_the_token_the_hub_keeps_for_it(values, grader):
    (container,) = grader["containers"]
    environment = {e["name"]: e for e in container["env"]}
    secret = environment["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]
    (service,) = values["hub"]["services"]
    assert environment["JUPYTERHUB_SERVICE_NAME"]["value"] == service
    assert secret == {
        "name": values["hub"]["existingSecret"],
        "key": f"hub.services.{service}.apiToken",  # the key the chart's hub reads it from
    }


def test_the_student_image_installs_the_students_requirements_without_the_instructors_extensions():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    lines = (Z2JH / "student.Dockerfile").read_text(encoding="utf-8").splitlines()
    requirements = tasks.STUDENT_REQUIREMENTS.relative_to(ROOT).as_posix()
    (copy,) = [line.split() for line in lines if line.startswith(f"COPY {requirements} ")]
    assert any(f"--requirement {copy[-1]}" in line for line in lines)
    disabled = set(re.findall(r"labextension disable (?:--\S+ )*(\S+)", "\n".join(lines)))
    assert disabled == set(tasks.INSTRUCTOR_EXTENSIONS)
    # nothing of the kit's goes into it
    copied = [line.split()[1] for line in lines if line.startswith("COPY ")]
    assert copied == [requirements, "docs/z2jh/student_nbgrader_config.py"], copied
