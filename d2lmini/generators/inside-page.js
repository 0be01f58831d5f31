/* d2lmini in-page generator, under the scored text: the hidden state as a heatmap, and how many bits the text costs.
 *
 * Heatmap: one column per character, one row per hidden unit; the colour of (t, i) is unit i after the model has
 * read characters 0..t (math.hiddenStates, float64 from the float32 weights: the values nn.RNN gives for the same
 * weights; tests/browser/test_trainer.py checks them). Blue is -1, white 0, red +1 (tanh's range). Pointing at a
 * cell, or moving with the arrow keys once the map has focus, names the unit and its value and draws that unit
 * along the whole text as a line under the map. The values stay on the canvas element (d2lminiStates) for tests.
 * Bits: the model's total -log2 p over the characters after the first (the score's NLL / ln 2) and per
 * character, beside the size of the same normalized text compressed by the browser's CompressionStream('gzip').
 */
function d2lminiInsidePage(math) {
  'use strict';

  var CELL_W = 9, CELL_H = 6, TOP = 14;

  function hook(root, name) { return root.querySelector('[data-d2lmini="' + name + '"]'); }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }

  function colour(v) {  // -1 blue, 0 white, +1 red
    var a = Math.min(1, Math.abs(v)), keep = Math.round(255 * (1 - a));
    return v >= 0 ? 'rgb(255,' + keep + ',' + keep + ')' : 'rgb(' + keep + ',' + keep + ',255)';
  }

  function Heatmap(root, labels) {
    this.root = root; this.labels = labels; this.canvas = hook(root, 'heatmap');
    this.readout = hook(root, 'heatmap-readout'); this.trace = hook(root, 'unit-trace');
    this.states = null; this.text = ''; this.H = 0; this.cursor = null;
    var self = this;
    this.canvas.addEventListener('mousemove', function (event) {
      var box = self.canvas.getBoundingClientRect();
      var t = Math.floor((event.clientX - box.left) / CELL_W), i = Math.floor((event.clientY - box.top - TOP) / CELL_H);
      self.select(t, Math.max(0, i));
    });
    this.canvas.addEventListener('focus', function () { if (!self.cursor) self.select(0, 0); });
    this.canvas.addEventListener('keydown', function (event) {
      var c = self.cursor || [0, 0], moves = {ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1]};
      if (!(event.key in moves) || !self.states) return;
      event.preventDefault();
      self.select(c[0] + moves[event.key][0], c[1] + moves[event.key][1]);
    });
  }

  Heatmap.prototype.draw = function (model, text) {
    var ids = math.idsOf(model, text), H = model.H, n = ids.length, canvas = this.canvas;
    this.states = math.hiddenStates(model, ids); this.text = text; this.H = H; this.cursor = null;
    canvas.d2lminiStates = this.states;
    canvas.width = n * CELL_W; canvas.height = TOP + H * CELL_H;
    canvas.style.width = canvas.width + 'px'; canvas.style.height = canvas.height + 'px';
    var g = canvas.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = '#222'; g.font = '10px ui-monospace, monospace'; g.textAlign = 'center';
    for (var t = 0; t < n; t++) {
      g.fillStyle = '#222';
      g.fillText(text[t] === ' ' ? '·' : text[t], t * CELL_W + CELL_W / 2, 10);
      for (var i = 0; i < H; i++) {
        g.fillStyle = colour(this.states[t * H + i]);
        g.fillRect(t * CELL_W, TOP + i * CELL_H, CELL_W, CELL_H);
      }
    }
    this.readout.textContent = this.labels.heatmap_hint;
    this.trace.textContent = '';
  };

  Heatmap.prototype.clear = function () {
    this.states = null; this.canvas.width = 0; this.canvas.height = 0; this.canvas.d2lminiStates = null;
    this.canvas.style.width = '0px'; this.canvas.style.height = '0px';
    this.readout.textContent = ''; this.trace.textContent = '';
  };

  /* Unit i at character t: the readout, and unit i along the text as a line under the map. */
  Heatmap.prototype.select = function (t, i) {
    if (!this.states) return;
    var n = this.text.length, H = this.H;
    t = Math.max(0, Math.min(n - 1, t)); i = Math.max(0, Math.min(H - 1, i));
    this.cursor = [t, i];
    var value = this.states[t * H + i], start = Math.max(0, t - 12);
    this.readout.textContent = fill(this.labels.heatmap_readout, {
      unit: String(i + 1), context: (start > 0 ? '…' : '') + this.text.slice(start, t + 1), value: value.toFixed(4)});
    var svgNs = 'http://www.w3.org/2000/svg', w = n * CELL_W, h = 40, trace = this.trace, points = [];
    for (var k = 0; k < n; k++) {
      points.push(((k + 0.5) * CELL_W).toFixed(1) + ',' + (h / 2 - (h / 2 - 2) * this.states[k * H + i]).toFixed(1));
    }
    trace.textContent = '';
    trace.setAttribute('width', w); trace.setAttribute('height', h); trace.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var zero = document.createElementNS(svgNs, 'line');
    [['x1', 0], ['x2', w], ['y1', h / 2], ['y2', h / 2], ['class', 'd2lmini-trace-zero']].forEach(function (a) {
      zero.setAttribute(a[0], a[1]);
    });
    var line = document.createElementNS(svgNs, 'polyline');
    line.setAttribute('points', points.join(' ')); line.setAttribute('class', 'd2lmini-trace-line');
    var mark = document.createElementNS(svgNs, 'circle');
    mark.setAttribute('cx', (t + 0.5) * CELL_W); mark.setAttribute('cy', h / 2 - (h / 2 - 2) * value);
    mark.setAttribute('r', 3); mark.setAttribute('class', 'd2lmini-trace-mark');
    trace.appendChild(zero); trace.appendChild(line); trace.appendChild(mark);
  };

  /* The bits panel: the model's bits now, gzip's when the stream is done (unless a newer text came first). */
  function Bits(root, labels) { this.el = hook(root, 'bits'); this.labels = labels; this.version = 0; }

  Bits.prototype.draw = function (result) {
    var L = this.labels, n = result.nll.length, bits = result.totalNll / Math.LN2, self = this, version = ++this.version;
    var model = fill(L.bits_model, {bits: bits.toFixed(1), n: math.grouped(n), bpc: (bits / n).toFixed(3)});
    this.el.textContent = model;
    this.el.setAttribute('data-model-bits', bits.toFixed(6));
    if (typeof CompressionStream === 'undefined') { this.el.textContent = model + ' ' + L.bits_no_gzip; return; }
    var bytes = new TextEncoder().encode(result.text);
    var stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
    new Response(stream).arrayBuffer().then(function (buffer) {
      if (version !== self.version) return;
      var size = buffer.byteLength, m = result.text.length;
      self.el.setAttribute('data-gzip-bytes', String(size));
      self.el.textContent = model + ' ' + fill(L.bits_gzip, {bytes: math.grouped(size), bits: math.grouped(8 * size),
                                                              m: math.grouped(m), bpc: (8 * size / m).toFixed(3)});
    });
  };

  Bits.prototype.clear = function () { this.version++; this.el.textContent = ''; };

  /* Both under one root: draw(model, result) after each score, clear() after an error. */
  function mount(root, labels) {
    if (!hook(root, 'heatmap')) return null;
    var heatmap = new Heatmap(root, labels), bits = new Bits(root, labels);
    return {draw: function (model, result) { heatmap.draw(model, result.text); bits.draw(result); },
            clear: function () { heatmap.clear(); bits.clear(); }};
  }

  return {mount: mount, colour: colour};
}
