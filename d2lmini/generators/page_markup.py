"""The in-page generator's HTML (``export.html_snippet`` supplies the exported weights and checked settings).

One ``<div class="d2lmini-gen">`` holds two tabs -- "continue a text" and "score a sentence" -- the shading
legend, the details box, the weights (and an untrained baseline's) as JSON, the page's words and shading bounds
as JSON, and the JavaScript (``generator-math.js`` then ``generator-page.js``) inside one function scope.
Every value written here is escaped; the script writes text only with ``textContent``.
Hooks for tests (``data-d2lmini``): ``prefix length temperature seed generate output message`` (generator),
``score`` (the text box), ``scored``/``scored-baseline`` (the shaded texts: each character a ``<span>``, all but
the first with ``data-p``), ``perplexity``/``perplexity-baseline`` and ``nll``/``nll-baseline`` (numbers),
``score-message``, ``details``, ``tab-generate``/``tab-score``.
"""
import html
import json
from importlib import resources

from ..limits import MAX_PREDS, MAX_PREFIX, MAX_SCORE, MAX_SEED, MAX_TEMPERATURE
from ..display.shading import BOUNDS, css, legend_items

e = html.escape


def asset(name):
    return resources.files(__package__).joinpath(name).read_text(encoding='utf-8')


def generator_js():
    """The page's JavaScript: ``d2lminiMath()`` (the model) and ``d2lminiPage(math)`` (the page wiring)."""
    return asset('generator-math.js') + '\n' + asset('generator-page.js')


def script_json(value):
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` can close the tag."""
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    return text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')


def _tabs(uid, L, mode):
    def tab(name, key):
        on = name == mode
        return (f'<button type="button" role="tab" id="{uid}-tab-{name}" aria-controls="{uid}-{name}" '
                f'aria-selected="{str(on).lower()}" tabindex="{0 if on else -1}" data-d2lmini="tab-{name}">'
                f'{e(L[key])}</button>')
    return f'<div class="d2lmini-gen-tabs" role="tablist">{tab("generate", "continue_tab")}{tab("score", "score_tab")}</div>'


def _generator_panel(uid, L, s, mode):
    return f'''<div role="tabpanel" id="{uid}-generate" aria-labelledby="{uid}-tab-generate" data-d2lmini="panel-generate"{' hidden' if mode != 'generate' else ''}>
<div class="d2lmini-gen-controls">
<label class="d2lmini-gen-wide">{e(L['prefix'])}<input type="text" data-d2lmini="prefix" value="{e(s['prefix'])}"
 maxlength="{MAX_PREFIX}" autocomplete="off" autocapitalize="off" spellcheck="false"></label>
<label class="d2lmini-gen-small">{e(L['length'])}<input type="number" data-d2lmini="length" value="{s['length']}" min="0" max="{MAX_PREDS}"
 step="1" inputmode="numeric"></label>
<label class="d2lmini-gen-medium">{e(L['temperature'])} (0 = {e(L['greedy'])}): <span data-d2lmini="temperature-value">{s['temperature']:.3g}</span><input type="range"
 data-d2lmini="temperature" value="{s['temperature']!r}" min="0" max="{MAX_TEMPERATURE:g}" step="any"></label>
<label class="d2lmini-gen-small">{e(L['seed'])}<input type="number" data-d2lmini="seed" value="{s['seed']}" min="0" max="{MAX_SEED}"
 step="1" inputmode="numeric"></label>
<button type="button" data-d2lmini="generate">{e(L['generate'])}</button>
</div>
<p class="d2lmini-gen-message" data-d2lmini="message" role="alert" hidden></p>
<p class="d2lmini-gen-output" tabindex="0" data-d2lmini="output" aria-live="polite">{e(s['initial_text'])}</p>
<p class="d2lmini-gen-formula" data-d2lmini="output-formula"></p>
</div>'''


def _model_block(L, key, suffix):
    return (f'<div class="d2lmini-gen-model"><p class="d2lmini-gen-model-name">{e(L[key])}</p>'
            f'<p class="d2lmini-gen-output" data-d2lmini="scored{suffix}" tabindex="0"></p>'
            f'<p class="d2lmini-gen-formula" data-d2lmini="formula{suffix}"></p></div>')


def _score_panel(uid, L, s, mode, has_baseline):
    baseline = _model_block(L, 'untrained', '-baseline') if has_baseline else ''
    return f'''<div role="tabpanel" id="{uid}-score" aria-labelledby="{uid}-tab-score" data-d2lmini="panel-score"{' hidden' if mode != 'score' else ''}>
<label class="d2lmini-gen-wide">{e(L['score_field'])}<textarea data-d2lmini="score" rows="3" maxlength="{MAX_SCORE}"
 autocomplete="off" autocapitalize="off" spellcheck="false">{e(s['score_text'])}</textarea></label>
<p class="d2lmini-gen-message" data-d2lmini="score-message" role="alert" hidden></p>
{_model_block(L, 'trained', '')}{baseline}
<p class="d2lmini-gen-note">{e(L['nll_note'])}</p>
</div>'''


def _legend(L):
    swatches = ' '.join(f'<span class="d2lmini-p{k}">{e(text)}</span>' for k, text in legend_items())
    first = f'<span class="d2lmini-p-first">{e(L["no_prediction_short"])}</span>'
    return f'<p class="d2lmini-gen-legend">{e(L["legend"])} {swatches} {first}</p>'


def snippet(uid, weights, baseline, labels, settings, mode):
    """The whole ``<div>``: ``weights``/``baseline`` are export dicts (``baseline`` may be None), ``labels`` the
    page's words, ``settings`` the checked initial values, ``mode`` ``'generate'`` or ``'score'``."""
    config = {'labels': labels, 'bounds': list(BOUNDS), 'mode': mode}
    baseline_script = ('' if baseline is None else
                       f'<script type="application/json" data-d2lmini="baseline">{script_json(baseline)}</script>\n')
    return f'''<div class="d2lmini-gen" id="{uid}" data-mode="{mode}">
<style>{asset('generator.css')}
{css()}</style>
{_tabs(uid, labels, mode)}
{_generator_panel(uid, labels, settings, mode)}
{_score_panel(uid, labels, settings, mode, baseline is not None)}
{_legend(labels)}
<div class="d2lmini-gen-details" data-d2lmini="details" aria-live="polite">{e(labels['details_hint'])}</div>
<script type="application/json" data-d2lmini="weights">{script_json(weights)}</script>
{baseline_script}<script type="application/json" data-d2lmini="config">{script_json(config)}</script>
<script>(function () {{
{generator_js()}
var script = document.currentScript;
var root = (script && script.closest('.d2lmini-gen')) || document.getElementById('{uid}');
d2lminiPage(d2lminiMath()).mount(root);
}})();</script>
</div>'''
