/* d2lmini in-page generator, part 2 of 2: the page. Reads the fields, calls the math (generator-math.js), draws.
 *
 * Two modes, as tabs: "continue a text" (prefix, length, temperature, seed -> generated text) and "score a
 * sentence" (any text -> its perplexity under the trained model and, when exported, the untrained one). Every
 * shown character is a <span> shaded by the probability the model gave it (classes d2lmini-p0..p4, drawn by
 * d2lmini/display/shading.py's rules; the first character, which has no prediction, is d2lmini-p-first), with the
 * probability in data-p. Pointing at a character, tapping it, or moving to it with the arrow keys (the texts are
 * focusable) shows what the model expected there as a five-bar chart in the details box.
 * All text, typed or generated, is written with textContent only, never parsed as HTML. No network, no globals.
 */
function d2lminiPage(math) {
  'use strict';

  function hook(root, name) { return root.querySelector('[data-d2lmini="' + name + '"]'); }

  function json(root, name) {
    var script = root.querySelector('script[data-d2lmini="' + name + '"]');
    return script ? JSON.parse(script.textContent) : null;
  }

  /* template "a {x} b" + {x: string or Node} -> el's children (text nodes and the given nodes). */
  function fillInto(el, template, values) {
    el.textContent = '';
    template.split(/\{(\w+)\}/).forEach(function (part, i) {
      var value = i % 2 ? values[part] : part;
      el.appendChild(typeof value === 'string' ? document.createTextNode(value) : value);
    });
    return el;
  }

  function fill(template, values) { return fillInto(document.createElement('span'), template, values).textContent; }

  function element(tag, className, text, hookName) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    if (hookName) el.setAttribute('data-d2lmini', hookName);
    return el;
  }

  function shown(token) { return token === ' ' ? '␣' : token; }

  function level(p, bounds) {
    for (var k = 0; k < bounds.length; k++) if (p >= bounds[k]) return k;
    return bounds.length;
  }

  /* --- drawing ------------------------------------------------------------------------------------------- */

  function drawChars(container, model, result, bounds) {
    var frag = document.createDocumentFragment(), ids = result.ids;
    for (var t = 0; t < ids.length; t++) {
      var span = document.createElement('span');
      span.textContent = model.vocab[ids[t]];
      if (t === 0) {
        span.className = 'd2lmini-p-first';
      } else {
        var p = math.probabilityAt(model, result, t);
        span.className = 'd2lmini-p' + level(p, bounds);
        span.setAttribute('data-p', p.toFixed(10));
      }
      frag.appendChild(span);
    }
    container.textContent = '';
    container.appendChild(frag);
  }

  /* "perplexity = exp(mean NLL) = exp(total / n) = exp(nll) = ppl", the two results in hooked spans. */
  function drawFormula(el, labels, result, suffix) {
    var n = result.nll.length;
    if (!n) { el.textContent = ''; return; }
    fillInto(el, labels.ppl_formula, {
      total: result.totalNll.toFixed(4), n: math.grouped(n),
      nll: element('span', '', result.meanNll.toFixed(4), 'nll' + suffix),
      ppl: element('span', 'd2lmini-gen-ppl', result.perplexity.toPrecision(6), 'perplexity' + suffix)});
  }

  function barRow(token, p, actual, note) {
    var row = element('div', 'd2lmini-gen-bar' + (actual ? ' is-actual' : ''));
    row.appendChild(element('span', 'd2lmini-gen-bar-token', shown(token)));
    var track = row.appendChild(element('span', 'd2lmini-gen-bar-track'));
    track.appendChild(element('span', 'd2lmini-gen-bar-fill')).style.width = (100 * p).toFixed(1) + '%';
    row.appendChild(element('span', 'd2lmini-gen-bar-value', p.toFixed(3)));
    row.appendChild(element('span', 'd2lmini-gen-bar-note', note || ''));  // every row fills the chart's 4 columns
    return row;
  }

  function context(view, t) {
    var start = Math.max(0, t - 24), ids = Array.prototype.slice.call(view.result.ids, start, t);
    return (start > 0 ? '…' : '') + ids.map(function (k) { return view.model.vocab[k]; }).join('');
  }

  /* The details box for character t of a view: its probability and the five most likely characters there. */
  function drawDetails(box, labels, view, t) {
    var model = view.model, result = view.result, char = model.vocab[result.ids[t]];
    box.textContent = '';
    if (view.title) box.appendChild(element('p', 'd2lmini-gen-details-model', view.title));
    if (t === 0) { box.appendChild(element('p', '', fill(labels.no_prediction, {char: shown(char)}))); return; }
    var p = math.probabilityAt(model, result, t);
    box.appendChild(element('p', '', fill(labels.char_prob, {char: shown(char), p: p.toFixed(4),
                                                              bits: (-Math.log2(p)).toFixed(2)})));
    box.appendChild(element('p', '', fill(labels.expected_after, {context: context(view, t)})));
    var chart = box.appendChild(element('div', 'd2lmini-gen-chart')), found = false;
    math.topAt(model, result, t, 5).forEach(function (pair) {
      var actual = pair[0] === char;
      found = found || actual;
      chart.appendChild(barRow(pair[0], pair[1], actual, actual ? labels.in_text : ''));
    });
    if (!found) {
      var rank = fill(labels.rank, {rank: String(math.rankAt(model, result, t))});
      chart.appendChild(barRow(char, p, true, labels.in_text + ' (' + rank + ')'));
    }
  }

  function showMessage(el, text) {
    el.textContent = text;
    el.hidden = !text;
  }

  /* --- one view: a shaded text that the details box can explain ------------------------------------------- */

  function View(el, formula, suffix, title) {
    this.el = el; this.formula = formula; this.suffix = suffix; this.title = title;
    this.model = null; this.result = null; this.current = -1;
  }

  View.prototype.draw = function (model, result, ui) {
    this.model = model; this.result = result; this.current = -1;
    ui.details.textContent = ui.labels.details_hint;  // what it explained is gone
    drawChars(this.el, model, result, ui.config.bounds);
    if (this.formula) drawFormula(this.formula, ui.labels, result, this.suffix);
  };

  View.prototype.clear = function () {
    this.result = null; this.current = -1; this.el.textContent = '';
    if (this.formula) this.formula.textContent = '';
  };

  View.prototype.select = function (t, ui) {
    if (!this.result || t < 0 || t >= this.result.ids.length) return;
    var old = this.el.children[this.current];
    if (old) old.classList.remove('is-current');
    this.current = t;
    this.el.children[t].classList.add('is-current');
    drawDetails(ui.details, ui.labels, this, t);
  };

  var KEYS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};

  function wireView(view, ui) {
    var pick = function (event) {
      var i = Array.prototype.indexOf.call(view.el.children, event.target);
      if (i >= 0) view.select(i, ui);
    };
    view.el.addEventListener('mouseover', pick);
    view.el.addEventListener('click', pick);
    view.el.addEventListener('focus', function () { view.select(Math.max(0, view.current), ui); });
    view.el.addEventListener('keydown', function (event) {
      if (!view.result) return;
      var last = view.result.ids.length - 1, t = view.current;
      if (event.key in KEYS) t = Math.min(last, Math.max(0, t + KEYS[event.key]));
      else if (event.key === 'Home') t = 0;
      else if (event.key === 'End') t = last;
      else return;
      event.preventDefault();
      view.select(t, ui);
    });
  }

  /* --- the two modes ---------------------------------------------------------------------------------------- */

  // Field text -> number: digits only for whole numbers, a plain decimal for the temperature (both patterns
  // match in linear time, so a megabyte typed by a script is rejected at once); anything else reads as NaN.
  var WHOLE = /^[0-9]+$/, DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

  function readSettings(root, model) {
    var raw = {}, shownValues = {};
    ['length', 'temperature', 'seed'].forEach(function (name) {
      raw[name] = hook(root, name).value.trim();
      shownValues[name] = JSON.stringify(raw[name].length > 24 ? raw[name].slice(0, 24) + '...' : raw[name]);
    });
    var number = function (name, pattern) { return pattern.test(raw[name]) ? Number(raw[name]) : NaN; };
    var s = {length: number('length', WHOLE), temperature: number('temperature', DECIMAL), seed: number('seed', WHOLE)};
    math.checkSettings(model, s.length, s.temperature, s.seed, shownValues);
    return s;
  }

  function formatTemperature(text) {  // 3 significant digits, as page_markup.py writes the first value
    var t = Number(text);
    return isFinite(t) ? String(Number(t.toPrecision(3))) : text.slice(0, 12);
  }

  function generateNow(ui) {
    var root = ui.root;
    hook(root, 'temperature-value').textContent = formatTemperature(hook(root, 'temperature').value);
    try {
      var s = readSettings(root, ui.model);
      var result = math.generateScored(ui.model, hook(root, 'prefix').value, s.length, s.temperature, s.seed);
      ui.views.output.draw(ui.model, result, ui);
      showMessage(hook(root, 'message'), '');
    } catch (err) {
      ui.views.output.clear();
      showMessage(hook(root, 'message'), String(err.message || err));
    }
  }

  function scoreNow(ui) {
    var text = hook(ui.root, 'score').value;
    try {
      ui.views.scored.draw(ui.model, math.score(ui.model, text), ui);
      if (ui.baseline) ui.views.baseline.draw(ui.baseline, math.score(ui.baseline, text), ui);
      showMessage(hook(ui.root, 'score-message'), '');
    } catch (err) {
      ui.views.scored.clear();
      if (ui.baseline) ui.views.baseline.clear();
      showMessage(hook(ui.root, 'score-message'), String(err.message || err));
    }
  }

  function selectMode(ui, mode, focus) {
    ['generate', 'score'].forEach(function (name) {
      var tab = hook(ui.root, 'tab-' + name), on = name === mode;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      hook(ui.root, 'panel-' + name).hidden = !on;
      if (on && focus) tab.focus();
    });
    ui.root.setAttribute('data-mode', mode);
    ui.details.textContent = ui.labels.details_hint;
  }

  function wireTabs(ui) {
    ['generate', 'score'].forEach(function (name) {
      var tab = hook(ui.root, 'tab-' + name);
      tab.addEventListener('click', function () { selectMode(ui, name, false); });
      tab.addEventListener('keydown', function (event) {  // the ARIA tabs pattern: arrows move between tabs
        if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
        event.preventDefault();
        selectMode(ui, name === 'generate' ? 'score' : 'generate', true);
      });
    });
  }

  function wireGenerator(ui) {
    var root = ui.root, update = function () { generateNow(ui); };
    ['prefix', 'length', 'temperature', 'seed'].forEach(function (name) {
      hook(root, name).addEventListener('input', update);
    });
    hook(root, 'generate').addEventListener('click', function () {
      var seed = hook(root, 'seed'), text = seed.value.trim(), max = ui.model.limits.max_seed;
      if (Number(hook(root, 'temperature').value) > 0 && WHOLE.test(text) && Number(text) <= max) {
        seed.value = String(Number(text) < max ? Number(text) + 1 : 0);  // the next seed; after the last, 0
      }
      update();
    });
  }

  /* Wire one generator root (once): read the weights and settings, draw both modes. */
  function mount(root) {
    if (!root || root.getAttribute('data-d2lmini-mounted')) return;
    root.setAttribute('data-d2lmini-mounted', 'true');
    var config = json(root, 'config'), baseline = json(root, 'baseline');
    var ui = {root: root, config: config, labels: config.labels, details: hook(root, 'details'),
              model: math.loadModel(json(root, 'weights')), baseline: baseline && math.loadModel(baseline)};
    ui.views = {output: new View(hook(root, 'output'), hook(root, 'output-formula'), '-output', ''),
                scored: new View(hook(root, 'scored'), hook(root, 'formula'), '', config.labels.trained),
                baseline: new View(hook(root, 'scored-baseline'), hook(root, 'formula-baseline'), '-baseline',
                                   config.labels.untrained)};
    Object.keys(ui.views).forEach(function (name) { if (ui.views[name].el) wireView(ui.views[name], ui); });
    wireTabs(ui);
    wireGenerator(ui);
    hook(root, 'score').addEventListener('input', function () { scoreNow(ui); });
    selectMode(ui, config.mode, false);
    generateNow(ui);
    if (hook(root, 'score').value) scoreNow(ui);  // an empty box waits for the reader, without a message
  }

  return {mount: mount};
}
