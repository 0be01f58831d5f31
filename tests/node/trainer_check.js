/* The in-page trainer on a case written by tests/test_trainer_parity.py: gradients of one batch, the losses of a
 * short SGD run on a given batch order, the hidden states of a text. `backend` is 'js' or 'wasm', `precision`
 * 'float32' or 'float64'. The same function runs in Node (this file as a script:
 * `node trainer_check.js case.json js float64` prints JSON) and in Chromium (tests/browser/test_trainer.py). */
function d2lminiTrainerCheck(engine, wasmApi, modules, input, backend, precision) {
  'use strict';
  var F = precision === 'float32' ? Float32Array : Float64Array;
  var V = input.vocab_size, H = input.num_hiddens, T = input.num_steps;
  var maxB = Math.max.apply(null, input.batches.map(function (b) { return b.length; }));
  var make = backend === 'wasm' ? wasmApi(engine, modules[precision], precision).net :
    function (v, h, t, b, c) { return engine.net(v, h, t, b, c, F); };
  var net = make(V, H, T, maxB, Int32Array.from(input.corpus));
  engine.setParams(net, input.arrays);
  net.starts.set(input.batches[0]);
  var loss0 = net.lossAndGrad(input.batches[0].length, true), grads = {};
  engine.NAMES.forEach(function (name) { grads[name] = Array.from(net.grads[name]); });
  var losses = input.batches.map(function (batch) {
    net.starts.set(batch);
    return net.step(batch.length, input.lr, input.clip);
  });
  var p = engine.zeros(V, H, Float64Array);
  engine.NAMES.forEach(function (name) { p[name].set(input.arrays[name]); });
  var hidden = Array.from(engine.hiddenStates(p, input.ids));
  return {loss0: loss0, grads: grads, losses: losses, hidden: hidden};
}

if (typeof module !== 'undefined' && require.main === module) {
  var fs = require('fs'), path = require('path'), dir = path.join(__dirname, '..', '..', 'd2lmini', 'generators');
  var engine = require(path.join(dir, 'trainer-engine.js'))();
  var wasmApi = require(path.join(dir, 'trainer-wasm-api.js'));
  var modules = require(path.join(dir, 'trainer-wasm.js'))();
  modules.float64 = require(path.join(__dirname, 'trainer-wasm-float64.js'))().float64;
  var input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  var result = d2lminiTrainerCheck(engine, wasmApi, modules, input, process.argv[3] || 'js', process.argv[4] || 'float64');
  process.stdout.write(JSON.stringify(result));
}
