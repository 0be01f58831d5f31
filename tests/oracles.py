"""Test oracles for the page's generator: its model rebuilt in PyTorch, and its greedy decoding replayed in float64.

They check ``d2lmini.generators`` (the exporter and the page's JavaScript) against PyTorch; readers never need them,
so they live with the tests, not in the wheel. ``generate.py`` is the one decoder of the package; these replay the
page's arithmetic.
"""
import torch

from d2lmini.generate import special_ids
from d2lmini.generators.export import _concise_params, import_weights
from d2lmini.limits import check_num_preds, normalize_prefix


def load_rnnlm(payload):
    """Rebuild a concise ``RNNLM`` (float32, CPU) and its ``Vocab`` from an export: same logits, same ``predict``."""
    from d2lmini.models import RNN, RNNLM
    arrays, vocab = import_weights(payload)
    H, V = arrays['W_hh'].shape[0], len(vocab)
    model = RNNLM(RNN(num_inputs=V, num_hiddens=H), vocab_size=V)
    model(torch.zeros((1, 1), dtype=torch.long))  # materialize the LazyLinear
    with torch.no_grad():
        for name, param in _concise_params(model.rnn.rnn, model.linear).items():
            param.copy_(arrays[name])
    return model.eval(), vocab


def greedy_float64(payload, prefix, num_preds):
    """The page's greedy decoding in float64 PyTorch: returns ``(text, smallest top-two logit margin)``."""
    arrays, vocab = import_weights(payload)
    W = {name: a.double() for name, a in arrays.items()}
    text = normalize_prefix(prefix, vocab)
    check_num_preds(num_preds)
    h = torch.zeros(W['W_hh'].shape[0], dtype=torch.float64)
    step = lambda token, h: torch.tanh(W['W_ih'][:, token] + W['b_ih'] + W['W_hh'] @ h + W['b_hh'])  # noqa: E731
    outputs, margin = list(vocab[list(text)]), float('inf')
    special = special_ids(vocab)
    for token in outputs:
        h = step(token, h)
    for _ in range(num_preds):
        logits = W['W_out'] @ h + W['b_out']  # (vocab_size,)
        logits[special] = -torch.inf
        top = torch.topk(logits, 2).values
        margin = min(margin, float(top[0] - top[1]))
        outputs.append(int(logits.argmax()))
        h = step(outputs[-1], h)
    return ''.join(vocab.idx_to_token[i] for i in outputs), margin
