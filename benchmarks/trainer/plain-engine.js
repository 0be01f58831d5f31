/* BENCHMARK BASELINE ("plain loops"): the first version of d2lmini/generators/trainer-engine.js, kept for benchmarks/bench_trainer.py.
 * d2lmini in-page trainer, the math: the chapter's character RNN trained by SGD with BPTT and gradient clipping.
 *
 * The model is PyTorch's nn.RNN (tanh, two biases) + nn.Linear, in PyTorch's layout (d2lmini/export.py):
 *   H_t = tanh(W_ih[:, x_t] + b_ih + W_hh H_{t-1} + b_hh),   logits_t = W_out H_t + b_out,
 * with H_0 = 0 for every window, the loss the mean cross-entropy over batch x steps (F.cross_entropy), gradients
 * clipped to a global L2 norm like torch.nn.utils.clip_grad_norm_ (scale max_norm / (norm + 1e-6) when below 1),
 * then p -= lr * grad. Data: the windows of d2lmini.TimeMachine (window i = corpus[i : i + T], target shifted by
 * one; the first numTrain windows train, the next numVal validate), shuffled each epoch.
 *
 * Generic over the array type: `F` is Float32Array on the page (half the memory traffic) and Float64Array in the
 * parity tests, which compare gradients and loss curves with PyTorch autograd in float64. Arithmetic is always
 * JavaScript doubles; only storage is F.
 * Speed (benchmarks/bench_trainer.py): states are stored time-major (t, b, i); every inner loop runs over
 * contiguous memory, and matrix-vector products that feed a sum of independent terms (W^T d) are written as
 * row updates (axpy) so the CPU can overlap them instead of waiting on one long chain of additions. The input
 * projection W_ih[:, x] + b_ih + b_hh is one table row per token (V x H), built once per step of SGD.
 * No globals, no DOM: the page runs this inside a Web Worker (its source is turned into a Blob URL), Node tests
 * call it directly.
 */
