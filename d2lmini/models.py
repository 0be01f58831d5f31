"""Models of §9.1, §9.5 and §9.6: linear regression, the from-scratch RNN LM and the ``nn.RNN`` one.

Every language model here has the same interface: ``forward(X, state=None)`` maps token ids
``(batch, num_steps)`` to logits ``(batch, num_steps, vocab_size)``; ``predict`` decodes greedily
and ``sample`` draws with a temperature (both in ``generate.py``),
so one flag swaps scratch and concise.
"""

import torch
from torch import nn
from torch.nn import functional as F

from .core import Module
from .generate import generate
from .limits import check_temperature
from .scoring import score
from .utils import check_positive_int, check_positive_number


class Classifier(Module):
    """(D2L §4.3) Cross-entropy loss over the last axis:
    the base of the language models (§9.5 subclasses it the same way).

    D2L's ``Classifier`` also logs accuracy during validation; both language models log perplexity
    instead, so that part is left out.
    """

    def loss(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))  # (batch * num_steps, num_classes)
        return F.cross_entropy(Y_hat, Y.reshape((-1,)), reduction='mean' if averaged else 'none')


class RNNScratch(Module):
    """(D2L §9.5) A tanh RNN written out: ``H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)``."""

    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        num_inputs = check_positive_int('num_inputs', num_inputs)
        num_hiddens = check_positive_int('num_hiddens', num_hiddens)
        self.save_hyperparameters()
        self.W_xh = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(torch.randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(torch.zeros(num_hiddens))

    def forward(self, inputs, state=None):
        """``inputs`` (num_steps, batch, num_inputs) -> list of num_steps states
        (batch, num_hiddens), last state."""
        if state is None:
            shape = (inputs.shape[1], self.num_hiddens)  # (batch, num_hiddens)
            state = torch.zeros(shape, device=inputs.device)
        outputs = []
        for X in inputs:  # X: (batch, num_inputs)
            state = torch.tanh(X @ self.W_xh + state @ self.W_hh + self.b_h)  # (batch, num_hiddens)
            outputs.append(state)
        return outputs, state


class RNNLMScratch(Classifier):
    """(D2L §9.5) Character language model on top of an RNN:
    one-hot inputs, a linear output layer, perplexity logging."""

    def __init__(self, rnn, vocab_size, lr=0.01):
        super().__init__()
        vocab_size = check_positive_int('vocab_size', vocab_size)
        lr = check_positive_number('lr', lr)
        self.save_hyperparameters()
        self.init_params()

    def init_params(self):
        self.W_hq = nn.Parameter(
            torch.randn(self.rnn.num_hiddens, self.vocab_size) * self.rnn.sigma
        )
        self.b_q = nn.Parameter(torch.zeros(self.vocab_size))

    def training_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('ppl', torch.exp(l), train=True)
        return l

    def validation_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('ppl', torch.exp(l), train=False)

    def one_hot(self, X):
        """Token ids (batch, num_steps) -> one-hot (num_steps, batch, vocab_size):
        time-major for the RNN."""
        return F.one_hot(X.T, self.vocab_size).type(torch.float32)

    def output_layer(self, rnn_outputs):
        outputs = [H @ self.W_hq + self.b_q for H in rnn_outputs]  # num_steps x (batch, vocab_size)
        return torch.stack(outputs, 1)  # (batch, num_steps, vocab_size)

    def forward(self, X, state=None):
        rnn_outputs, _ = self.rnn(self.one_hot(X), state)
        return self.output_layer(rnn_outputs)  # (batch, num_steps, vocab_size)

    def predict(self, prefix, num_preds, vocab, device=None):
        """Greedy continuation:
        ``prefix`` (normalized like the training text) plus ``num_preds`` characters."""
        return generate(self, prefix, num_preds, vocab, device=device)

    def sample(self, prefix, num_preds, vocab, temperature=1.0, seed=None, device=None):
        """Sampled continuation;
        low ``temperature`` approaches greedy, high approaches uniform noise.

        ``temperature`` is a finite number in (0, ``MAX_TEMPERATURE``];
        ``seed`` a whole number from 0 to ``MAX_SEED`` or None (torch's global generator).
        Greedy decoding is ``predict``, not a temperature here.
        """
        # None must not fall through to greedy decoding
        temperature = check_temperature(temperature)
        return generate(
            self, prefix, num_preds, vocab, device=device, temperature=temperature, seed=seed
        )

    def score(self, text, vocab, device=None):
        """How likely the model finds ``text``: a ``TextScore`` with the probability of each
        character after the first, the mean negative log-likelihood ``nll`` and
        ``perplexity = exp(nll)`` (see ``scoring.py``)."""
        return score(self, text, vocab, device=device)


class RNN(Module):
    """(D2L §9.6) The concise RNN: ``nn.RNN`` with a tanh cell and one layer."""

    def __init__(self, num_inputs, num_hiddens):
        super().__init__()
        num_inputs = check_positive_int('num_inputs', num_inputs)
        num_hiddens = check_positive_int('num_hiddens', num_hiddens)
        self.save_hyperparameters()
        self.rnn = nn.RNN(num_inputs, num_hiddens)

    def forward(self, inputs, H=None):
        return self.rnn(inputs, H)  # (num_steps, batch, num_hiddens), (1, batch, num_hiddens)


class RNNLM(RNNLMScratch):
    """(D2L §9.6) The concise language model:
    the output layer is an ``nn.LazyLinear`` applied to all steps at once."""

    def init_params(self):
        self.linear = nn.LazyLinear(self.vocab_size)

    def output_layer(self, hiddens):
        return self.linear(hiddens).swapaxes(0, 1)  # (num_steps, batch, V) -> (batch, num_steps, V)


class NormalLazyLinear(nn.LazyLinear):
    """A ``LazyLinear`` whose weight is drawn from ``N(0, sigma²)`` and bias zeroed
    once its input size is known.

    D2L writes ``net.weight.data.normal_(0, 0.01)`` right after building a ``LazyLinear``: on a
    parameter that is not yet materialized this silently does nothing,
    and PyTorch's default init is used instead.
    """

    def __init__(self, out_features, sigma=0.01):
        super().__init__(out_features)
        self.sigma = sigma

    def reset_parameters(self):  # called by LazyLinear right after materializing the parameters
        if not self.has_uninitialized_params() and self.in_features != 0:
            nn.init.normal_(self.weight, 0, self.sigma)
            nn.init.zeros_(self.bias)


class LinearRegression(Module):
    """(D2L §3.5) §9.1's linear model:
    one lazy linear output (weights ``N(0, 0.01²)``, zero bias), squared loss, SGD."""

    def __init__(self, lr, sigma=0.01):
        super().__init__()
        check_positive_number('lr', lr)
        self.save_hyperparameters()
        self.net = NormalLazyLinear(1, sigma)

    def loss(self, y_hat, y):
        return F.mse_loss(y_hat, y)
