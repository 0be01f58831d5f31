/* d2lmini in-page generator, part 1 of 2: the model's math, no page (Node tests call it directly).
 *
 * The exported character RNN (d2lmini/generators/export.py) in plain JavaScript: no libraries, no network, no globals
 * (d2lmini/generators/page_markup.py inlines this file inside a function scope). Arithmetic is Float64 from float32 weights:
 * H_t = tanh(W_ih[:, x_t] + b_ih + W_hh H_{t-1} + b_hh), logits = W_out H_t + b_out; typed arrays and two
 * preallocated hidden-state buffers keep the loop tight.
 * Every step that predicts also keeps the model's full distribution (softmax over all tokens, the unknown token
 * included, at temperature 1): the probability of each shown character and the five most likely ones come from it.
 * The first character has no prediction (no context); scores average over the characters after it, as
 * d2lmini/scoring.py does. Limits (d2lmini/limits.py LIMITS, in the payload) are checked before any work.
 */
function d2lminiMath() {
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

  /* limits.py PREFIX_RULE and SCORE_RULE: the name in messages, the limit, what to type instead of nothing. */
  function rule(model, kind) {
    return kind === 'text' ?
      {name: 'text', max: model.limits.max_score, hint: 'type a sentence to score, e.g. "the time machine".'} :
      {name: 'prefix', max: model.limits.max_prefix,
       hint: 'give the model at least one character to start from, e.g. "the time".'};
  }

  /* The rules of d2lmini.limits.normalize_text; throws Error with a message meant for the reader. */
  function normalizeText(input, model, kind) {
    var r = rule(model, kind);
    if (input.length === 0) throw new Error(r.name + ' is empty: ' + r.hint);
    var count = input.length > r.max ? countCharacters(input) : 0;
    if (count > r.max) {  // checked first: nothing is done with a long text but counting its characters
      throw new Error(r.name + ' has ' + grouped(count) + ' characters; the limit is ' + grouped(r.max) +
                      ': shorten it.');
    }
    var foreign = Array.from(new Set(Array.from(input).filter(function (c) { return c.codePointAt(0) > 127; })));
    if (foreign.length) {
      foreign.sort(function (a, b) { return a.codePointAt(0) - b.codePointAt(0); });
      var shown = foreign.slice(0, 10).map(function (c) { return "'" + c + "'"; }).join(' ');
      throw new Error(r.name + ' contains characters the model never saw: ' + shown + '. The training text has ' +
                      'only the letters a-z and spaces; type English letters (case and punctuation are fine).');
    }
    var text = input.replace(/[^A-Za-z]+/g, ' ').toLowerCase();
    var missing = Array.from(new Set(text)).filter(function (c) { return !(c in model.index); }).sort();
    if (missing.length) throw new Error(r.name + ' characters ' + missing.join(', ') + ' are not in the vocabulary.');
    return text;
  }

  function normalizePrefix(prefix, model) { return normalizeText(prefix, model, 'prefix'); }

  function normalizeScoreText(input, model) {  // limits.normalize_score_text
    var text = normalizeText(input, model, 'text');
    if (text.length < 2) {
      throw new Error('text has only one character once normalized; scoring needs at least two: the model ' +
                      'reads the first and predicts each later one.');
    }
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
      logits[v] = s;
    }
  }

  /* softmax(logits) into out[offset ...]; returns log(sum(exp(logits))), so -ln p(v) = lse - logits[v]. */
  function softmaxInto(logits, out, offset) {
    var V = logits.length, max = logits[0], total = 0, v;
    for (v = 1; v < V; v++) if (logits[v] > max) max = logits[v];
    for (v = 0; v < V; v++) { out[offset + v] = Math.exp(logits[v] - max); total += out[offset + v]; }
    for (v = 0; v < V; v++) out[offset + v] /= total;
    return max + Math.log(total);
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

  /* The next token from logits (changed in place): tokens that are never emitted are masked first. */
  function choose(model, logits, temperature, random) {
    var V = logits.length, v;
    for (v = 0; v < V; v++) if (!model.emits[v]) logits[v] = -Infinity;
    var best = 0;
    for (v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;  // first maximum, like torch.argmax
    if (!(temperature > 0)) return best;
    var total = 0, max = logits[best];
    for (v = 0; v < V; v++) { logits[v] = Math.exp((logits[v] - max) / temperature); total += logits[v]; }
    var u = random() * total;
    for (v = 0; v < V; v++) { u -= logits[v]; if (u < 0) return v; }
    return best;  // rounding left u >= 0: fall back to the most likely token
  }

  /* Read ids (at least one), then generate numPreds more (temperature 0: greedy). Returns {ids, dist, nll}:
   * dist row t - 1 (V numbers) is the model's distribution for token t given tokens 0..t-1, nll[t - 1] is
   * -ln p(token t). The one loop serves generation and scoring (numPreds 0). */
  function run(model, ids, numPreds, temperature, seed) {
    var V = model.V, total = ids.length + numPreds, out = new Int32Array(total);
    var dist = new Float64Array((total - 1) * V), nll = new Float64Array(total - 1);
    var h = new Float64Array(model.H), next = new Float64Array(model.H), logits = new Float64Array(V);
    var random = mulberry32(seed), tmp;
    out.set(ids);
    for (var t = 0; t < total; t++) {
      if (t > 0) {
        logitsOf(model, h, logits);
        var lse = softmaxInto(logits, dist, (t - 1) * V);
        if (t < ids.length) {
          nll[t - 1] = lse - logits[out[t]];
        } else {  // choose() rewrites the logits: read the chosen token's probability from dist
          out[t] = choose(model, logits, temperature, random);
          nll[t - 1] = -Math.log(dist[(t - 1) * V + out[t]]);
        }
      }
      if (t + 1 < total) { step(model, out[t], h, next); tmp = h; h = next; next = tmp; }
    }
    return {ids: out, dist: dist, nll: nll};
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

  function idsOf(model, text) { return Array.from(text).map(function (c) { return model.index[c]; }); }

  function textOf(model, ids) {
    return Array.prototype.map.call(ids, function (k) { return model.vocab[k]; }).join('');
  }

  function summarize(result, text) {  // mean NLL over the predicted characters and the perplexity
    var total = 0, n = result.nll.length;
    for (var i = 0; i < n; i++) total += result.nll[i];
    result.text = text;
    result.totalNll = total;
    result.meanNll = n ? total / n : NaN;
    result.perplexity = Math.exp(result.meanNll);
    return result;
  }

  /* Prefix continued by numPreds characters: {text, ids, dist, nll, totalNll, meanNll, perplexity}. */
  function generateScored(model, prefix, numPreds, temperature, seed) {
    var text = normalizePrefix(prefix, model);
    checkSettings(model, numPreds, temperature, seed);
    var result = run(model, idsOf(model, text), numPreds, temperature, seed);
    return summarize(result, textOf(model, result.ids));
  }

  function generateIds(model, ids, numPreds, temperature, seed) {
    return Array.from(run(model, ids, numPreds, temperature, seed).ids);
  }

  function generate(model, prefix, numPreds, temperature, seed) {
    return generateScored(model, prefix, numPreds, temperature, seed).text;
  }

  /* How likely the model finds a text (d2lmini.scoring.score): the same fields as generateScored. */
  function score(model, input) {
    var text = normalizeScoreText(input, model);
    return summarize(run(model, idsOf(model, text), 0, 0, 0), text);
  }

  /* Probability of token t of a result (t >= 1; token 0 has none). */
  function probabilityAt(model, result, t) { return result.dist[(t - 1) * model.V + result.ids[t]]; }

  /* The k most likely tokens where token t was predicted: [[token, probability], ...], most likely first. */
  function topAt(model, result, t, k) {
    var V = model.V, base = (t - 1) * V, order = [];
    for (var v = 0; v < V; v++) order.push(v);
    order.sort(function (a, b) { return result.dist[base + b] - result.dist[base + a] || a - b; });
    return order.slice(0, k).map(function (v) { return [model.vocab[v], result.dist[base + v]]; });
  }

  /* 1-based rank of token t among the predictions at its position. */
  function rankAt(model, result, t) {
    var p = probabilityAt(model, result, t), base = (t - 1) * model.V, rank = 1;
    for (var v = 0; v < model.V; v++) if (result.dist[base + v] > p) rank++;
    return rank;
  }

  return {loadModel: loadModel, grouped: grouped, checkSettings: checkSettings, generateIds: generateIds,
          generate: generate, generateScored: generateScored, score: score, probabilityAt: probabilityAt,
          topAt: topAt, rankAt: rankAt};
}
