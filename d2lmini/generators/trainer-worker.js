/* d2lmini in-page trainer, the Web Worker's loop. trainer-page.js builds the worker from a Blob URL (Chromium
 * refuses workers loaded from files on file:// pages) whose source is this function's and the engine's text.
 *
 * Messages in: {cmd: 'start', corpus (Int32Array of token ids), V, settings}, {cmd: 'pause'},
 * {cmd: 'resume', epochs}. Messages out: 'ready' (backend), 'progress' (every ~100 ms: epoch, steps, running
 * training perplexity, tokens per second), 'epoch' (training and validation perplexity, a copy of the
 * parameters), 'done', 'error'. The settings: num_hiddens, num_steps, batch_size, lr, clip, seed, num_train,
 * num_val and the number of epochs.
 * Windows as d2lmini.TimeMachine: starts 0 .. num_train - 1 train (shuffled each epoch, the last batch partial),
 * num_train .. num_train + num_val - 1 validate. Tokens per second count training tokens over training time only.
 */
function d2lminiTrainerWorker(scope, engine, wasmApi, modules) {
  'use strict';
  var state = null;

  function post(message) { scope.postMessage(message); }

  function start(msg) {
    var s = msg.settings, net;
    try {
      net = wasmApi(engine, modules.float32, 'float32').net(msg.V, s.num_hiddens, s.num_steps, s.batch_size, msg.corpus);
    } catch (err) {  // no WebAssembly (or no SIMD): the JavaScript engine, 4-5 times slower
      net = engine.net(msg.V, s.num_hiddens, s.num_steps, s.batch_size, msg.corpus, Float32Array);
    }
    engine.setParams(net, engine.init(msg.V, s.num_hiddens, Float32Array, s.seed));
    state = {s: s, net: net, random: engine.mulberry32(s.seed + 1), epoch: 0, order: null, pos: 0,
             lossSum: 0, count: 0, trainSeconds: 0, trainTokens: 0, paused: false, running: false};
    post({type: 'ready', backend: net.backend});
    loop();
  }

  function endEpoch() {
    var s = state.s, net = state.net, params = {};
    var val = engine.evaluateNet(net, s.num_train, s.num_val);
    engine.NAMES.forEach(function (name) { params[name] = new Float32Array(net.params[name]); });
    post({type: 'epoch', epoch: state.epoch, trainPpl: Math.exp(state.lossSum / state.count), valPpl: Math.exp(val),
          tokensPerSecond: state.trainTokens / state.trainSeconds, params: params});
    state.order = null;
  }

  /* Train for about 100 ms, report, and come back through the event loop (so 'pause' is heard). */
  function loop() {
    var s = state.s, net = state.net, began = Date.now();
    state.running = false;
    if (state.paused) return;
    while (Date.now() - began < 100) {
      if (!state.order) {
        if (state.epoch >= s.epochs) { post({type: 'done', epoch: state.epoch}); return; }
        state.epoch++; state.order = engine.permutation(s.num_train, state.random); state.pos = 0;
        state.lossSum = 0; state.count = 0;
      }
      var B = Math.min(s.batch_size, s.num_train - state.pos), t0 = performance.now();
      net.starts.set(state.order.subarray(state.pos, state.pos + B));
      var loss = net.step(B, s.lr, s.clip);
      state.trainSeconds += (performance.now() - t0) / 1000;
      state.trainTokens += B * s.num_steps;
      if (!isFinite(loss)) { post({type: 'error', message: 'diverged', epoch: state.epoch}); return; }
      state.lossSum += loss * B; state.count += B; state.pos += B;
      if (state.pos >= s.num_train) endEpoch();
    }
    post({type: 'progress', epoch: state.epoch, fraction: state.order ? state.pos / s.num_train : 1,
          trainPpl: state.count ? Math.exp(state.lossSum / state.count) : NaN,
          tokensPerSecond: state.trainTokens / state.trainSeconds});
    state.running = true;
    setTimeout(loop, 0);
  }

  scope.onmessage = function (event) {
    var msg = event.data;
    try {
      if (msg.cmd === 'start') start(msg);
      else if (msg.cmd === 'pause' && state) state.paused = true;
      else if (msg.cmd === 'resume' && state) {
        state.paused = false;
        if (msg.epochs) state.s.epochs = msg.epochs;
        if (!state.running) loop();
      }
    } catch (err) {
      post({type: 'error', message: String(err && err.message || err)});
    }
  };
}
