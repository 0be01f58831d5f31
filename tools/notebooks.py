"""Keep every chapter's executed ``.ipynb`` in step with its ``.md`` source (what ``make notebooks`` runs).

    python -m tools.notebooks                 # regenerate zh-hant, then execute every pair whose .md changed
    python -m tools.notebooks --check         # list stale pairs and exit 1; writes nothing, executes nothing
    python -m tools.notebooks --force PAGE.md [...]   # execute these pairs whatever their state

Then it rewrites the reader notebooks (notebooks/<lang>/<page>.ipynb, tools/reader/reader_notebooks.py) that are stale
against the executed ones: what the launch and download buttons open. ``--check`` lists those too.

A pair is current when the ``.ipynb`` records the SHA-256 of its ``.md`` (``metadata.d2lmini.source_sha256``),
written when it was executed: a content hash, so a checkout, a touch or a rebase never looks like an edit.
The book renders the ``.ipynb`` files as they are and nbval re-executes them, so a stale pair would show outputs
of code that is no longer on the page. A change to d2lmini itself that alters outputs is not in any hash:
nbval catches it (make nbval); re-execute with ``--force``.
Pairs run two at a time (the CI machine's two cores), each kernel in the notebook's folder with OMP_NUM_THREADS=1.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tools.reader import reader_notebooks

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / 'chapters'


def source_hash(md_path):
    return hashlib.sha256(Path(md_path).read_bytes()).hexdigest()


def recorded_hash(ipynb_path):
    import nbformat

    if not Path(ipynb_path).is_file():
        return None
    return nbformat.read(ipynb_path, as_version=4).metadata.get('d2lmini', {}).get('source_sha256')


def stale_pairs(pages=None):
    """The ``.md`` files (all chapters by default) whose ``.ipynb`` is missing or was executed from other text."""
    pages = pages or sorted(CHAPTERS.glob('*/*.md'))
    return [md for md in pages if recorded_hash(md.with_suffix('.ipynb')) != source_hash(md)]


def execute(md_path, timeout=1200):
    """Execute the ``.md`` as a notebook in its folder and write the ``.ipynb`` with the source hash."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    md_path = Path(md_path)
    nb = jupytext.read(md_path)
    nb.metadata.setdefault('jupytext', {})['formats'] = 'ipynb,md:myst'
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name='python3',
        store_widget_state=False,
        resources={'metadata': {'path': str(md_path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    nb.metadata['d2lmini'] = {'source_sha256': source_hash(md_path)}
    nbformat.write(nb, md_path.with_suffix('.ipynb'))
    return f'{md_path.with_suffix(".ipynb").relative_to(ROOT)}: executed in {time.perf_counter() - start:.1f} s'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='list stale pairs and exit 1; change nothing')
    parser.add_argument('--force', nargs='+', type=Path, metavar='PAGE.md', help='execute these pairs regardless')
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pairs()
        for md in stale:
            print(
                f'{md.with_suffix(".ipynb").relative_to(ROOT)} is stale: its .md changed since it was executed',
                file=sys.stderr,
            )
        readers = reader_notebooks.stale()
        for path in readers:
            print(
                f'{path.relative_to(ROOT)} is stale: its chapter notebook changed since it was written', file=sys.stderr
            )
        if stale or readers:
            print('run: make notebooks', file=sys.stderr)
        return 1 if stale or readers else 0
    subprocess.run([sys.executable, '-m', 'tools.make_zh_hant'], cwd=ROOT, check=True)
    todo = [p.resolve() for p in args.force] if args.force else stale_pairs()
    if not todo:
        print('every .ipynb is current.')
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    with ProcessPoolExecutor(max_workers=2) as pool:
        for line in pool.map(execute, todo):
            print(line, flush=True)
    for path in reader_notebooks.write():
        print(f'{path.relative_to(ROOT)}: written', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