function d2lminiTrainer() {
  'use strict';

  var NAMES = ['W_ih', 'W_hh', 'b_ih', 'b_hh', 'W_out', 'b_out'];

  function sizes(V, H) { return {W_ih: H * V, W_hh: H * H, b_ih: H, b_hh: H, W_out: V * H, b_out: V}; }

  function mulberry32(seed) {  // the generator page's PRNG: uniform numbers in [0, 1)
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function zeros(V, H, F) {
    var n = sizes(V, H), p = {V: V, H: H};
    NAMES.forEach(function (name) { p[name] = new F(n[name]); });
    return p;
  }

  /* PyTorch's initialization of nn.RNN and of nn.Linear(H, V): every number uniform in [-1/sqrt(H), 1/sqrt(H)],
   * drawn here from a seeded generator, in the order of NAMES. */
  function init(V, H, F, seed) {
    var p = zeros(V, H, F), random = mulberry32(seed), k = 1 / Math.sqrt(H);
    NAMES.forEach(function (name) {
      var a = p[name];
      for (var i = 0; i < a.length; i++) a[i] = (2 * random() - 1) * k;
    });
    return p;
  }

  function copy(p, F) {
    var q = {V: p.V, H: p.H};
    NAMES.forEach(function (name) { q[name] = new (F || p[name].constructor)(p[name]); });
    return q;
  }

  /* Buffers for batches of up to maxB windows of T steps. */
  function Workspace(V, H, F, maxB, T) {
    this.V = V; this.H = H; this.maxB = maxB; this.T = T;
    this.inRow = new F(V * H);            // (V, H): W_ih[:, v] + b_ih + b_hh
    this.S = new F((T + 1) * maxB * H);   // (T + 1, B, H): S[0] = 0, S[t + 1] = H_t
    this.D = new F(T * maxB * V);         // (T, B, V): d loss / d logits
    this.dnext = new F(maxB * H);         // (B, H): d loss / d H_t from step t + 1
    this.dh = new Float64Array(H);
    this.dInRow = new F(V * H);
    this.logits = new Float64Array(V);
    this.grads = zeros(V, H, F);
  }

  function buildInputRows(p, ws) {
    var V = p.V, H = p.H, Wih = p.W_ih, bih = p.b_ih, bhh = p.b_hh, inRow = ws.inRow;
    for (var v = 0; v < V; v++) {
      for (var i = 0; i < H; i++) inRow[v * H + i] = Wih[i * V + v] + bih[i] + bhh[i];
    }
  }

  /* H_t for t = 1..T of B windows; X is (B, T) row-major token ids at offset xOff with row stride xStride. */
  function recur(p, ws, X, B, T, rowStart, xStride) {
    var H = p.H, Whh = p.W_hh, S = ws.S, inRow = ws.inRow;
    for (var k = 0; k < B * H; k++) S[k] = 0;
    for (var t = 0; t < T; t++) {
      var prev = t * B * H, cur = (t + 1) * B * H;
      for (var b = 0; b < B; b++) {
        var hp = prev + b * H, hc = cur + b * H, row = X[rowStart[b] + t * xStride] * H;
        for (var i = 0; i < H; i++) {
          var s = inRow[row + i], w = i * H;
          for (var j = 0; j < H; j++) s += Whh[w + j] * S[hp + j];
          S[hc + i] = Math.tanh(s);
        }
      }
    }
  }

  /* logits of state at S offset h into ws.logits; returns log-sum-exp. */
  function logitsAt(p, S, h, logits) {
    var V = p.V, H = p.H, W = p.W_out, bout = p.b_out, max = -Infinity, v;
    for (v = 0; v < V; v++) {
      var s = bout[v], r = v * H;
      for (var j = 0; j < H; j++) s += W[r + j] * S[h + j];
      logits[v] = s;
      if (s > max) max = s;
    }
    var total = 0;
    for (v = 0; v < V; v++) total += Math.exp(logits[v] - max);
    return max + Math.log(total);
  }

  /* Window b of a batch starts at corpus position starts[b]: tokens corpus[s .. s + T), targets shifted by one. */
  function windowRows(starts, B) { return starts.subarray ? starts.subarray(0, B) : starts.slice(0, B); }

  /* Mean cross-entropy of B windows and, when `withGrad`, its gradients in ws.grads (overwritten). */
  function lossAndGrad(p, ws, corpus, starts, B, withGrad) {
    var V = p.V, H = p.H, T = ws.T, S = ws.S, D = ws.D, logits = ws.logits, n = B * T, total = 0;
    var rows = windowRows(starts, B);
    buildInputRows(p, ws);
    recur(p, ws, corpus, B, T, rows, 1);
    for (var t = 0; t < T; t++) {
      for (var b = 0; b < B; b++) {
        var h = (t + 1) * B * H + b * H, y = corpus[rows[b] + t + 1], lse = logitsAt(p, S, h, logits);
        total += lse - logits[y];
        if (!withGrad) continue;
        var d = (t * B + b) * V;
        for (var v = 0; v < V; v++) D[d + v] = Math.exp(logits[v] - lse) / n;
        D[d + y] -= 1 / n;
      }
    }
    if (withGrad) backward(p, ws, corpus, rows, B);
    return total / n;
  }

  function fillZero(a) { for (var k = 0; k < a.length; k++) a[k] = 0; }

  function backward(p, ws, corpus, rows, B) {
    var V = p.V, H = p.H, T = ws.T, S = ws.S, D = ws.D, g = ws.grads, dnext = ws.dnext, dh = ws.dh;
    var Wout = p.W_out, Whh = p.W_hh, gWout = g.W_out, gbout = g.b_out, gWhh = g.W_hh, dIn = ws.dInRow;
    var i, j, v;
    NAMES.forEach(function (name) { fillZero(g[name]); });
    fillZero(dIn);
    for (var k = 0; k < B * H; k++) dnext[k] = 0;
    for (var t = T - 1; t >= 0; t--) {
      for (var b = 0; b < B; b++) {
        var h = (t + 1) * B * H + b * H, hp = t * B * H + b * H, d = (t * B + b) * V, dn = b * H;
        for (i = 0; i < H; i++) dh[i] = dnext[dn + i];
        for (v = 0; v < V; v++) {  // output layer: dW_out += d (x) h, db_out += d, dh += W_out^T d
          var dv = D[d + v], r = v * H;
          gbout[v] += dv;
          for (j = 0; j < H; j++) { gWout[r + j] += dv * S[h + j]; dh[j] += dv * Wout[r + j]; }
        }
        for (i = 0; i < H; i++) { var hi = S[h + i]; dh[i] *= 1 - hi * hi; }  // through tanh: d pre-activation
        var row = corpus[rows[b] + t] * H;
        for (j = 0; j < H; j++) dnext[dn + j] = 0;
        for (i = 0; i < H; i++) {  // dW_hh += d (x) H_{t-1}, d H_{t-1} = W_hh^T d, input row gets d
          var di = dh[i], w = i * H;
          dIn[row + i] += di;
          for (j = 0; j < H; j++) { gWhh[w + j] += di * S[hp + j]; dnext[dn + j] += di * Whh[w + j]; }
        }
      }
    }
    for (v = 0; v < V; v++) {  // fold the per-token rows back into W_ih and the two (equal) bias gradients
      for (i = 0; i < H; i++) {
        var x = dIn[v * H + i];
        g.W_ih[i * V + v] = x;
        g.b_ih[i] += x;
      }
    }
    for (i = 0; i < H; i++) g.b_hh[i] = g.b_ih[i];
  }

  /* torch.nn.utils.clip_grad_norm_: returns the norm before clipping. */
  function clip(grads, maxNorm) {
    var sq = 0;
    NAMES.forEach(function (name) { var a = grads[name]; for (var k = 0; k < a.length; k++) sq += a[k] * a[k]; });
    var norm = Math.sqrt(sq), coef = maxNorm / (norm + 1e-6);
    if (maxNorm > 0 && coef < 1) {
      NAMES.forEach(function (name) { var a = grads[name]; for (var k = 0; k < a.length; k++) a[k] *= coef; });
    }
    return norm;
  }

  function sgd(p, grads, lr) {
    NAMES.forEach(function (name) {
      var a = p[name], g = grads[name];
      for (var k = 0; k < a.length; k++) a[k] -= lr * g[k];
    });
  }

  /* One step of SGD on the windows starting at `starts` (B of them); returns the batch's mean loss. */
  function step(p, ws, corpus, starts, B, lr, maxNorm) {
    var loss = lossAndGrad(p, ws, corpus, starts, B, true);
    clip(ws.grads, maxNorm);
    sgd(p, ws.grads, lr);
    return loss;
  }

  /* Mean cross-entropy over windows first .. first + count - 1 (all their T predictions), in chunks of maxB. */
  function evaluate(p, ws, corpus, first, count) {
    var total = 0, starts = new Int32Array(ws.maxB);
    for (var s = 0; s < count; s += ws.maxB) {
      var B = Math.min(ws.maxB, count - s);
      for (var b = 0; b < B; b++) starts[b] = first + s + b;
      total += lossAndGrad(p, ws, corpus, starts, B, false) * B;
    }
    return total / count;
  }

  /* Fisher-Yates over 0..n-1 with a seeded generator (the page's stand-in for torch.randperm). */
  function permutation(n, random) {
    var order = new Int32Array(n);
    for (var i = 0; i < n; i++) order[i] = i;
    for (i = n - 1; i > 0; i--) {
      var k = Math.floor(random() * (i + 1)), tmp = order[i];
      order[i] = order[k]; order[k] = tmp;
    }
    return order;
  }

  /* Hidden states H_1..H_n after each token of `ids`, (n, H) row-major: what the heatmap shows. */
  function hiddenStates(p, ids) {
    var H = p.H, V = p.V, n = ids.length, out = new Float64Array(n * H), prev = new Float64Array(H);
    for (var t = 0; t < n; t++) {
      var x = ids[t];
      for (var i = 0; i < H; i++) {
        var s = p.W_ih[i * V + x] + p.b_ih[i] + p.b_hh[i], w = i * H;
        for (var j = 0; j < H; j++) s += p.W_hh[w + j] * prev[j];
        out[t * H + i] = Math.tanh(s);
      }
      prev = out.subarray(t * H, (t + 1) * H);
    }
    return out;
  }

  return {NAMES: NAMES, sizes: sizes, mulberry32: mulberry32, zeros: zeros, init: init, copy: copy,
          Workspace: Workspace, lossAndGrad: lossAndGrad, clip: clip, sgd: sgd, step: step, evaluate: evaluate,
          permutation: permutation, hiddenStates: hiddenStates};
}

if (typeof module !== 'undefined') module.exports = d2lminiTrainer;
