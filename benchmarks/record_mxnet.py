"""Record MXNet's run of the frameworks page: the same windows, epochs, learning rate and clipping, in its own venv.

Usage: ``OMP_NUM_THREADS=1 python benchmarks/record_mxnet.py [--epochs 40] [--venv .venv-mxnet] [--dry-run]``

MXNet 1.9.1 (retired in 2023) needs NumPy 1.23.5, which torch's environment should not be pinned to, so it runs
in a virtual environment of its own, created on first use with ``MXNET_PINS``. This script, in the project's
environment, writes the chapter's windows to a temporary ``.npz`` file, runs ``benchmarks/mxnet_rnn.py`` with that
venv's Python, and adds the run as this device's row of ``d2lmini/book/recorded/frameworks.json`` (other rows are kept).
The page ``rnn-frameworks`` shows that row beside the frameworks it runs itself, labelled as recorded.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import d2lmini  # noqa: E402
from d2lmini.book import results  # noqa: E402
from d2lmini.book.frameworks import Run, Windows  # noqa: E402
from d2lmini.book.speed import cpu_name  # noqa: E402

MXNET_PINS = ('mxnet==1.9.1', 'numpy==1.23.5')
ABOUT = (
    'Frameworks the page rnn-frameworks does not run itself, trained on the same windows with the same '
    'hyperparameters (d2lmini.book.frameworks). One row per framework and device; written by '
    'benchmarks/record_mxnet.py.'
)


def venv_python(venv):
    """The venv's Python, creating the venv with ``MXNET_PINS`` first if it does not exist."""
    python = venv / 'bin' / 'python'
    if not python.exists():
        if venv.exists():
            raise SystemExit(f'{venv} exists but has no bin/python; remove it or pass another --venv.')
        print(f'creating {venv} with {" ".join(MXNET_PINS)}', flush=True)
        subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
        subprocess.run([str(python), '-m', 'pip', 'install', '--quiet', *MXNET_PINS], check=True)
    if subprocess.run([str(python), '-c', 'import mxnet'], capture_output=True).returncode != 0:
        raise SystemExit(
            f'{venv} cannot import mxnet (an install that stopped halfway?); remove that folder '
            f'and run this script again to recreate it with {" ".join(MXNET_PINS)}.'
        )
    return python


def omp_threads():
    """``OMP_NUM_THREADS`` as a positive int (what MXNet's CPU operators use), or a clear error."""
    value = os.environ.get('OMP_NUM_THREADS')
    if value is None:
        raise SystemExit(
            'set OMP_NUM_THREADS (the page runs every framework on one CPU thread): '
            'OMP_NUM_THREADS=1 python benchmarks/record_mxnet.py'
        )
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f'OMP_NUM_THREADS must be a positive integer, got {value!r}.')
    return int(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=40, help='epochs (default 40, as on the page)')
    parser.add_argument('--venv', type=Path, default=ROOT / '.venv-mxnet', help='MXNet virtual environment')
    parser.add_argument('--dry-run', action='store_true', help='print the run, write nothing')
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error('--epochs must be at least 1')
    threads = omp_threads()
    python = venv_python(args.venv.resolve())
    data = d2lmini.TimeMachine(batch_size=1024, num_steps=32)
    with tempfile.TemporaryDirectory() as tmp:
        Windows.from_data(data).save(Path(tmp) / 'windows.npz')
        out = Path(tmp) / 'run.json'
        subprocess.run(
            [
                str(python),
                str(ROOT / 'benchmarks' / 'mxnet_rnn.py'),
                str(Path(tmp) / 'windows.npz'),
                str(args.epochs),
                str(out),
            ],
            check=True,
        )
        row = json.loads(out.read_text(encoding='utf-8'))
    command = f'OMP_NUM_THREADS={threads} python benchmarks/record_mxnet.py ' + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    row.update(
        device_name=cpu_name(),
        threads=threads,
        epochs=args.epochs,
        date=datetime.date.today().isoformat(),
        command=command.strip(),
        platform=platform.platform(terse=True),
    )
    print(
        f'{row["framework"]}: {len(row["val_ppl"])} epochs, val ppl {row["val_ppl"][-1]:.2f}, '
        f'median {Run.from_row(row).seconds_per_epoch:.3f} s/epoch'
    )
    if not args.dry_run:
        status = results.update('frameworks', row, key=('framework', 'device', 'device_name', 'threads'), about=ABOUT)
        print(f'{status} the row in {results.path_of("frameworks")}')
    return row


if __name__ == '__main__':
    main()
