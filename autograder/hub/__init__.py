"""The course on JupyterHub: the hub's accounts and files, the students' confined servers, and the
service that grades each submission as it arrives (docs/hub.md)."""
