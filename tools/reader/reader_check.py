"""Proof, in nbval's one run of each page, that its reader notebook (the page without its hidden cells) runs the same.

A reader notebook leaves out the cells tagged ``remove-cell`` (glue and checks; tools/reader/reader_notebooks.py). Its
visible cells then compute what they compute in the full page only if no hidden cell changes anything a later visible
cell reads. Rather than execute every page twice (CI time), the nbval run of the full page watches each hidden cell
from inside the kernel (IPython's ``pre_run_cell``/``post_run_cell`` events) and records, as a violation:

- a name a hidden cell binds, rebinds or deletes that a later visible cell reads before binding it itself;
- an object reachable from the visible cells' names that a hidden cell changes in place (tensors with their
  gradients, modules with their train/eval flags, containers and plain objects, fingerprinted by content);
- global state a hidden cell changes: torch's default dtype, grad mode, thread count and determinism flag,
  matplotlib's rcParams, the environment, the working directory, ``sys.path``;
- random numbers: a hidden cell that moves a global generator (torch, NumPy, ``random``) is harmless only if the
  next visible cell that touches the generator seeds it before drawing (the state at its first seed call is still the
  one the hidden cell left); a visible cell that draws first gets other numbers in the reader's kernel.

The pytest plugin tools/reader/nbval_reader.py installs this module in each nbval kernel and runs ``verdict()`` in
the same kernel after the page's last cell: the page fails there, with every violation named. Trade-offs: the name check
reads the visible cell's code (names loaded anywhere in it, not bound earlier at top level), so it can only err
towards a false alarm; a visible cell that draws random numbers inside ``torch.random.fork_rng`` from a moved state is
not seen; objects deeper than ``DEPTH`` levels or past ``NODES`` per name are not fingerprinted.
"""

import os
import random
import sys
import time

from tools.reader.reader_state import fingerprint, global_state, loaded_names, rng_states

SKIP = ('In', 'Out', 'exit', 'quit', 'get_ipython')


def summary(source, count=None):
    """How a message names a cell: its number in this run and its first line of code."""
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith('#')]
    first = (lines or [''])[0].strip()
    return f'cell [{count}] `{first[:60]}{"..." if len(first) > 60 else ""}`'


