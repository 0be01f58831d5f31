"""A live text-generation panel for the notebook: type a prefix, press Generate, read the model's continuation;
type a sentence, press Score, read its perplexity (under the trained model and an optional untrained baseline).

The panel calls the live model (on whatever device it sits) through ``model.predict`` / ``model.sample``, so
it shows exactly what the chapter's code would print, under the same limits (``limits.py``). Input the model
cannot take (an empty prefix, Chinese characters, too long a prefix, too many characters to generate, a seed
out of range) shows the checker's message inside the panel, never a traceback. Settings given to the
constructor (temperature, seed, a vocabulary whose size differs from the model's) are checked at once, before
a slider could clamp them silently.
Every shown character is shaded by the probability the model gave it (``shading.py``, the page's rules), with its
probability and the model's five most likely characters in its tooltip; the first character has no prediction.
Works with ipywidgets 7 (Colab) and 8. Tests drive it without a browser: set the fields, call ``generate()`` or
``score()``.
"""

import html

import ipywidgets as widgets

from ..display.labels import GENERATOR, SCORING, page_language
from ..display.labels import labels as page_labels
from ..display.shading import TEXT_STYLE, html_legend
from ..limits import MAX_SCORE, MAX_TEMPERATURE, check_seed, check_temperature, check_vocab

_WIDE = {'description_width': 'initial'}
_ERROR_STYLE = 'color: #a40000; background: #fff1f0; border-left: 3px solid #a40000; padding: 4px 8px'


