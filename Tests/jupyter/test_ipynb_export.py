"""The .ipynb renderer's output is a valid nbformat 4.5 notebook.

RNNReportTests' NotebookIPYNBTests.snapshot pins NotebookDocument.ipynb() to the committed
snapshot validated here (a failing, an interrupted and a figure cell among its cells).
"""
import pathlib

import nbformat

SNAPSHOT = pathlib.Path(__file__).resolve().parents[1] / "RNNReportTests" / "Snapshots" / "notebook.ipynb"


def test_the_rendered_notebook_validates():
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing (RNNLAB_RECORD_SNAPSHOTS=1 swift test --filter NotebookIPYNBTests)"
    notebook = nbformat.read(str(SNAPSHOT), as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    kinds = [[o.output_type for o in c.outputs] for c in code]
    assert ["error"] in kinds
    assert ["display_data"] in kinds
    figure = next(c for c in code if c.outputs and c.outputs[0].output_type == "display_data")
    assert figure.outputs[0].data["image/svg+xml"].startswith("<svg")
