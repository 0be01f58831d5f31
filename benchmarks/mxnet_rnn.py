"""MXNet's concise RNN (``gluon.rnn.RNN``) on the shared windows; run by ``record_mxnet.py`` inside its own venv.

This file runs with MXNet 1.9.1 and NumPy 1.23.5 only (no torch, no d2lmini install): it loads
``d2lmini/book/frameworks.py`` by its path, trains, and writes the run as JSON.
Usage (normally through ``record_mxnet.py``): ``python mxnet_rnn.py WINDOWS.npz NUM_EPOCHS OUT.json``.
"""

import importlib.util
import json
import platform
import sys
from pathlib import Path

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, nd

spec = importlib.util.spec_from_file_location(
    'frameworks', Path(__file__).resolve().parents[1] / 'd2lmini' / 'book' / 'frameworks.py'
)
frameworks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(frameworks)


class RNNLM(gluon.HybridBlock):
    """One-hot input, a tanh RNN layer, a dense output layer."""

    def __init__(self, vocab_size, num_hiddens):
        super().__init__()
        self.vocab_size = vocab_size
        self.rnn = gluon.rnn.RNN(num_hiddens, activation='tanh')
        self.dense = gluon.nn.Dense(vocab_size, flatten=False)

    def hybrid_forward(self, F, X):  # X: (batch, num_steps) token ids
        # gluon's RNN is time-major (layout 'TNC'); its state starts at 0
        inputs = F.one_hot(F.transpose(X), self.vocab_size)
        H = self.rnn(inputs)  # (num_steps, batch, num_hiddens)
        return self.dense(H).swapaxes(0, 1)  # (batch, steps, vocab)


def main(windows_path, num_epochs, out_path):
    mx.random.seed(0)
    windows = frameworks.Windows.load(windows_path)
    model = RNNLM(len(windows.tokens), 32)
    model.initialize()  # gluon's default: uniform(-0.07, 0.07) for every weight, zero biases
    model.hybridize()  # trace the forward pass once into a static graph
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(model.collect_params(), 'sgd', {'learning_rate': 1.0})

    def step(X, Y):
        X, Y = nd.array(X, dtype='int32'), nd.array(Y, dtype='int32')
        with autograd.record():
            loss = loss_fn(model(X), Y).mean()
        loss.backward()
        grads = [p.grad() for p in model.collect_params().values() if p.grad_req != 'null']
        gluon.utils.clip_global_norm(grads, 1.0)
        trainer.step(1)  # the loss is already a mean: no further division
        return loss  # an NDArray: reading it (asscalar) would wait for the engine

    def logits(X):
        return model(nd.array(X, dtype='int32')).asnumpy()

    model(nd.zeros((1, windows.num_steps), dtype='int32'))  # a forward pass sets the deferred shapes
    num_params = sum(p.data().size for p in model.collect_params().values())
    run = frameworks.train(f'MXNet {mx.__version__}', 'cpu', step, logits, windows, num_epochs, num_params)
    row = run.as_row()
    row.update(mxnet=mx.__version__, numpy=np.__version__, python=platform.python_version())
    Path(out_path).write_text(json.dumps(row), encoding='utf-8')


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
