"""The in-page generator's HTML (``export.html_snippet`` supplies the exported weights and checked settings).

One ``<div class="d2lmini-gen">`` holds two tabs -- "continue a text" and "score a sentence" -- the shading
legend, the details box, the weights (and an untrained baseline's) as JSON, the page's words and shading bounds
as JSON, and the JavaScript (``generator-math.js`` then ``generator-page.js``) inside one function scope.
Every value written here is escaped; the script writes text only with ``textContent``.
Hooks for tests (``data-d2lmini``): ``prefix length temperature seed generate output message`` (generator),
``score`` (the text box), ``scored``/``scored-baseline`` (the shaded texts: each character a ``<span>``, all but
the first with ``data-p``), ``perplexity``/``perplexity-baseline`` and ``nll``/``nll-baseline`` (numbers),
``score-message``, ``details``, ``tab-generate``/``tab-score``; under the scored text ``heatmap`` (a canvas),
``heatmap-readout``, ``unit-trace`` and ``bits`` (``inside-page.js``). With a trainer (``trainer`` settings, see
``generators/trainer.py``) a third tab ``tab-train`` with ``train-epochs train-seed train-start train-pause
train-reset train-model train-status train-curve train-samples train-message``, the training text in a
``<script type="application/json" data-d2lmini="trainer">``, and the trainer's scripts (``generators/trainer-*.js``).
"""

import html
import json
from importlib import resources

from ..display.shading import BOUNDS, css, legend_items
from ..limits import MAX_PREDS, MAX_PREFIX, MAX_SCORE, MAX_SEED, MAX_TEMPERATURE

e = html.escape


def asset(name):
    return resources.files(__package__).joinpath(name).read_text(encoding='utf-8')


TRAINER_JS = ('trainer-engine.js', 'trainer-wasm-api.js', 'trainer-wasm.js', 'trainer-worker.js', 'trainer-page.js')


def generator_js(train=False):
    """The page's JavaScript: ``d2lminiMath()`` (the model), ``d2lminiInsidePage(math)`` (heatmap, bits),
    ``d2lminiPage(math, extras)`` (the page wiring) and, with ``train``, the trainer's functions."""
    parts = [asset('generator-math.js'), asset('inside-page.js'), asset('generator-page.js')]
    return '\n'.join(parts + ([asset(name) for name in TRAINER_JS] if train else []))


START_JS = """var math = d2lminiMath(), extras = {inside: d2lminiInsidePage(math)};
if (typeof d2lminiTrainerPage === 'function') {
  extras.trainer = d2lminiTrainerPage(math, {engine: d2lminiTrainer, wasm: d2lminiTrainerWasm,
                                             modules: d2lminiTrainerWasmModules, worker: d2lminiTrainerWorker});
}"""