class GenerationPanel(widgets.VBox):
    """Prefix, length, greedy/sampling, temperature, seed, a Generate button and the generated text.

    After ``generate()``: ``text`` is the generated string (or None) and ``message`` the error shown (or None).
    After ``score()``: ``scores`` maps each model's label to its ``TextScore`` (or is None) and ``score_message``
    holds the error shown (or None). ``baseline`` (e.g. the same network untrained) is scored beside ``model``.
    """

    def __init__(
        self,
        model,
        vocab,
        prefix='the time traveller',
        num_preds=100,
        temperature=1.0,
        seed=0,
        lang=None,
        labels=None,
        baseline=None,
        score_text=None,
    ):
        for method in ('predict', 'sample', 'score'):
            if not callable(getattr(model, method, None)):
                raise TypeError(
                    'generation_panel needs a d2lmini language model with predict(), sample() and '
                    f'score(), got {type(model).__name__}.'
                )
        check_vocab(vocab, getattr(model, 'vocab_size', None))
        temperature, seed, lang = check_temperature(temperature), check_seed(seed), page_language(lang)
        L = page_labels(GENERATOR + SCORING, lang, labels)
        self.prefix = widgets.Text(
            value=prefix, description=L['prefix'], style=_WIDE, layout=widgets.Layout(flex='1 1 18em', min_width='12em')
        )
        self.num_preds = widgets.IntText(
            value=num_preds, description=L['length'], style=_WIDE, layout=widgets.Layout(width='14em')
        )
        self.mode = widgets.ToggleButtons(
            options=[(L['greedy'], 'greedy'), (L['sample'], 'sample')],
            value='greedy',
            description=L['mode'],
            style=_WIDE,
        )
        # min: the slider cannot reach 0 (greedy is the other mode) nor clamp a smaller valid temperature
        self.temperature = widgets.FloatSlider(
            value=temperature,
            min=min(0.01, temperature),
            max=MAX_TEMPERATURE,
            step=0.01,
            readout_format='.3g',
            disabled=True,
            description=L['temperature'],
            style=_WIDE,
        )
        self.seed = widgets.IntText(
            value=seed, description=L['seed'], disabled=True, style=_WIDE, layout=widgets.Layout(width='12em')
        )
        self.button = widgets.Button(description=L['generate'], button_style='primary', icon='play')
        self.output = widgets.HTML(layout=widgets.Layout(width='100%'))
        self.score_text = widgets.Textarea(
            value=prefix if score_text is None else score_text,
            description=L['score_field'],
            style=_WIDE,
            layout=widgets.Layout(width='100%'),
        )
        self.score_button = widgets.Button(description=L['score'], icon='calculator')
        self.score_output = widgets.HTML(layout=widgets.Layout(width='100%'))
        wrap = widgets.Layout(flex_flow='row wrap', align_items='center', width='100%')
        super().__init__(
            [
                widgets.HBox([self.prefix, self.num_preds], layout=wrap),
                self.mode,
                widgets.HBox([self.temperature, self.seed], layout=wrap),
                self.button,
                self.output,
                widgets.HTML(f'<b>{html.escape(L["score_tab"])}</b>'),
                self.score_text,
                self.score_button,
                self.score_output,
            ],
            layout=widgets.Layout(width='100%', max_width='60em'),
        )
        self._lm, self._vocab, self._baseline, self._labels, self._lang = model, vocab, baseline, L, lang
        self.text = self.message = self.scores = self.score_message = None
        self.mode.observe(self._on_mode, names='value')
        self.button.on_click(lambda _button: self.generate())
        self.score_button.on_click(lambda _button: self.score())
        self.generate()
        self.score()

    def _on_mode(self, change):
        greedy = change['new'] == 'greedy'
        self.temperature.disabled = self.seed.disabled = greedy

    def _run(self):
        if self.mode.value == 'greedy':
            return self._lm.predict(self.prefix.value, self.num_preds.value, self._vocab)
        return self._lm.sample(
            self.prefix.value,
            self.num_preds.value,
            self._vocab,
            temperature=self.temperature.value,
            seed=self.seed.value,
        )

    def generate(self):
        """Generate with the current settings; show and return the text, or show the problem and return None."""
        try:
            text = self._run()
        except Exception as err:  # the input checks say what to change; anything else (out of GPU memory) briefly
            return self._show_problem(_describe(err, 'generation'))
        self.text, self.message = text, None
        self.output.value = self._shaded(text)
        return text

    def _shaded(self, text):
        """The generated text shaded by the model's probabilities (plain when fewer than two characters)."""
        if len(text) < 2 or len(text) > MAX_SCORE:
            return f'<div style="{TEXT_STYLE}">{html.escape(text)}</div>'
        return self._lm.score(text, self._vocab).html(self._lang)

    def _show_problem(self, message):
        self.text, self.message = None, message
        self.output.value = _problem(message)
        return None

    def score(self):
        """Score the sentence with the model (and the baseline); show and return ``scores``, or show the problem."""
        models = {self._labels['trained']: self._lm}
        if self._baseline is not None:
            models[self._labels['untrained']] = self._baseline
        try:
            self.scores = {name: lm.score(self.score_text.value, self._vocab) for name, lm in models.items()}
        except Exception as err:  # the input checks say what to change; anything else is shown briefly
            self.scores, self.score_message = None, _describe(err, 'scoring')
            self.score_output.value = _problem(self.score_message)
            return None
        self.score_message = None
        self.score_output.value = (
            ''.join(
                f'<p style="margin: 6px 0 2px"><b>{html.escape(name)}</b></p>{s.html(self._lang)}'
                for name, s in self.scores.items()
            )
            + f'<p style="font-size: 90%">{html.escape(self._labels["nll_note"])}</p>{html_legend(self._lang)}'
        )
        return self.scores


def _describe(err, what):
    """A message for the panel: the checker's own words, or the kind of an unexpected failure."""
    return str(err) if isinstance(err, (TypeError, ValueError)) else f'{what} failed: {type(err).__name__}: {err}'


def _problem(message):
    return f'<div role="alert" style="{_ERROR_STYLE}">⚠ {html.escape(message)}</div>'


def generation_panel(
    model,
    vocab,
    prefix='the time traveller',
    num_preds=100,
    temperature=1.0,
    seed=0,
    lang=None,
    labels=None,
    baseline=None,
    score_text=None,
):
    """Return a ``GenerationPanel`` for ``model`` and ``vocab`` (display it as a cell's last value); the score box
    starts with ``score_text`` (by default the prefix), scored by ``model`` and ``baseline`` (if given)."""
    return GenerationPanel(
        model,
        vocab,
        prefix=prefix,
        num_preds=num_preds,
        temperature=temperature,
        seed=seed,
        lang=lang,
        labels=labels,
        baseline=baseline,
        score_text=score_text,
    )
