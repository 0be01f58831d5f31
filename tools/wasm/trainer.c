/* The in-page trainer's step in C for WebAssembly SIMD: the same math as d2lmini/generators/trainer-engine.js
 * (read that file's comment for the model, the loss, clipping and SGD). Built twice by tools/build_trainer_wasm.py
 * with clang's wasm32 target: REAL = float for the page, REAL = double for the parity tests against PyTorch.
 * No libc: exp, log and tanh are imported from JavaScript's Math (V8 calls them without leaving compiled code).
 * Memory: setup() lays out every buffer once (growing linear memory); JavaScript reads and writes the parameters,
 * gradients, corpus and window starts through typed-array views on the offsets the p_* functions return.
 */
#ifndef REAL
#define REAL float
#endif

extern double js_exp(double) __attribute__((import_module("m"), import_name("exp")));
extern double js_log(double) __attribute__((import_module("m"), import_name("log")));
extern double js_tanh(double) __attribute__((import_module("m"), import_name("tanh")));
extern unsigned char __heap_base;

static int V, H, T, MAXB, NCORPUS;
static REAL *P, *G, *Wih, *Whh, *bih, *bhh, *Wout, *bout, *gWih, *gWhh, *gbih, *gbhh, *gWout, *gbout;
static REAL *inRow, *dIn, *S, *D, *dnext, *dh, *logits;
static int *corpus, *starts;
static unsigned long top;

static void *take(unsigned long bytes) {
  unsigned long at = (top + 15) & ~15UL;
  top = at + bytes;
  unsigned long pages = (top + 65535) / 65536, have = __builtin_wasm_memory_size(0);
  if (pages > have && __builtin_wasm_memory_grow(0, pages - have) == (unsigned long)-1) return 0;
  return (void *)at;
}

static int nparams(void) { return H * V + H * H + 2 * H + V * H + V; }

static void views(REAL *base, REAL **a, REAL **b, REAL **c, REAL **d, REAL **e, REAL **f) {
  *a = base; *b = *a + H * V; *c = *b + H * H; *d = *c + H; *e = *d + H; *f = *e + V * H;
}

/* Lay out every buffer; returns 0 when memory could not grow. Call once per instance. */
int setup(int v, int h, int t, int maxb, int ncorpus) {
  V = v; H = h; T = t; MAXB = maxb; NCORPUS = ncorpus;
  top = (unsigned long)&__heap_base;
  P = take(sizeof(REAL) * nparams()); G = take(sizeof(REAL) * nparams());
  inRow = take(sizeof(REAL) * V * H); dIn = take(sizeof(REAL) * V * H);
  S = take(sizeof(REAL) * (T + 1) * MAXB * H); D = take(sizeof(REAL) * T * MAXB * V);
  dnext = take(sizeof(REAL) * MAXB * H); dh = take(sizeof(REAL) * H); logits = take(sizeof(REAL) * V);
  corpus = take(sizeof(int) * NCORPUS); starts = take(sizeof(int) * MAXB);
  if (!starts) return 0;
  views(P, &Wih, &Whh, &bih, &bhh, &Wout, &bout);
  views(G, &gWih, &gWhh, &gbih, &gbhh, &gWout, &gbout);
  return 1;
}

REAL *p_params(void) { return P; }
REAL *p_grads(void) { return G; }
int *p_corpus(void) { return corpus; }
int *p_starts(void) { return starts; }

static REAL dot(const REAL *restrict a, const REAL *restrict b, int n) {
  REAL s = 0;
  for (int j = 0; j < n; j++) s += a[j] * b[j];
  return s;
}

