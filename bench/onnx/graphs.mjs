// The small ONNX graphs the peers benchmark times in onnxruntime-web: a matrix product with its weight resident
// (an initializer, as in a real model, so onnxruntime may prepack it) and the causal attention core.
import { ElemType, GraphBuilder } from './onnx.mjs';

/** Y (M, N) = A (M, K) · W (K, N), with W an initializer. */
export function matmulModel(M, K, N, weight) {
  const g = new GraphBuilder('matmul');
  const a = g.input('A', ElemType.FLOAT, [M, K]);
  g.op('MatMul', [a, g.initializer('W', [K, N], weight)], {}, ['Y']);
  g.output('Y', ElemType.FLOAT, [M, N]);
  return g.toModel();
}

/**
 * O = softmax(Q·Kᵀ/√D + causal mask)·V per head, Q, K, V and O of shape (H, T, D): what wasm-gpt's attention
 * forward computes (less its reading of heads out of the fused QKV rows, which the peers are spared).
 */
export function causalAttentionModel(H, T, D) {
  const g = new GraphBuilder('causal_attention');
  const [q, k, v] = ['Q', 'K', 'V'].map((name) => g.input(name, ElemType.FLOAT, [H, T, D]));
  const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 2, 1] })]), g.f32(1 / Math.sqrt(D))]);
  const probs = g.op('Softmax', [g.op('Add', [scores, g.initializer('mask', [T, T], causalMask(T))])], { axis: -1 });
  g.op('MatMul', [probs, v], {}, ['O']);
  g.output('O', ElemType.FLOAT, [H, T, D]);
  return g.toModel();
}

/** (T, T) additive mask: 0 on and below the diagonal, -1e9 above (exp of it underflows to exactly 0). */
export function causalMask(T) {
  const mask = new Float32Array(T * T);
  for (let i = 0; i < T; i++) mask.fill(-1e9, i * T + i + 1, (i + 1) * T);
  return mask;
}
