"""The kernel's state as tools/reader/reader_check.py compares it around hidden cells: random generators, global
settings, objects' content, and the names a cell reads.

Fingerprints are content digests: tensors and arrays up to ``WHOLE`` bytes by all their bytes (a view by its layout
and the tensor it views); larger ones by PyTorch's in-place version counter, their storage address and an evenly
strided sample of about ``WHOLE`` bytes (a change made through ``.data`` to an element the sample skips goes unseen);
containers and plain objects through their items and ``__dict__`` up to ``DEPTH`` levels and ``NODES`` objects;
functions, classes, modules and the objects of ``OPAQUE`` packages by identity only (a figure's tree is large and a
hidden cell that redraws one would show in nbval's outputs).
"""

import ast
import hashlib
import os
import random
import sys
import types
import warnings

DEPTH, NODES, WHOLE = 8, 20000, 1 << 22
# Packages whose objects count by identity: figures (large trees), and the kernel's streams, display handles,
# widgets, threads and loggers, which change with every output and are no result of the page.
OPAQUE = {
    'matplotlib',
    'ipykernel',
    'IPython',
    'io',
    '_io',
    'threading',
    'zmq',
    'tornado',
    'asyncio',
    'logging',
    'ipywidgets',
    'traitlets',
    'comm',
    'jupyter_client',
    'tqdm',
}


def rng_states():
    """A bytes snapshot of every global random generator that is loaded."""
    states = {'random': repr(random.getstate()).encode()}
    if 'numpy' in sys.modules:
        kind, keys, *rest = sys.modules['numpy'].random.get_state()
        states['numpy'] = keys.tobytes() + repr(rest).encode()
    if 'torch' in sys.modules:
        torch = sys.modules['torch']
        states['torch'] = torch.get_rng_state().numpy().tobytes()
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            states['torch'] += b''.join(s.numpy().tobytes() for s in torch.cuda.get_rng_state_all())
    return states


# Set by libraries the first time a feature is used, whichever cell uses it first, and read by no page:
# torch names its compiler cache when torch._dynamo is first imported (the first Adam step does it).
LIBRARY_ENV = frozenset({'TORCHINDUCTOR_CACHE_DIR'})


def global_state():
    env = sorted((k, v) for k, v in os.environ.items() if k not in LIBRARY_ENV)
    state = {'env': env, 'cwd': os.getcwd(), 'sys.path': list(sys.path)}
    if 'torch' in sys.modules:
        torch = sys.modules['torch']
        state['torch'] = (
            torch.get_default_dtype(),
            torch.is_grad_enabled(),
            torch.get_num_threads(),
            torch.are_deterministic_algorithms_enabled(),
        )
    if 'matplotlib' in sys.modules:
        state['rcParams'] = repr(sorted(sys.modules['matplotlib'].rcParams.items()))
    return state


def fingerprint(value):
    """A digest of ``value``'s content: tensors and arrays by bytes, containers and ``__dict__`` recursively."""
    digest, seen, budget = hashlib.blake2b(digest_size=16), set(), [NODES]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # reading a tensor's attributes must print nothing into the cell's output
        _feed(digest, value, DEPTH, seen, budget)
    return digest.hexdigest()


def _feed(digest, value, depth, seen, budget):
    budget[0] -= 1
    if depth < 0 or budget[0] < 0 or id(value) in seen:
        return
    if isinstance(value, (int, float, complex, str, bytes, bool, type(None))):
        return digest.update(repr(value).encode())
    seen.add(id(value))
    digest.update(type(value).__qualname__.encode())
    torch = sys.modules.get('torch')
    if torch is not None and isinstance(value, torch.Tensor):
        t = value.detach()
        digest.update(repr((t.dtype, tuple(t.shape), value.requires_grad, t.device)).encode())
        if value._base is not None:  # a view (a window of a corpus): its layout and the tensor it views
            digest.update(repr((value.stride(), value.storage_offset())).encode())
            return _feed(digest, value._base, depth - 1, seen, budget)
        if t.numel() * t.element_size() > WHOLE:
            digest.update(repr((value._version, t.data_ptr())).encode())
            t = t.reshape(-1)[:: -(-t.numel() * t.element_size() // WHOLE)]
        t = t.cpu().contiguous()
        digest.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b'')
        return _feed(digest, value.grad if value.is_leaf else None, depth - 1, seen, budget)
    if hasattr(value, '__array_interface__') and hasattr(value, 'tobytes'):
        flat = value.reshape(-1)
        return digest.update(flat[:: -(-value.nbytes // WHOLE)].tobytes() + repr(value.shape).encode())
    if type(value).__module__.split('.')[0] in OPAQUE:
        return
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(enumerate(sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value))
    elif isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType)):
        return  # functions, classes, modules: their identity is the binding
    else:
        items = list(getattr(value, '__dict__', {}).items())
    for key, item in items:
        digest.update(repr(key).encode())
        _feed(digest, item, depth - 1, seen, budget)


class Reads(ast.NodeVisitor):
    """Names a cell reads before it binds them, visiting in evaluation order (values before targets, a loop's
    iterable before its target). A function or class body counts as read at its definition, minus its own locals."""

    def __init__(self):
        self.bound, self.reads = set(), set()

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id not in self.bound:
            self.reads.add(node.id)
        elif not isinstance(node.ctx, ast.Load):
            self.bound.add(node.id)

    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        if isinstance(node.target, ast.Name) and node.target.id not in self.bound:
            self.reads.add(node.target.id)
        self.visit(node.target)

    def visit_AnnAssign(self, node):
        if node.value:
            self.visit(node.value)
        self.visit(node.target)

    def visit_NamedExpr(self, node):
        self.visit(node.value)
        self.visit(node.target)

    def visit_For(self, node):
        for part in [node.iter, node.target, *node.body, *node.orelse]:
            self.visit(part)

    def visit_Import(self, node):
        self.bound |= {(a.asname or a.name).split('.')[0] for a in node.names}

    visit_ImportFrom = visit_Import

    def inner(self, extra=()):
        """A visitor for a function, lambda, class or comprehension: it sees the bindings so far, binds its own."""
        visitor = Reads()
        visitor.bound = self.bound | set(extra)
        return visitor

    def visit_FunctionDef(self, node):
        args = node.args
        for part in node.decorator_list + args.defaults + [d for d in args.kw_defaults if d]:
            self.visit(part)
        params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg] if a]
        inner = self.inner(params)
        for stmt in node.body:
            inner.visit(stmt)
        self.reads |= inner.reads
        self.bound.add(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        for part in node.decorator_list + node.bases:
            self.visit(part)
        inner = self.inner()
        for stmt in node.body:
            inner.visit(stmt)
        self.reads |= inner.reads
        self.bound.add(node.name)

    def visit_Lambda(self, node):
        inner = self.inner(a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs)
        inner.visit(node.body)
        self.reads |= inner.reads

    def visit_comprehension_node(self, node):
        inner = self.inner()
        for gen in node.generators:
            inner.visit(gen.iter)
            inner.visit(gen.target)
            for cond in gen.ifs:
                inner.visit(cond)
        for part in ('elt', 'key', 'value'):
            if hasattr(node, part):
                inner.visit(getattr(node, part))
        self.reads |= inner.reads

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_comprehension_node


def loaded_names(code):
    """Names the cell reads before binding them (see ``Reads``); a cell that does not parse reads nothing."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    visitor = Reads()
    visitor.visit(tree)
    return visitor.reads
