"""Score a text with a character language model: the probability of each character, the mean
negative log-likelihood and the perplexity, ``exp(mean NLL)`` -- the chapter's training metric,
for one text of your own.

What is averaged: the model reads the text from a zero state. The first character has no context, so
the model makes no prediction for it: it is only read, and ``probs`` has one entry per *later*
character (``probs[i]`` is the probability of ``text[i + 1]`` after reading ``text[:i + 1]``). The
mean runs over those ``len(text) - 1`` predictions, exactly as the training loss averages over each
window's targets (a window's first character is only input). We chose this over a uniform prior for
the first character, which would mix a number the model never computed into its perplexity; the page
shows the first character without a probability for the same reason.

Probabilities are the model's softmax over its whole vocabulary (``<unk>`` included, as in the
training loss) at temperature 1, computed in float64 from the model's own float32 logits; the page
(``generator-math.js``) computes the same in float64 from the float32 weights, and the two agree to
about 1e-6 (tests demand 1e-4). The text obeys ``limits.SCORE_RULE``: at most ``MAX_SCORE``
characters, normalized like the training text.
"""

import html
import math
from dataclasses import dataclass

import torch

from .core import perplexity
from .display.labels import label, page_language
from .display.shading import html_chars
from .display.tables import Table
from .limits import check_vocab, normalize_score_text, ready_model

TOP = 5  # how many of the most likely next characters each position keeps


@dataclass(frozen=True, repr=False)
class TextScore:
    """How likely a model finds a text: ``text`` (normalized), ``probs`` (one per character after
    the first), ``top`` (for each of those positions, the ``TOP`` most likely tokens as
    ``(token, probability)``), ``total_nll`` (sum of ``-ln p``, nats), ``nll`` (its mean) and
    ``perplexity`` (``exp(nll)``)."""

    text: str
    probs: tuple
    top: tuple
    total_nll: float
    nll: float
    perplexity: float

    @property
    def bits(self):
        """Surprisal of each predicted character in bits, ``-log2 p``."""
        return tuple(-math.log2(p) if p > 0 else math.inf for p in self.probs)

    def __repr__(self):
        shown = self.text if len(self.text) <= 40 else self.text[:37] + '...'
        return (
            f'TextScore({shown!r}, perplexity={self.perplexity:.4f}, nll={self.nll:.4f}, '
            f'n={len(self.probs)})'
        )

    def _repr_html_(self):
        return self.html()

    def html(self, lang=None):
        """The text shaded by probability (hover a character for its numbers)
        and the filled-in formula."""
        lang = page_language(lang)
        formula = label('ppl_formula', lang).format(
            total=f'{self.total_nll:.4f}',
            n=len(self.probs),
            nll=f'{self.nll:.4f}',
            ppl=f'{self.perplexity:.4f}',
        )
        return (
            f'<div class="d2lmini-score">{html_chars(self.text, self.probs, self.top, lang)}'
            '<div style="font-family: monospace; margin-top: 4px">'
            f'{html.escape(formula)}</div></div>'
        )


def score(model, text, vocab, device=None):
    """Score ``text`` with ``model`` (``RNNLMScratch`` or ``RNNLM``): returns a ``TextScore``.

    ``text`` is normalized like the training text and must keep at least two characters; ``device``
    must be the model's own (default).
    A diverged model (NaN or infinite weights) is refused, as for generation.
    """
    check_vocab(vocab, getattr(model, 'vocab_size', None))
    text = normalize_score_text(text, vocab)
    device = ready_model(model, device)
    ids = torch.tensor([vocab[list(text)]], device=device)  # (1, len(text))
    with torch.no_grad():
        rnn_outputs, _ = model.rnn(model.one_hot(ids[:, :-1]), None)
        logits = model.output_layer(rnn_outputs)[0].double().cpu()  # (len(text) - 1, vocab_size)
    log_probs = torch.log_softmax(logits, dim=-1)  # (len(text) - 1, vocab_size)
    chosen = log_probs.gather(1, ids[0, 1:].cpu()[:, None])[:, 0]  # (len(text) - 1,)
    k = min(TOP, log_probs.shape[1])
    top_p, top_i = torch.topk(log_probs.exp(), k, dim=1)  # (len(text) - 1, TOP)
    top = tuple(
        tuple((vocab.idx_to_token[i], p) for i, p in zip(row_i, row_p))
        for row_i, row_p in zip(top_i.tolist(), top_p.tolist())
    )
    total = float(-chosen.sum())
    nll = total / len(chosen)
    return TextScore(text, tuple(chosen.exp().tolist()), top, total, nll, perplexity(nll))


def score_table(texts, models, vocab, lang=None):
    """Perplexities of several texts under several models as a ``tables.Table``
    (headers in the page's language):
    ``texts`` maps a row name to a text, ``models`` a column name to a language model."""
    lang = page_language(lang)
    header = [label('text', lang)] + [f'{name}: {label("perplexity", lang)}' for name in models]
    rows = [
        [name] + [f'{score(model, text, vocab).perplexity:.2f}' for model in models.values()]
        for name, text in texts.items()
    ]
    return Table(header, rows, css_class='d2lmini-table d2lmini-scores')