class Watcher:
    """Records what the hidden cells change that the visible cells could see (the module docstring says what)."""

    def __init__(self, shell, hidden_sources, visible_sources):
        self.shell, self.hidden = shell, {s.strip() for s in hidden_sources}
        # what any visible cell reads: only those objects can carry a hidden cell's change to the reader's view
        self.read = set().union(*(loaded_names(shell.transform_cell(s)) for s in visible_sources))
        self.tainted, self.moved, self.violations = {}, {}, []
        self.before, self.first_seed, self.watched, self.seconds = None, {}, 0, 0.0

    def names(self):
        hidden = getattr(self.shell, 'user_ns_hidden', {})
        return {
            k: v for k, v in self.shell.user_ns.items() if not k.startswith('_') and k not in SKIP and k not in hidden
        }

    def pre_run_cell(self, info):
        source = info.raw_cell
        self.patch_seeds()
        if source.strip() == VERDICT:
            self.before = None
            return
        names, label = self.names(), summary(source, self.shell.execution_count)
        self.before = {
            'hidden': source.strip() in self.hidden,
            'label': label,
            'source': source,
            'ids': {k: id(v) for k, v in names.items()},
            'rng': rng_states(),
        }
        if self.before['hidden']:
            self.watched += 1
            self.before['fps'] = {
                k: fingerprint(v) for k, v in names.items() if k not in self.tainted and k in self.read
            }
            self.before['global'] = global_state()
            return
        self.first_seed = {}
        for name in sorted(loaded_names(self.shell.transform_cell(source)) & set(self.tainted)):
            self.violations.append(
                f'{label} reads `{name}`, which {self.tainted[name]} (hidden) binds or changes: '
                'the reader notebook has no such binding there'
            )

    def post_run_cell(self, result):
        before, self.before = self.before, None
        if before is None:
            return
        if before['hidden']:
            self.after_hidden(before)
        else:
            self.after_visible(before)

    def after_hidden(self, before):
        names, label = self.names(), before['label']
        for name in set(names) | set(before['ids']):
            if name not in names or before['ids'].get(name) != id(names[name]):
                self.tainted[name] = label
        for name, fp in before['fps'].items():
            if name in names and before['ids'][name] == id(names[name]) and fingerprint(names[name]) != fp:
                self.violations.append(f'{label} (hidden) changes `{name}` in place, which visible cells can read')
        now = global_state()
        for key in sorted(k for k in set(now) | set(before['global']) if now.get(k) != before['global'].get(k)):
            self.violations.append(f'{label} (hidden) changes global state: {key}')
        for gen, state in rng_states().items():
            if state != before['rng'].get(gen):
                self.moved[gen] = (state, label)

    def after_visible(self, before):
        names = self.names()
        for name in [n for n in names if before['ids'].get(n) != id(names[n])]:
            self.tainted.pop(name, None)
        now = rng_states()
        for gen, (state, hidden_label) in list(self.moved.items()):
            if now.get(gen) == state and gen not in self.first_seed:
                continue  # the visible cell did not touch this generator: the difference is still pending
            if self.first_seed.get(gen) != state:
                self.violations.append(
                    f'{before["label"]} draws from the {gen} generator, which {hidden_label} '
                    '(hidden) moved, before seeding it: the reader notebook draws other numbers'
                )
            del self.moved[gen]

    def on_seed(self, gen):
        if self.before is not None and not self.before['hidden'] and gen not in self.first_seed:
            self.first_seed[gen] = rng_states().get(gen)

    def patch_seeds(self):
        """Wrap the seeding functions of the loaded generators, so a visible cell's first seed call is seen."""
        targets = [(random, 'seed', 'random')]
        if 'numpy' in sys.modules:
            targets.append((sys.modules['numpy'].random, 'seed', 'numpy'))
        if 'torch' in sys.modules:
            targets += [
                (sys.modules['torch'], 'manual_seed', 'torch'),
                (sys.modules['torch'].random, 'manual_seed', 'torch'),
            ]
        for module, attr, gen in targets:
            original = getattr(module, attr)
            if not getattr(original, 'reader_check', False):
                setattr(module, attr, self.seed_wrapper(original, gen))

    def seed_wrapper(self, original, gen):
        def seed(*args, **kwargs):
            for watcher in WATCHER:  # the kernel's watcher now, whichever one wrapped the function
                watcher.on_seed(gen)
            return original(*args, **kwargs)

        seed.reader_check, seed.__wrapped__, seed.__doc__ = True, original, original.__doc__
        return seed


VERDICT = "__import__('tools.reader.reader_check', fromlist=['verdict']).verdict()"
WATCHER = []  # the kernel's one Watcher, for verdict(): this module is loaded only in nbval's kernels


def timed(watcher, hook):
    """``hook`` that adds its own time to ``watcher.seconds`` (what the check costs a page)."""

    def run(arg):
        start = time.perf_counter()
        try:
            return hook(arg)
        finally:
            watcher.seconds += time.perf_counter() - start

    return run


def install(shell, hidden_sources, visible_sources, name=''):
    """Watch the cells ``shell`` runs from now on; the hidden ones are those whose source is in ``hidden_sources``."""
    watcher = Watcher(shell, hidden_sources, visible_sources)
    watcher.name = name
    watcher.hooks = {
        'pre_run_cell': timed(watcher, watcher.pre_run_cell),
        'post_run_cell': timed(watcher, watcher.post_run_cell),
    }
    for event, hook in watcher.hooks.items():
        shell.events.register(event, hook)
    WATCHER[:] = [watcher]
    return watcher


def verdict():
    """Run after the page's last cell: fails with every violation found, so the page's reader notebook is wrong.
    With ``$D2LMINI_READER_CHECK_LOG`` set, appends the page, the hidden cells watched and the check's seconds."""
    watcher = WATCHER[0]
    if log := os.environ.get('D2LMINI_READER_CHECK_LOG'):
        with open(log, 'a', encoding='utf-8') as f:
            f.write(f'{watcher.name}: {watcher.watched} hidden cells, {watcher.seconds:.2f} s in the check\n')
    assert not watcher.violations, (
        f'the reader notebook of this page would run differently ({watcher.watched} hidden cells watched):\n- '
        + '\n- '.join(watcher.violations)
    )
