"""``LimitOutputSize``: a submission's outputs kept to a size a feedback page, a gradebook and a round can carry.

nbgrader's ``LimitOutput`` counts lines: one print of 200 MB on one line passes it whole into the
autograded notebook and the feedback page (a 191 MB page, a round of 2.3 GiB). Placed after it in
nbgrader's autograde chain, this cuts each code cell's outputs to ``cell_characters`` and the
notebook's to ``notebook_characters``: a stream or an error is cut where the limit falls, any other
output (HTML, an image) that does not fit is left out whole; either way a line in the cell says what
was cut and why.
"""

import json
from collections.abc import Sequence

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer


class LimitOutputSize(NbGraderPreprocessor):
    """Cuts each code cell's outputs, and the notebook's, to a number of characters, with a note saying so."""

    cell_characters = Integer(
        100_000, help="The characters of output a code cell keeps (its outputs' JSON)."
    ).tag(config=True)
    notebook_characters = Integer(
        2_000_000, help="The characters of output the whole notebook keeps."
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        left = self.notebook_characters
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.outputs:
                cell.outputs, used = self.limited(cell.outputs, min(self.cell_characters, left))
                left -= used
        return nb, resources

    def limited(self, outputs: Sequence[NotebookNode], room: int) -> tuple[list[NotebookNode], int]:
        """(the outputs that fit in room characters, with a note where any was cut, the characters kept)."""
        kept: list[NotebookNode] = []
        used, cut = 0, 0
        for output in outputs:
            size = _size(output)
            if used + size <= room:
                kept.append(output)
                used += size
                continue
            cut += 1
            if output.output_type == "stream" and room - used > 0:
                output.text = output.text[: room - used]
                kept.append(output)
                used = room
        if cut:
            note = (
                f"\n[output cut: this cell's output is kept to {self.cell_characters:,} characters and the "
                f"notebook's to {self.notebook_characters:,}; {cut} output(s) shortened or left out]\n"
            )
            kept.append(new_output("stream", name="stderr", text=note))
        return kept, used


def _size(output: NotebookNode) -> int:
    return len(json.dumps(output, ensure_ascii=False))
