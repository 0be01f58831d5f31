/* d2lmini in-page trainer, WebAssembly backend: the step of trainer-engine.js compiled from tools/wasm/trainer.c
 * (clang, wasm32, SIMD) and driven through the same `net` interface (params, grads, starts, lossAndGrad, step).
 * `bytes` is the module (trainer-wasm.js holds it as base64); its precision is float32 or float64 as built.
 * Compiled synchronously: the module is 12 KB, far below the size browsers allow on the main thread. Exp, log
 * and tanh come from Math, so both backends use the same elementary functions. */
function d2lminiTrainerWasm(engine, base64, precision) {
  'use strict';
  var binary = atob(base64), bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  var module = new WebAssembly.Module(bytes), F = precision === 'float64' ? Float64Array : Float32Array;

  function net(V, H, T, maxB, corpus) {
    var e = new WebAssembly.Instance(module, {m: {exp: Math.exp, log: Math.log, tanh: Math.tanh}}).exports;
    if (!e.setup(V, H, T, maxB, corpus.length)) throw new Error('WebAssembly: not enough memory for the trainer.');
    var buffer = e.memory.buffer, sizes = engine.sizes(V, H), at = 0;
    var params = {}, grads = {}, pBase = e.p_params() / F.BYTES_PER_ELEMENT, gBase = e.p_grads() / F.BYTES_PER_ELEMENT;
    engine.NAMES.forEach(function (name) {
      params[name] = new F(buffer, (pBase + at) * F.BYTES_PER_ELEMENT, sizes[name]);
      grads[name] = new F(buffer, (gBase + at) * F.BYTES_PER_ELEMENT, sizes[name]);
      at += sizes[name];
    });
    new Int32Array(buffer, e.p_corpus(), corpus.length).set(corpus);
    return {V: V, H: H, T: T, maxB: maxB, backend: 'wasm', params: params, grads: grads,
            starts: new Int32Array(buffer, e.p_starts(), maxB),
            lossAndGrad: function (B, withGrad) { return e.loss_and_grad(B, withGrad ? 1 : 0); },
            step: function (B, lr, maxNorm) { return e.step(B, lr, maxNorm); }};
  }

  return {net: net, precision: precision};
}

if (typeof module !== 'undefined') module.exports = d2lminiTrainerWasm;