def script_json(value):
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` can close the tag."""
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    return text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')


def _tabs(uid, L, mode, train=False):
    def tab(name, key):
        on = name == mode
        return (
            f'<button type="button" role="tab" id="{uid}-tab-{name}" aria-controls="{uid}-{name}" '
            f'aria-selected="{str(on).lower()}" tabindex="{0 if on else -1}" data-d2lmini="tab-{name}">'
            f'{e(L[key])}</button>'
        )

    third = tab('train', 'train_tab') if train else ''
    return (
        f'<div class="d2lmini-gen-tabs" role="tablist">{tab("generate", "continue_tab")}{tab("score", "score_tab")}'
        f'{third}</div>'
    )


def _generator_panel(uid, L, s, mode):
    hidden = ' hidden' if mode != 'generate' else ''
    return f'''<div role="tabpanel" id="{uid}-generate"
 aria-labelledby="{uid}-tab-generate" data-d2lmini="panel-generate"{hidden}>
<div class="d2lmini-gen-controls">
<label class="d2lmini-gen-wide">{e(L['prefix'])}<input type="text" data-d2lmini="prefix" value="{e(s['prefix'])}"
 maxlength="{MAX_PREFIX}" autocomplete="off" autocapitalize="off" spellcheck="false"></label>
<label class="d2lmini-gen-small">{e(L['length'])}<input type="number" data-d2lmini="length" value="{s['length']}"
 min="0" max="{MAX_PREDS}"
 step="1" inputmode="numeric"></label>
<label class="d2lmini-gen-medium">{e(L['temperature'])} (0 = {e(L['greedy'])}):
 <span data-d2lmini="temperature-value">{s['temperature']:.3g}</span><input type="range"
 data-d2lmini="temperature" value="{s['temperature']!r}" min="0" max="{MAX_TEMPERATURE:g}" step="any"></label>
<label class="d2lmini-gen-small">{e(L['seed'])}<input type="number" data-d2lmini="seed" value="{s['seed']}" min="0"
 max="{MAX_SEED}"
 step="1" inputmode="numeric"></label>
<button type="button" data-d2lmini="generate">{e(L['generate'])}</button>
</div>
<p class="d2lmini-gen-message" data-d2lmini="message" role="alert" hidden></p>
<p class="d2lmini-gen-output" tabindex="0" data-d2lmini="output" aria-live="polite">{e(s['initial_text'])}</p>
<p class="d2lmini-gen-formula" data-d2lmini="output-formula"></p>
</div>'''


def _model_block(L, key, suffix):
    return (
        f'<div class="d2lmini-gen-model"><p class="d2lmini-gen-model-name">{e(L[key])}</p>'
        f'<p class="d2lmini-gen-output" data-d2lmini="scored{suffix}" tabindex="0"></p>'
        f'<p class="d2lmini-gen-formula" data-d2lmini="formula{suffix}"></p></div>'
    )


def _score_panel(uid, L, s, mode, has_baseline):
    baseline = _model_block(L, 'untrained', '-baseline') if has_baseline else ''
    hidden = ' hidden' if mode != 'score' else ''
    return f'''<div role="tabpanel" id="{uid}-score"
 aria-labelledby="{uid}-tab-score" data-d2lmini="panel-score"{hidden}>
<label class="d2lmini-gen-wide">{e(L['score_field'])}<textarea data-d2lmini="score" rows="3" maxlength="{MAX_SCORE}"
 autocomplete="off" autocapitalize="off" spellcheck="false">{e(s['score_text'])}</textarea></label>
<p class="d2lmini-gen-message" data-d2lmini="score-message" role="alert" hidden></p>
{_model_block(L, 'trained', '')}{_inside(L)}{baseline}
<p class="d2lmini-gen-note">{e(L['nll_note'])}</p>
</div>'''


def _inside(L):
    """The heatmap of the hidden state and the bits panel, drawn by inside-page.js under the scored text."""
    return (
        f'<div class="d2lmini-inside"><p class="d2lmini-gen-note">{e(L["heatmap_caption"])}</p>'
        f'<div class="d2lmini-heatmap-scroll"><canvas data-d2lmini="heatmap" tabindex="0" role="img" '
        f'aria-label="{e(L["heatmap_caption"])}" width="0" height="0"></canvas>'
        f'<svg class="d2lmini-unit-trace" data-d2lmini="unit-trace" aria-hidden="true"></svg></div>'
        f'<p class="d2lmini-gen-note" data-d2lmini="heatmap-readout" aria-live="polite"></p>'
        f'<p class="d2lmini-bits" data-d2lmini="bits" aria-live="polite"></p></div>'
    )


def _train_panel(uid, L, trainer, mode):
    """The third tab: the schedule in words, epochs and seed, start/pause/reset, the curve and the samples."""
    s = trainer['settings']
    intro = L['train_intro'].format(
        train=f'{s["num_train"]:,}',
        val=f'{s["num_val"]:,}',
        batch=s['batch_size'],
        lr=f'{s["lr"]:g}',
        clip=f'{s["clip"]:g}',
    )
    hidden = ' hidden' if mode != 'train' else ''
    return f'''<div role="tabpanel" id="{uid}-train"
 aria-labelledby="{uid}-tab-train" data-d2lmini="panel-train"{hidden}>
<p class="d2lmini-gen-note">{e(intro)}</p>
<div class="d2lmini-gen-controls">
<label class="d2lmini-gen-small">{e(L['train_epochs'])}<input type="number" data-d2lmini="train-epochs"
 value="{trainer['epochs']}" min="1"
 max="{trainer['max_epochs']}" step="1" inputmode="numeric"></label>
<label class="d2lmini-gen-small">{e(L['seed'])}<input type="number" data-d2lmini="train-seed" value="{s['seed']}"
 min="0" max="{MAX_SEED}"
 step="1" inputmode="numeric"></label>
<button type="button" data-d2lmini="train-start">{e(L['train_start'])}</button>
<button type="button" data-d2lmini="train-pause" disabled>{e(L['train_pause'])}</button>
<button type="button" data-d2lmini="train-reset" disabled>{e(L['train_reset'])}</button>
<label class="d2lmini-gen-medium">{e(L['train_model'])}<select data-d2lmini="train-model" disabled>
<option value="stored">{e(L['train_stored'])}</option>
<option value="trained">{e(L['train_yours'])}</option></select></label>
</div>
<p class="d2lmini-gen-message" data-d2lmini="train-message" role="alert" hidden></p>
<p class="d2lmini-train-status" data-d2lmini="train-status" aria-live="polite"></p>
<svg class="d2lmini-train-curve" data-d2lmini="train-curve" role="img" aria-label="{e(L['train_curve'])}"></svg>
<ol class="d2lmini-train-samples" data-d2lmini="train-samples"></ol>
</div>'''


def _legend(L):
    swatches = ' '.join(f'<span class="d2lmini-p{k}">{e(text)}</span>' for k, text in legend_items())
    first = f'<span class="d2lmini-p-first">{e(L["no_prediction_short"])}</span>'
    return f'<p class="d2lmini-gen-legend">{e(L["legend"])} {swatches} {first}</p>'


def snippet(uid, weights, baseline, labels, settings, mode, trainer=None):
    """The whole ``<div>``: ``weights``/``baseline`` are export dicts (``baseline`` may be None), ``labels`` the
    page's words, ``settings`` the checked initial values, ``mode`` ``'generate'``, ``'score'`` or ``'train'``,
    ``trainer`` None or the trainer's settings and training text (``generators.trainer.page_spec``)."""
    config = {'labels': labels, 'bounds': list(BOUNDS), 'mode': mode}
    trainer_script = (
        ''
        if trainer is None
        else f'<script type="application/json" data-d2lmini="trainer">{script_json(trainer)}</script>\n'
    )
    baseline_script = (
        ''
        if baseline is None
        else f'<script type="application/json" data-d2lmini="baseline">{script_json(baseline)}</script>\n'
    )
    return f'''<div class="d2lmini-gen" id="{uid}" data-mode="{mode}">
<style>{asset('generator.css')}
{css()}</style>
{_tabs(uid, labels, mode, trainer is not None)}
{_generator_panel(uid, labels, settings, mode)}
{_score_panel(uid, labels, settings, mode, baseline is not None)}
{'' if trainer is None else _train_panel(uid, labels, trainer, mode)}
{_legend(labels)}
<div class="d2lmini-gen-details" data-d2lmini="details" aria-live="polite">{e(labels['details_hint'])}</div>
<script type="application/json" data-d2lmini="weights">{script_json(weights)}</script>
{baseline_script}{trainer_script}<script type="application/json" data-d2lmini="config">{script_json(config)}</script>
<script>(function () {{
{generator_js(trainer is not None)}
{START_JS}
var script = document.currentScript;
var root = (script && script.closest('.d2lmini-gen')) || document.getElementById('{uid}');
d2lminiPage(math, extras).mount(root);
}})();</script>
</div>'''
