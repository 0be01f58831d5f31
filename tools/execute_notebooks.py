"""Pair each MyST notebook with its .ipynb and execute the .ipynb in place (outputs and widget state saved).

    python tools/execute_notebooks.py chapters/en/rnn-concise.md [more.md ...]

The kernel runs in the notebook's folder with OMP_NUM_THREADS=1, as nbval does in CI.
"""
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient


def execute(md_path, timeout=1200):
    md_path = Path(md_path)
    nb = jupytext.read(md_path)
    nb.metadata.setdefault('jupytext', {})['formats'] = 'ipynb,md:myst'
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', store_widget_state=True,
                            resources={'metadata': {'path': str(md_path.parent)}})
    start = time.perf_counter()
    client.execute()
    out = md_path.with_suffix('.ipynb')
    nbformat.write(nb, out)
    print(f'{out}: executed in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    for path in sys.argv[1:]:
        execute(path)
