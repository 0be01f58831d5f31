"""A live text-generation panel for the notebook: type a prefix, press Generate, read the model's continuation.

The panel calls the live model (on whatever device it sits) through ``model.predict`` / ``model.sample``, so
it shows exactly what the chapter's code would print, under the same limits (``limits.py``). Input the model
cannot take (an empty prefix, Chinese characters, too long a prefix, too many characters to generate, a seed
out of range) shows the checker's message inside the panel, never a traceback. Settings given to the
constructor (temperature, seed, a vocabulary whose size differs from the model's) are checked at once, before
a slider could clamp them silently.
Works with ipywidgets 7 (Colab) and 8. Tests drive it without a browser: set the fields, call ``generate()``.
"""
import html

import ipywidgets as widgets

from .labels import GENERATOR
from .labels import labels as page_labels
from .limits import MAX_TEMPERATURE, check_seed, check_temperature, check_vocab

_WIDE = {'description_width': 'initial'}
_TEXT_STYLE = 'white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-family: monospace; line-height: 1.4'
_ERROR_STYLE = 'color: #a40000; background: #fff1f0; border-left: 3px solid #a40000; padding: 4px 8px'


class GenerationPanel(widgets.VBox):
    """Prefix, length, greedy/sampling, temperature, seed, a Generate button and the generated text.

    After ``generate()``: ``text`` is the generated string (or None) and ``message`` the error shown (or None).
    """

    def __init__(self, model, vocab, prefix='the time traveller', num_preds=100, temperature=1.0, seed=0,
                 lang=None, labels=None):
        for method in ('predict', 'sample'):
            if not callable(getattr(model, method, None)):
                raise TypeError(f'generation_panel needs a d2lmini language model with predict() and sample(), '
                                f'got {type(model).__name__}.')
        check_vocab(vocab, getattr(model, 'vocab_size', None))
        temperature, seed = check_temperature(temperature), check_seed(seed)
        L = page_labels(GENERATOR, lang, labels)
        self.prefix = widgets.Text(value=prefix, description=L['prefix'], style=_WIDE,
                                   layout=widgets.Layout(flex='1 1 18em', min_width='12em'))
        self.num_preds = widgets.IntText(value=num_preds, description=L['length'], style=_WIDE,
                                         layout=widgets.Layout(width='14em'))
        self.mode = widgets.ToggleButtons(options=[(L['greedy'], 'greedy'), (L['sample'], 'sample')],
                                          value='greedy', description=L['mode'], style=_WIDE)
        # min: the slider cannot reach 0 (greedy is the other mode) nor clamp a smaller valid temperature
        self.temperature = widgets.FloatSlider(value=temperature, min=min(0.01, temperature), max=MAX_TEMPERATURE,
                                               step=0.01, readout_format='.3g', disabled=True,
                                               description=L['temperature'], style=_WIDE)
        self.seed = widgets.IntText(value=seed, description=L['seed'], disabled=True, style=_WIDE,
                                    layout=widgets.Layout(width='12em'))
        self.button = widgets.Button(description=L['generate'], button_style='primary', icon='play')
        self.output = widgets.HTML(layout=widgets.Layout(width='100%'))
        wrap = widgets.Layout(flex_flow='row wrap', align_items='center', width='100%')
        super().__init__([widgets.HBox([self.prefix, self.num_preds], layout=wrap), self.mode,
                          widgets.HBox([self.temperature, self.seed], layout=wrap), self.button, self.output],
                         layout=widgets.Layout(width='100%', max_width='60em'))
        self._lm, self._vocab = model, vocab
        self.text = self.message = None
        self.mode.observe(self._on_mode, names='value')
        self.button.on_click(lambda _button: self.generate())
        self.generate()

    def _on_mode(self, change):
        greedy = change['new'] == 'greedy'
        self.temperature.disabled = self.seed.disabled = greedy

    def _run(self):
        if self.mode.value == 'greedy':
            return self._lm.predict(self.prefix.value, self.num_preds.value, self._vocab)
        return self._lm.sample(self.prefix.value, self.num_preds.value, self._vocab,
                               temperature=self.temperature.value, seed=self.seed.value)

    def generate(self):
        """Generate with the current settings; show and return the text, or show the problem and return None."""
        try:
            text = self._run()
        except (TypeError, ValueError) as err:  # the input checks of d2lmini.generate: say what to change
            return self._show_problem(str(err))
        except Exception as err:  # anything else (e.g. out of GPU memory) is shown too, briefly, not raised
            return self._show_problem(f'generation failed: {type(err).__name__}: {err}')
        self.text, self.message = text, None
        self.output.value = f'<pre style="{_TEXT_STYLE}">{html.escape(text)}</pre>'
        return text

    def _show_problem(self, message):
        self.text, self.message = None, message
        self.output.value = f'<div role="alert" style="{_ERROR_STYLE}">⚠ {html.escape(message)}</div>'
        return None


def generation_panel(model, vocab, prefix='the time traveller', num_preds=100, temperature=1.0, seed=0,
                     lang=None, labels=None):
    """Return a ``GenerationPanel`` for ``model`` and ``vocab`` (display it as a cell's last value)."""
    return GenerationPanel(model, vocab, prefix=prefix, num_preds=num_preds, temperature=temperature, seed=seed,
                           lang=lang, labels=labels)
