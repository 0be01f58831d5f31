/* d2lmini in-page generator: the exported character RNN (d2lmini/export.py) in plain JavaScript.
 *
 * No libraries, no network, no globals: export.py inlines this file inside a function scope and calls
 * d2lminiGenerator().mount(root). Node tests and the browser benchmark call the same core functions.
 * Arithmetic is Float64 from float32 weights: H_t = tanh(W_ih[:, x_t] + b_ih + W_hh H_{t-1} + b_hh),
 * logits = W_out H_t + b_out. Typed arrays and two preallocated hidden-state buffers keep the loop tight.
 * Typed text is only ever written with textContent, never parsed as HTML.
 * Limits (prefix, length, temperature, seed) come from the payload (d2lmini/limits.py LIMITS) and are checked
 * before any work, also for values a script puts into the fields: the page answers a 1 MB prefix at once.
 */
function d2lminiGenerator() {
  'use strict';

  function decodeFloat32(spec, name) {
    var binary = atob(spec.float32_le_base64);
    var size = spec.shape.reduce(function (a, b) { return a * b; }, 1);
    if (binary.length !== 4 * size) throw new Error('weights ' + name + ': expected ' + size + ' numbers');
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var view = new DataView(bytes.buffer), out = new Float64Array(size);
    for (var k = 0; k < size; k++) out[k] = view.getFloat32(4 * k, true);
    return out;
  }

  /* Payload (export_weights) -> model with the input weights laid out one row per token, biases folded in. */
  function loadModel(payload) {
    var w = payload.weights, V = payload.vocab_size, H = payload.num_hiddens;
    var Wih = decodeFloat32(w.W_ih, 'W_ih'), bih = decodeFloat32(w.b_ih, 'b_ih');
    var bhh = decodeFloat32(w.b_hh, 'b_hh'), inputRows = new Float64Array(V * H);
    for (var t = 0; t < V; t++) {
      for (var i = 0; i < H; i++) inputRows[t * H + i] = Wih[i * V + t] + bih[i] + bhh[i];
    }
    var index = {}, emits = new Uint8Array(V);  // multi-character tokens (the unknown token): never emitted
    payload.vocab.forEach(function (token, k) { index[token] = k; emits[k] = token.length === 1 ? 1 : 0; });
    return {V: V, H: H, vocab: payload.vocab, index: index, emits: emits, limits: payload.limits,
            inputRows: inputRows, Whh: decodeFloat32(w.W_hh, 'W_hh'), Wout: decodeFloat32(w.W_out, 'W_out'),
            bout: decodeFloat32(w.b_out, 'b_out')};
  }

  function grouped(n) { return n.toLocaleString('en'); }  // 1,048,576, as Python's f'{n:,}'

  function countCharacters(text) {  // as Python's len(): a surrogate pair (an emoji) is one character
    var n = text.length;
    for (var i = 0; i + 1 < text.length; i++) {
      var c = text.charCodeAt(i), d = text.charCodeAt(i + 1);
      if (c >= 0xD800 && c <= 0xDBFF && d >= 0xDC00 && d <= 0xDFFF) { n--; i++; }
    }
    return n;
  }

  /* The same rules as d2lmini.limits.normalize_prefix; throws Error with a message meant for the reader. */
  function normalizePrefix(prefix, model) {
    if (prefix.length === 0) {
      throw new Error('prefix is empty: give the model at least one character to start from, e.g. "the time".');
    }
    var max = model.limits.max_prefix, count = prefix.length > max ? countCharacters(prefix) : 0;
    if (count > max) {  // checked first: nothing is done with a long prefix but counting its characters
      throw new Error('prefix has ' + grouped(count) + ' characters; the limit is ' + grouped(max) + ': shorten it.');
    }
    var foreign = Array.from(new Set(Array.from(prefix).filter(function (c) { return c.codePointAt(0) > 127; })));
    if (foreign.length) {
      foreign.sort(function (a, b) { return a.codePointAt(0) - b.codePointAt(0); });
      var shown = foreign.slice(0, 10).map(function (c) { return "'" + c + "'"; }).join(' ');
      throw new Error('prefix contains characters the model never saw: ' + shown + '. The training text has only ' +
                      'the letters a-z and spaces; type English letters (case and punctuation are fine).');
    }
    var text = prefix.replace(/[^A-Za-z]+/g, ' ').toLowerCase();
    var missing = Array.from(new Set(text)).filter(function (c) { return !(c in model.index); }).sort();
    if (missing.length) throw new Error('prefix characters ' + missing.join(', ') + ' are not in the vocabulary.');
    return text;
  }

  function step(model, token, h, out) {
    var H = model.H, rows = model.inputRows, Whh = model.Whh, base = token * H;
    for (var i = 0; i < H; i++) {
      var s = rows[base + i], r = i * H;
      for (var j = 0; j < H; j++) s += Whh[r + j] * h[j];
      out[i] = Math.tanh(s);
    }
  }

  function logitsOf(model, h, logits) {
    var H = model.H, W = model.Wout;
    for (var v = 0; v < model.V; v++) {
      var s = model.bout[v], r = v * H;
      for (var j = 0; j < H; j++) s += W[r + j] * h[j];
      logits[v] = model.emits[v] ? s : -Infinity;
    }
  }

  function mulberry32(seed) {  // small seedable PRNG: uniform numbers in [0, 1)
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function choose(logits, temperature, random) {
    var best = 0, V = logits.length;
    for (var v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;  // first maximum, like torch.argmax
    if (!(temperature > 0)) return best;
    var total = 0, max = logits[best];
    for (v = 0; v < V; v++) { logits[v] = Math.exp((logits[v] - max) / temperature); total += logits[v]; }
    var u = random() * total;
    for (v = 0; v < V; v++) { u -= logits[v]; if (u < 0) return v; }
    return best;  // rounding left u >= 0: fall back to the most likely token
  }

  /* Token ids of the normalized prefix, then numPreds more; temperature 0 means greedy. */
  function generateIds(model, ids, numPreds, temperature, seed) {
    var h = new Float64Array(model.H), next = new Float64Array(model.H), logits = new Float64Array(model.V);
    var out = ids.slice(), random = mulberry32(seed), tmp;
    for (var k = 0; k < ids.length; k++) { step(model, ids[k], h, next); tmp = h; h = next; next = tmp; }
    for (var n = 0; n < numPreds; n++) {
      logitsOf(model, h, logits);
      var token = choose(logits, temperature, random);
      out.push(token);
      step(model, token, h, next); tmp = h; h = next; next = tmp;
    }
    return out;
  }

  /* The rules of d2lmini/limits.py (temperature 0 = greedy, as in html_generator); `shown` optionally gives the
   * typed text of each value for the message. Throws Error with a message meant for the reader. */
  function checkSettings(model, numPreds, temperature, seed, shown) {
    var L = model.limits, got = function (name, value) { return ', got ' + (shown ? shown[name] : value) + '.'; };
    if (!Number.isInteger(numPreds) || numPreds < 0 || numPreds > L.max_preds) {
      throw new Error('the number of characters must be a whole number between 0 and ' + grouped(L.max_preds) +
                      got('length', numPreds));
    }
    var t = temperature;
    if (typeof t !== 'number' || !(t === 0 || (t > 0 && t <= L.max_temperature))) {  // NaN and Infinity fail
      throw new Error('temperature must be 0 (greedy) or a finite number above 0 and at most ' + L.max_temperature +
                      got('temperature', temperature));
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > L.max_seed) {
      throw new Error('the seed must be a whole number from 0 to ' + grouped(L.max_seed) + got('seed', seed));
    }
  }

  function generate(model, prefix, numPreds, temperature, seed) {
    var text = normalizePrefix(prefix, model);
    checkSettings(model, numPreds, temperature, seed);
    var ids = Array.from(text).map(function (c) { return model.index[c]; });
    return generateIds(model, ids, numPreds, temperature, seed).map(function (k) {
      return model.vocab[k];
    }).join('');
  }

  // Field text -> number: digits only for whole numbers, a plain decimal for the temperature (both patterns
  // match in linear time, so a megabyte typed by a script is rejected at once); anything else reads as NaN.
  var WHOLE = /^[0-9]+$/, DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

  function readSettings(root, model) {
    var raw = {}, shown = {};
    ['length', 'temperature', 'seed'].forEach(function (name) {
      raw[name] = root.querySelector('[data-d2lmini="' + name + '"]').value.trim();
      shown[name] = JSON.stringify(raw[name].length > 24 ? raw[name].slice(0, 24) + '...' : raw[name]);
    });
    var number = function (name, pattern) { return pattern.test(raw[name]) ? Number(raw[name]) : NaN; };
    var s = {length: number('length', WHOLE), temperature: number('temperature', DECIMAL), seed: number('seed', WHOLE)};
    checkSettings(model, s.length, s.temperature, s.seed, shown);
    return s;
  }

  function formatTemperature(text) {  // 3 significant digits, as export.py writes the first value
    var t = Number(text);
    return isFinite(t) ? String(Number(t.toPrecision(3))) : text.slice(0, 12);
  }

  function render(root, model) {
    var output = root.querySelector('[data-d2lmini="output"]');
    var message = root.querySelector('[data-d2lmini="message"]');
    var shown = root.querySelector('[data-d2lmini="temperature-value"]');
    shown.textContent = formatTemperature(root.querySelector('[data-d2lmini="temperature"]').value);
    try {
      var s = readSettings(root, model);
      var prefix = root.querySelector('[data-d2lmini="prefix"]').value;
      output.textContent = generate(model, prefix, s.length, s.temperature, s.seed);
      message.textContent = '';
      message.hidden = true;
    } catch (err) {
      output.textContent = '';
      message.textContent = String(err.message || err);
      message.hidden = false;
    }
  }

  /* Wire one generator: regenerate as the reader types; the button draws the next seed when sampling. */
  function mount(root) {
    if (!root || root.getAttribute('data-d2lmini-mounted')) return;
    root.setAttribute('data-d2lmini-mounted', 'true');
    var model = loadModel(JSON.parse(root.querySelector('script[data-d2lmini="weights"]').textContent));
    var update = function () { render(root, model); };
    ['prefix', 'length', 'temperature', 'seed'].forEach(function (name) {
      root.querySelector('[data-d2lmini="' + name + '"]').addEventListener('input', update);
    });
    root.querySelector('[data-d2lmini="generate"]').addEventListener('click', function () {
      var seed = root.querySelector('[data-d2lmini="seed"]'), text = seed.value.trim(), max = model.limits.max_seed;
      if (Number(root.querySelector('[data-d2lmini="temperature"]').value) > 0 && WHOLE.test(text) &&
          Number(text) <= max) {
        seed.value = String(Number(text) < max ? Number(text) + 1 : 0);  // the next seed; after the last, 0
      }
      update();
    });
    update();
  }

  return {loadModel: loadModel, normalizePrefix: normalizePrefix, checkSettings: checkSettings,
          generateIds: generateIds, generate: generate, mount: mount};
}