static void forward(int B) {
  for (int v = 0; v < V; v++)
    for (int i = 0; i < H; i++) inRow[v * H + i] = Wih[i * V + v] + bih[i] + bhh[i];
  for (int k = 0; k < B * H; k++) S[k] = 0;
  for (int t = 0; t < T; t++) {
    REAL *prev = S + t * B * H, *cur = S + (t + 1) * B * H;
    for (int b = 0; b < B; b++) {
      const REAL *row = inRow + corpus[starts[b] + t] * H, *hp = prev + b * H;
      REAL *hc = cur + b * H;
      for (int i = 0; i < H; i++) hc[i] = row[i] + dot(Whh + i * H, hp, H);
      for (int i = 0; i < H; i++) hc[i] = (REAL)js_tanh(hc[i]);
    }
  }
}

/* Mean cross-entropy of the B windows at starts[0..B); with grad != 0 also the gradients in G. */
double loss_and_grad(int B, int grad) {
  int n = B * T;
  double total = 0;
  forward(B);
  for (int t = 0; t < T; t++) {
    for (int b = 0; b < B; b++) {
      const REAL *h = S + (t + 1) * B * H + b * H;
      int y = corpus[starts[b] + t + 1];
      REAL max = -1e30f;
      for (int v = 0; v < V; v++) {
        logits[v] = bout[v] + dot(Wout + v * H, h, H);
        if (logits[v] > max) max = logits[v];
      }
      double sum = 0;
      for (int v = 0; v < V; v++) sum += js_exp(logits[v] - max);
      double lse = max + js_log(sum);
      total += lse - logits[y];
      if (!grad) continue;
      REAL *d = D + (t * B + b) * V;
      for (int v = 0; v < V; v++) d[v] = (REAL)(js_exp(logits[v] - lse) / n);
      d[y] -= (REAL)1 / n;
    }
  }
  if (!grad) return total / n;
  for (int k = 0; k < nparams(); k++) G[k] = 0;
  for (int k = 0; k < V * H; k++) dIn[k] = 0;
  for (int k = 0; k < B * H; k++) dnext[k] = 0;
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      const REAL *h = S + (t + 1) * B * H + b * H, *hp = S + t * B * H + b * H, *d = D + (t * B + b) * V;
      REAL *dn = dnext + b * H;
      for (int i = 0; i < H; i++) dh[i] = dn[i];
      for (int v = 0; v < V; v++) {
        REAL dv = d[v];
        const REAL *w = Wout + v * H;
        REAL *gw = gWout + v * H;
        gbout[v] += dv;
        for (int j = 0; j < H; j++) { gw[j] += dv * h[j]; dh[j] += dv * w[j]; }
      }
      for (int i = 0; i < H; i++) dh[i] *= 1 - h[i] * h[i];
      REAL *din = dIn + corpus[starts[b] + t] * H;
      for (int j = 0; j < H; j++) dn[j] = 0;
      for (int i = 0; i < H; i++) {
        REAL di = dh[i];
        const REAL *w = Whh + i * H;
        REAL *gw = gWhh + i * H;
        din[i] += di;
        for (int j = 0; j < H; j++) { gw[j] += di * hp[j]; dn[j] += di * w[j]; }
      }
    }
  }
  for (int v = 0; v < V; v++)
    for (int i = 0; i < H; i++) { REAL x = dIn[v * H + i]; gWih[i * V + v] = x; gbih[i] += x; }
  for (int i = 0; i < H; i++) gbhh[i] = gbih[i];
  return total / n;
}

/* torch.nn.utils.clip_grad_norm_ on G; returns the norm before clipping. */
double clip(double max_norm) {
  double sq = 0;
  int n = nparams();
  for (int k = 0; k < n; k++) sq += (double)G[k] * G[k];
  double norm = __builtin_sqrt(sq), coef = max_norm / (norm + 1e-6);
  if (max_norm > 0 && coef < 1)
    for (int k = 0; k < n; k++) G[k] *= (REAL)coef;
  return norm;
}

void sgd(double lr) {
  int n = nparams();
  for (int k = 0; k < n; k++) P[k] -= (REAL)lr * G[k];
}

double step(int B, double lr, double max_norm) {
  double loss = loss_and_grad(B, 1);
  clip(max_norm);
  sgd(lr);
  return loss;
}
