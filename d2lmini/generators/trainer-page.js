/* d2lmini in-page trainer, the "Train" tab: unpack the training text, run the Web Worker, draw what it reports.
 *
 * The text ships in the page (generators/trainer.py corpus_payload: the raw file, gzip, base64); it is inflated
 * with DecompressionStream, its SHA-1 checked against the one Python checks (computed here in JavaScript: Web
 * Crypto is missing on plain-http pages), and preprocessed as d2lmini.utils.preprocess; the vocabulary built from
 * it must be the stored model's. The worker's source is the text of the engine, the WebAssembly module and the
 * loop (trainer-worker.js) in a Blob URL: a worker loaded from a file is refused on file:// pages.
 * After each epoch the page continues the generator's prefix greedily and by sampling, and, when the reader
 * chooses "your model", the other tabs use the reader's weights (ui.useModel in generator-page.js).
 * Text is written with textContent only. No globals; every hook is a data-d2lmini attribute of the root.
 */
function d2lminiTrainerPage(math, sources) {
  'use strict';

  function hook(root, name) { return root.querySelector('[data-d2lmini="' + name + '"]'); }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }

  /* SHA-1 (FIPS 180-4) of bytes, as hex. */
  function sha1(bytes) {
    var n = bytes.length, words = new Int32Array(((n + 8 >> 6) + 1) * 16), i;
    for (i = 0; i < n; i++) words[i >> 2] |= bytes[i] << (24 - (i & 3) * 8);
    words[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
    words[words.length - 1] = n * 8;
    words[words.length - 2] = Math.floor(n / 0x20000000);
    var h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0], w = new Int32Array(80);
    for (var block = 0; block < words.length; block += 16) {
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (i = 0; i < 80; i++) {
        if (i < 16) w[i] = words[block + i];
        else { var x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]; w[i] = (x << 1) | (x >>> 31); }
        var f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
        var k = i < 20 ? 0x5A827999 : i < 40 ? 0x6ED9EBA1 : i < 60 ? 0x8F1BBCDC : 0xCA62C1D6;
        var t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
        e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
    }
    return h.map(function (v) { return ('00000000' + (v >>> 0).toString(16)).slice(-8); }).join('');
  }

  function gunzip(base64) {
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  /* The verified text as token ids of the stored model's vocabulary (d2lmini.TimeMachine's corpus). */
  function loadCorpus(spec, model) {
    return gunzip(spec.gzip_base64).then(function (bytes) {
      var digest = sha1(bytes);
      if (digest !== spec.sha1) throw new Error('sha1:' + digest);
      var text = new TextDecoder('utf-8').decode(bytes).replace(/[^A-Za-z]+/g, ' ').toLowerCase();
      var tokens = Array.from(new Set(text)).concat(['<unk>']).sort();
      if (tokens.join('\u0000') !== model.vocab.join('\u0000')) throw new Error('vocab');
      var ids = new Int32Array(text.length);
      for (var i = 0; i < text.length; i++) ids[i] = model.index[text[i]];
      return ids;
    });
  }

  function workerUrl() {
    var source = '(' + sources.worker.toString() + ')(self, (' + sources.engine.toString() + ')(), ' +
      sources.wasm.toString() + ', (' + sources.modules.toString() + ')());';
    return URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
  }

  /* --- the curve: training perplexity as it goes, validation after each epoch (SVG) ------------------------- */

  var SVG = 'http://www.w3.org/2000/svg';

  function svgEl(name, attrs, text) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function drawCurve(svg, labels, run) {
    var W = 520, Hh = 220, left = 44, right = 12, top = 12, bottom = 34, epochs = Math.max(1, run.epochs);
    var points = run.train.concat(run.val), max = 30, min = 0;
    points.forEach(function (p) { if (isFinite(p[1])) max = Math.max(max, Math.min(p[1], 60)); });
    var x = function (e) { return left + (W - left - right) * e / epochs; };
    var y = function (v) { return top + (Hh - top - bottom) * (1 - (Math.min(v, max) - min) / (max - min)); };
    svg.textContent = '';
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + Hh);
    for (var v = 0; v <= max; v += 10) {
      svg.appendChild(svgEl('line', {x1: left, x2: W - right, y1: y(v), y2: y(v), 'class': 'd2lmini-train-grid'}));
      svg.appendChild(svgEl('text', {x: left - 6, y: y(v) + 4, 'text-anchor': 'end'}, String(v)));
    }
    var step = Math.max(1, Math.ceil(epochs / 10));
    for (var e = 0; e <= epochs; e += step) {
      svg.appendChild(svgEl('text', {x: x(e), y: Hh - bottom + 16, 'text-anchor': 'middle'}, String(e)));
    }
    svg.appendChild(svgEl('text', {x: (left + W - right) / 2, y: Hh - 4, 'text-anchor': 'middle'}, labels.epoch));
    svg.appendChild(svgEl('text', {x: 12, y: top + (Hh - top - bottom) / 2, 'text-anchor': 'middle',
                                   transform: 'rotate(-90 12 ' + (top + (Hh - top - bottom) / 2) + ')'},
                          labels.perplexity));
    [['train', run.train], ['val', run.val]].forEach(function (pair) {
      if (!pair[1].length) return;
      var line = pair[1].map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join(' ');
      svg.appendChild(svgEl('polyline', {points: line, 'class': 'd2lmini-train-' + pair[0]}));
      if (pair[0] === 'val') {
        pair[1].forEach(function (p) {
          svg.appendChild(svgEl('circle', {cx: x(p[0]), cy: y(p[1]), r: 3, 'class': 'd2lmini-train-val-dot'}));
        });
      }
    });
    var key = svgEl('g', {transform: 'translate(' + (W - right - 150) + ',' + (top + 6) + ')'});
    [['train', labels.train], ['val', labels.val]].forEach(function (pair, i) {
      key.appendChild(svgEl('line', {x1: 0, x2: 18, y1: i * 16, y2: i * 16, 'class': 'd2lmini-train-' + pair[0]}));
      key.appendChild(svgEl('text', {x: 24, y: i * 16 + 4}, pair[1]));
    });
    svg.appendChild(key);
  }

  /* --- the tab ------------------------------------------------------------------------------------------- */

  function mount(ui, spec) {
    var root = ui.root, L = ui.labels, stored = ui.model, corpus = null, worker = null, url = null;
    var run = null, trained = null;
    var el = {start: hook(root, 'train-start'), pause: hook(root, 'train-pause'), reset: hook(root, 'train-reset'),
              total: hook(root, 'train-epochs'), seed: hook(root, 'train-seed'), status: hook(root, 'train-status'),
              curve: hook(root, 'train-curve'), samples: hook(root, 'train-samples'),
              choice: hook(root, 'train-model'), message: hook(root, 'train-message')};

    function say(text) { el.message.textContent = text; el.message.hidden = !text; }

    function whole(input, low, high, name) {
      var text = input.value.trim();
      if (!/^[0-9]+$/.test(text) || Number(text) < low || Number(text) > high) {
        throw new Error(fill(L.train_range, {name: name, low: math.grouped(low), high: math.grouped(high)}));
      }
      return Number(text);
    }

    function readTotal() {  // the epochs field
      var most = spec.max_epochs;
      return whole(el.total, 1, most, L.train_epochs);
    }

    function status() {
      if (!run) { el.status.textContent = ''; return; }
      var last = run.val[run.val.length - 1];
      el.status.textContent = fill(L.train_status, {
        epoch: String(run.epoch), epochs: String(run.epochs),
        speed: run.speed ? math.grouped(Math.round(run.speed)) : '…',
        train: run.trainPpl ? run.trainPpl.toFixed(2) : '…', val: last ? last[1].toFixed(2) : '…',
        backend: {wasm: 'WebAssembly', js: 'JavaScript'}[run.backend] || '…'}) + (run.state ? ' · ' + L[run.state] : '');
      root.setAttribute('data-train-state', run.state || 'running');
    }

    function buttons(state) {
      el.pause.disabled = !(state === 'running' || state === 'paused' || state === 'done');
      el.pause.textContent = state === 'running' ? L.train_pause : L.train_resume;
      el.reset.disabled = !run;
    }

    function sample(model, epoch) {
      var prefix = 'the time traveller', li = document.createElement('li');
      try { prefix = math.normalizePrefix(hook(root, 'prefix').value, model); } catch (err) { /* keep the default */ }
      var greedy = math.generate(model, prefix, 60, 0, 0), sampled = math.generate(model, prefix, 60, 1, epoch);
      li.textContent = fill(L.train_sample, {epoch: String(epoch), greedy: greedy, sampled: sampled});
      el.samples.appendChild(li);
    }

    function onMessage(event) {
      var msg = event.data;
      if (msg.type === 'ready') { run.backend = msg.backend; run.state = ''; buttons('running'); }
      else if (msg.type === 'progress') {
        run.epoch = msg.epoch; run.speed = msg.tokensPerSecond;
        if (isFinite(msg.trainPpl)) { run.trainPpl = msg.trainPpl; run.train.push([msg.epoch - 1 + msg.fraction, msg.trainPpl]); }
      } else if (msg.type === 'epoch') {
        run.epoch = msg.epoch; run.trainPpl = msg.trainPpl; run.speed = msg.tokensPerSecond;
        run.val.push([msg.epoch, msg.valPpl]);
        trained = math.modelFromArrays(msg.params, stored);
        el.choice.disabled = false;
        sample(trained, msg.epoch);
        if (el.choice.value === 'trained') ui.useModel(trained);
      } else if (msg.type === 'done') { run.state = 'train_done'; buttons('done'); }
      else if (msg.type === 'error') {
        run.state = 'train_stopped'; buttons('done');
        say(msg.message === 'diverged' ? fill(L.train_diverged, {epoch: String(msg.epoch)}) : msg.message);
      }
      drawCurve(el.curve, L, run);
      status();
    }

    function stopWorker() {
      if (worker) worker.terminate();
      if (url) URL.revokeObjectURL(url);
      worker = null; url = null;
    }

    function reset() {
      stopWorker();
      run = null; trained = null;
      el.samples.textContent = ''; el.curve.textContent = ''; say('');
      el.choice.value = 'stored'; el.choice.disabled = true;
      ui.useModel(stored);
      buttons('');
      status();
      root.removeAttribute('data-train-state');
    }

    function start() {
      var total, seed;
      try {
        total = readTotal();
        seed = whole(el.seed, 0, stored.limits.max_seed, L.seed);
      } catch (err) { say(err.message); return; }
      reset();
      run = {epochs: total, epoch: 0, train: [], val: [], state: 'train_loading'};
      status();
      (corpus ? Promise.resolve(corpus) : loadCorpus(spec.corpus, stored)).then(function (ids) {
        corpus = ids;
        if (!run || run.state !== 'train_loading') return;  // reset while loading
        url = workerUrl();
        worker = new Worker(url);
        worker.onmessage = onMessage;
        worker.onerror = function (event) { say(String(event.message)); };
        var settings = {};
        Object.keys(spec.settings).forEach(function (k) { settings[k] = spec.settings[k]; });
        settings.epochs = total; settings.seed = seed;
        worker.postMessage({cmd: 'start', corpus: ids, V: stored.V, settings: settings});
      }).catch(function (err) {
        if (!run) return;  // reset meanwhile
        var m = String(err && err.message || err);
        say(m.indexOf('sha1:') === 0 ? fill(L.train_bad_text, {got: m.slice(5), want: spec.corpus.sha1}) :
            m === 'vocab' ? L.train_bad_vocab : m);
        run.state = 'train_stopped'; status();
      });
    }

    el.start.addEventListener('click', start);
    el.reset.addEventListener('click', reset);
    el.pause.addEventListener('click', function () {
      if (!run || !worker) return;
      if (run.state === '') {
        worker.postMessage({cmd: 'pause'}); run.state = 'train_paused'; buttons('paused');
      } else {
        var epochs;
        try { epochs = readTotal(); } catch (err) { say(err.message); return; }
        run.epochs = Math.max(run.epoch, epochs); run.state = ''; say('');
        worker.postMessage({cmd: 'resume', epochs: run.epochs}); buttons('running');
      }
      status();
    });
    el.choice.addEventListener('change', function () {
      ui.useModel(el.choice.value === 'trained' && trained ? trained : stored);
    });
    buttons('');
  }

  return {mount: mount, sha1: sha1, loadCorpus: loadCorpus};
}
