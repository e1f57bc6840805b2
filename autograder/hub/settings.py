"""What a hub was started with: its address and accounts, written by ``python -m autograder.hub``
into its state folder and read by its JupyterHub configuration (jupyterhub_config.py)."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder.hub.layout import HubLayout

SETTINGS = "settings.json"


@dataclass(frozen=True)
class HubSettings:
    root: Path
    ip: str
    port: int
    instructor: str
    students: tuple[str, ...]
    proxy: Path  # configurable-http-proxy's program
    kit_python: (
        Path  # the kit's Python: the hub's, the instructor's server's, the grading service's
    )

    @property
    def layout(self) -> HubLayout:
        return HubLayout(self.root)

    def write(self) -> None:
        """Write the settings into the hub's state folder (root's alone)."""
        fields = {**asdict(self), "students": list(self.students)}
        text = json.dumps({key: str(v) if isinstance(v, Path) else v for key, v in fields.items()})
        (self.layout.state / SETTINGS).write_text(text, encoding="utf-8")

    @classmethod
    def read(cls, root: Path) -> "HubSettings":
        """The settings of the hub at root; a clear error when it was never set up."""
        path = HubLayout(root).state / SETTINGS
        try:
            fields = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{path} is missing: start the hub with python3 tasks.py hub, which writes it"
            ) from None
        return cls(
            root=Path(fields["root"]),
            ip=fields["ip"],
            port=int(fields["port"]),
            instructor=fields["instructor"],
            students=tuple(fields["students"]),
            proxy=Path(fields["proxy"]),
            kit_python=Path(fields["kit_python"]),
        )
