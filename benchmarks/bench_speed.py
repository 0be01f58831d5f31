"""Training throughput of the from-scratch RNN against nn.RNN on this device; records the row the chapter shows.

Usage: ``OMP_NUM_THREADS=1 python benchmarks/bench_speed.py [--gpu] [--trials 11] [--trial-seconds 0.5] [--dry-run]``

Runs ``d2lmini.book.speed.measure`` (the study the page ``rnn-going-further`` runs with short trials, here with longer
ones) for the three models of ``d2lmini.book.speed.MODELS`` (from scratch, concise, and from scratch with one output
product for all steps) over batch sizes 1, 32 and 1024 and 32 and 256 hidden units, prints the table (medians and
the min–max range of the trials) with the same numbers by the other clock as a check, and adds this device's row to
``d2lmini/book/recorded/speed.json``: the device's name, torch, CUDA and cuDNN versions, thread count, date, command
and the load average before and after. A row of the same device and thread count is replaced, others are kept.

``--profile B H`` instead profiles three training steps of each model at batch size B with H hidden units
(``torch.profiler``, after two warm-up steps; with ``--gpu`` the CUDA kernels too, which shows what cuDNN launches)
and prints the operations that took the most time and the number of matrix-product calls; it writes nothing.

On a GPU machine: ``python benchmarks/bench_speed.py --gpu`` (the page then shows the GPU row beside the CPU one).
With one CPU thread the table reports process CPU time, otherwise wall time (see ``d2lmini.book.speed``); the other
clock is printed as a check. Under load, wall times spread out while CPU times barely move: on a shared machine run
it when the load average (printed) is below the core count.
"""

import argparse
import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch  # noqa: E402

from d2lmini.book import speed  # noqa: E402


def profile(device, batch_size, num_hiddens, steps=3, rows=12):
    """Print the operations (and CUDA kernels) that take the most time in ``steps`` training steps of each model."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == 'cuda' else [])
    X, Y = torch.randint(0, 28, (2, batch_size, 32), generator=torch.Generator().manual_seed(0)).to(device)
    sort = 'self_cuda_time_total' if device.type == 'cuda' else 'self_cpu_time_total'
    for kind in speed.MODELS:
        torch.manual_seed(0)
        step = speed.make_step(speed.build(kind, 28, num_hiddens).to(device), X, Y)
        for _ in range(2):
            step()
        speed.synchronizer(device)()
        with torch_profile(activities=activities) as prof:
            for _ in range(steps):
                step()
            speed.synchronizer(device)()
        averages = prof.key_averages()
        calls = {e.key: e.count for e in averages if e.key in ('aten::mm', 'aten::addmm', 'aten::bmm')}
        print(f'\n{kind}: {steps} training steps, batch size {batch_size}, {num_hiddens} hidden units, {device}')
        print(f'matrix-product calls: {sum(calls.values())} {calls}')
        print(averages.table(sort_by=sort, row_limit=rows))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--gpu', action='store_true', help='measure on the first CUDA device')
    parser.add_argument('--trials', type=int, default=11, help='alternated trials per model (default 11)')
    parser.add_argument('--trial-seconds', type=float, default=0.5, help='target length of a trial (default 0.5)')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 32, 1024])
    parser.add_argument('--hidden-sizes', type=int, nargs='+', default=[32, 256])
    parser.add_argument('--dry-run', action='store_true', help='print the table, write nothing')
    parser.add_argument(
        '--profile',
        type=int,
        nargs=2,
        metavar=('B', 'H'),
        help='profile batch size B with H hidden units instead; writes nothing',
    )
    args = parser.parse_args(argv)
    if args.gpu and not torch.cuda.is_available():
        parser.error('--gpu: torch sees no CUDA device on this machine')
    device = torch.device('cuda:0' if args.gpu else 'cpu')
    if args.profile:
        return profile(device, *args.profile)
    command = 'python benchmarks/bench_speed.py ' + shlex.join(argv if argv is not None else sys.argv[1:])
    load_before = os.getloadavg()
    print(
        f'{device}: {speed.device_info(device)["device_name"]}, {torch.get_num_threads()} CPU thread(s), '
        f'load average {load_before[0]:.1f} on {os.cpu_count()} cores',
        flush=True,
    )
    study = speed.measure(
        args.batch_sizes,
        args.hidden_sizes,
        device=device,
        trials=args.trials,
        trial_seconds=args.trial_seconds,
        command=command.strip(),
    )
    study.record['load_average'] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    print(speed.table([study], lang='en'))
    other = 'wall' if study.record['clock'] == 'cpu' else 'cpu'
    print(f'\nspeed-up by {other} time (a check: close to the above on a quiet machine with one thread)')
    for row in study.rows(clock=other):
        print(
            f'  batch {row["batch_size"]:>5}, {row["num_hiddens"]:>3} hidden: {{:.2f}}x ({{:.2f}}-{{:.2f}})'.format(
                *row['speedup']
            )
        )
    print(f'load average before/after: {study.record["load_average"]}')
    if not args.dry_run:
        print(f'{speed.save(study)} the row of {study.record["device_name"]} in d2lmini/book/recorded/speed.json')
    return study


if __name__ == '__main__':
    main()
