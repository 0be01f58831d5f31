"""Does nn.RNN's initialization explain a perplexity difference? Record a multi-seed study for the chapter.

Usage: ``OMP_NUM_THREADS=1 python benchmarks/bench_init.py [--seeds 8] [--epochs 100] [--gpu] [--dry-run]``

Trains the three variants of ``d2lmini.book.init_study`` (from scratch; concise with PyTorch's initialization; concise
initialized like the scratch model) on the chapter's data for EPOCHS epochs, once per seed, and adds the row of
this device to ``d2lmini/book/recorded/init.json`` (a row of the same device and epoch count is replaced; other rows are
kept). The page ``rnn-going-further`` renders that file with its date and command. ``--dry-run`` prints the summary
and writes nothing. Perplexity, not time, is measured here, so a busy machine changes nothing but the duration
(about 30 s per run on one CPU thread: 3 variants x 8 seeds take about 12 minutes).
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import d2lmini  # noqa: E402
from d2lmini.book import init_study  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, default=8, help='seeds per variant (default 8)')
    parser.add_argument('--epochs', type=int, default=100, help='epochs per run (default 100, as in the chapter)')
    parser.add_argument('--gpu', action='store_true', help='train on the first GPU (num_gpus=1)')
    parser.add_argument('--dry-run', action='store_true', help='print the summary, write nothing')
    args = parser.parse_args(argv)
    if args.seeds < 2 or args.epochs < 1:
        parser.error('--seeds must be at least 2 (a spread needs two runs) and --epochs at least 1')
    command = 'python benchmarks/bench_init.py ' + shlex.join(argv if argv is not None else sys.argv[1:])
    data = d2lmini.TimeMachine(batch_size=1024, num_steps=32)
    start = time.perf_counter()
    record = init_study.run(
        data,
        range(args.seeds),
        args.epochs,
        num_gpus=int(args.gpu),
        command=command.strip(),
        report=lambda line: print(f'[{time.perf_counter() - start:6.0f} s] {line}', flush=True),
    )
    print(init_study.table(record, lang='en'))
    if not args.dry_run:
        status = init_study.save(record)
        print(f'{status} the row of {record["device_name"]} in {d2lmini.book.results.path_of("init")}')
    return record


if __name__ == '__main__':
    main()
