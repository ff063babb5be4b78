// The parameter block of the fused recurrent kernel: i32 fields at byte P + 4 * index,
// laid out and written by rnn-call.ts (for the drivers f32-rnn-sequence-wasmsimd.ts and
// f32-rnn-sequence-blas.ts) and read by assembly/f32-rnn.ts and assembly/rnn-steps.ts,
// which import it whole (`import * as F`). This one file is compiled by both tsc and the
// AssemblyScript compiler (plain integer constants mean the same in both), so the
// indices are written once. Pointers are byte offsets into the module's memory.

/** Cell: 0 lstm, 1 gru, 2 rnn_tanh, 3 rnn_relu. */
export const F_KIND = 0;
export const F_I = 1;
export const F_H = 2;
export const F_HOUT = 3;
export const F_L = 4;
export const F_B = 5;
export const F_ROWS = 6;
export const F_REV = 7;
/** (L) i32 batch sizes, (L) i32 first row of each step. */
export const F_BS = 8;
export const F_OFFS = 9;
export const F_X = 10; // (rows, I)
export const F_WIH = 11; // (GH, I)
export const F_WHH = 12; // (GH, Hout)
export const F_BIAS = 13; // (GH) b_ih + b_hh (gru: without b_hn), or 0 for none
export const F_BHN = 14; // (H) gru b_hn (zeros without bias)
export const F_WHR = 15; // (Hout, H) or 0
export const F_OUT = 16; // (rows, Hout)
export const F_HN = 17; // (B, Hout) in: h0, out: hN
export const F_CN = 18; // (B, H) in: c0, out: cN
export const F_GATES = 19; // (rows, GH)
export const F_HPREV = 20; // (rows, Hout)
export const F_CPREV = 21; // (rows, H)
export const F_CNEW = 22; // (rows, H)
export const F_HRAW = 23; // (rows, H)
export const F_GHN = 24; // (rows, H)
export const F_GH = 25; // (B, GH) h W_hh^T of a step
export const F_HBUF = 26; // (B, Hout) the second state buffer
export const F_PWHH = 27; // packed W_hh^T (forward) or W_hh (backward)
export const F_PWHR = 28; // packed W_hr^T (forward) or W_hr (backward)
export const F_SCR = 29; // per-thread scratch: packA, packB, tile
export const F_SCR_STRIDE = 30; // bytes between threads' scratch
export const F_SCR_PB = 31; // byte offset of packB inside a scratch
export const F_SCR_TILE = 32; // byte offset of the tile inside a scratch
export const F_BAR = 33; // barrier: [count, generation, abort] i32
// backward only
export const F_DOUT = 34; // (rows, Hout) or 0
export const F_DX = 35; // (rows, I) or 0
export const F_DWIH = 36; // (GH, I) or 0
export const F_DWHH = 37; // (GH, Hout) or 0
export const F_DBIH = 38; // (GH) or 0
export const F_DBHH = 39; // (GH) or 0
export const F_DWHR = 40; // (Hout, H) or 0
export const F_DH = 41; // (B, Hout) in: dhN (zeros if none), out: dh0
export const F_DC = 42; // (B, H) in: dcN, out: dc0
export const F_DGX = 43; // (rows, GH); the JS side lays it over F_GATES (read before written, per element)
export const F_DGH = 44; // (rows, GH) gru (else = F_DGX)
export const F_DHALL = 45; // (rows, Hout) projection
export const F_DRAW = 46; // (B, H) projection
export const F_ACC = 47; // (GH) f64 column sums
/** Bits: 1 = the gates already hold x W_ih^T + bias (forward skips its input projection);
 * 2 = backward skips its dX, dW_ih, dW_hh, dW_hr GEMMs (the caller runs them after). */
export const F_FLAGS = 48;
/** Gate activation of lstm / gru: 0 sigmoid, 1 hard sigmoid clip(alpha x + beta, 0, 1). */
export const F_GATE = 49;
export const F_GATE_ALPHA = 50; // f32 bits
export const F_GATE_BETA = 51; // f32 bits
/** GRU: 1 = reset-before (n = tanh(gx_n + b_hn + (r * h) W_hn^T); b_hn is in F_BIAS, F_BHN
 * zeros, F_GHN holds r * h), 0 = reset-after. */
export const F_RESET_BEFORE = 52;
/** The cell's gate count G (lstm 4, gru 3, rnn 1: `gateCount` of core/cell-kind.ts). */
export const F_G = 53;
/** Words reserved for the block (fields above plus room to grow). */
export const N_FIELDS = 64;
