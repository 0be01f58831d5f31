"""pytest plugin for nbval (``-p tools.reader.nbval_reader``, Makefile target nbval): each page's one run also
proves its reader notebook.

Around the cells of every notebook that nbval collects it adds two items that run in the same kernel: before the first
cell, one that installs tools/reader/reader_check.py (the kernels find ``tools`` through ``PYTHONPATH``, which this
plugin sets to the checkout's root) with the page's hidden cells (those tools/reader/reader_notebooks.py leaves
out); after the last, one that fails if a hidden cell changed anything a visible cell reads (``reader_check.verdict``).
They bind no names in the kernel and have no stored outputs, so nbval compares nothing for them. Nothing is
executed twice: the outputs nbval compares are the full page's, and the check shows the visible cells would compute
the same without the hidden ones.
"""

import json
import os
from collections import defaultdict
from pathlib import Path

import nbformat

from tools.reader.reader_check import VERDICT
from tools.reader.reader_notebooks import is_hidden

ROOT = Path(__file__).resolve().parents[2]


def install_code(nb, name):
    code = [c for c in nb.cells if c.cell_type == 'code']
    hidden, visible = [c.source for c in code if is_hidden(c)], [c.source for c in code if not is_hidden(c)]
    return (
        f"__import__('tools.reader.reader_check', fromlist=['install'])"
        f'.install(get_ipython(), {json.dumps(hidden)}, {json.dumps(visible)}, {name!r})'
    )


def pytest_configure(config):
    """The kernels nbval starts import ``tools.reader.reader_check`` from this checkout: its root goes on their
    ``PYTHONPATH`` (the kernels inherit this process's environment)."""
    paths = [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]
    if str(ROOT) not in paths:
        os.environ['PYTHONPATH'] = os.pathsep.join([str(ROOT), *paths])


def check_item(parent, name, source):
    from nbval.plugin import IPyNbCell

    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = None  # nothing stored, nothing compared
    return IPyNbCell.from_parent(parent, name=name, cell_num=-1, cell=cell, options=defaultdict(bool, check=False))


def pytest_collection_modifyitems(session, config, items):
    """Each notebook's cells, in order, between an install item and a verdict item."""
    from nbval.plugin import IPyNbCell

    out, last_parent = [], None
    for i, item in enumerate(items):
        parent = item.parent if isinstance(item, IPyNbCell) else None
        if parent is not None and parent is not last_parent:
            name = os.path.relpath(parent.path, config.rootpath)
            out.append(check_item(parent, 'reader check: install', install_code(parent.nb, name)))
        out.append(item)
        following = items[i + 1].parent if i + 1 < len(items) and isinstance(items[i + 1], IPyNbCell) else None
        if parent is not None and following is not parent:
            out.append(check_item(parent, 'reader check: verdict', VERDICT))
        last_parent = parent
    items[:] = out
