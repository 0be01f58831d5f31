/* The in-page trainer on a case written by tests/test_trainer_parity.py: gradients of one batch, the losses of a
 * short SGD run on a given batch order, the hidden states of a text. The same function runs in Node (this file
 * as a script: `node trainer_check.js case.json` prints JSON) and in Chromium (tests/browser/test_trainer.py). */
function d2lminiTrainerCheck(trainer, input, arrayType) {
  'use strict';
  var F = arrayType === 'float32' ? Float32Array : Float64Array;
  var V = input.vocab_size, H = input.num_hiddens, T = input.num_steps;
  var corpus = Int32Array.from(input.corpus), p = trainer.zeros(V, H, F);
  trainer.NAMES.forEach(function (name) { p[name].set(input.arrays[name]); });
  var maxB = Math.max.apply(null, input.batches.map(function (b) { return b.length; }));
  var ws = new trainer.Workspace(V, H, F, maxB, T);
  var first = Int32Array.from(input.batches[0]);
  var loss0 = trainer.lossAndGrad(p, ws, corpus, first, first.length, true), grads = {};
  trainer.NAMES.forEach(function (name) { grads[name] = Array.from(ws.grads[name]); });
  var q = trainer.copy(p), losses = input.batches.map(function (batch) {
    return trainer.step(q, ws, corpus, Int32Array.from(batch), batch.length, input.lr, input.clip);
  });
  var hidden = Array.from(trainer.hiddenStates(p, input.ids));
  return {loss0: loss0, grads: grads, losses: losses, hidden: hidden};
}

if (typeof module !== 'undefined' && require.main === module) {
  var fs = require('fs'), path = require('path');
  var trainer = require(path.join(__dirname, '..', '..', 'd2lmini', 'generators', 'trainer-engine.js'))();
  var input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  process.stdout.write(JSON.stringify(d2lminiTrainerCheck(trainer, input, process.argv[3] || 'float64')));
}
