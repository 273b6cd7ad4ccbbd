/**
 * Parameter initialisation schemes, seeded and identical on every backend (values are drawn on the host in
 * float64 and rounded once to float32).
 *
 * Linear weights (OC, C) have fan_in = C and fan_out = OC. Every scheme sets biases to 0 and LayerNorm
 * γ = 1, β = 0. Embedding tables (wte, wpe) are N(0, 0.02) in every scheme, as in GPT-2: fan-based rules are
 * meant for layers that mix inputs, and a (V, C) lookup table has no fan_in in that sense. An untied lm_head
 * is a linear layer (OC = V) and follows the scheme.
 *
 * - `gpt2`: N(0, 0.02); the two residual projections (attention c_proj, MLP c_proj) scaled by 1/√(2·nLayer)
 *   so the residual stream's variance does not grow with depth.
 * - `xavier-uniform` U(±√(6/(fan_in+fan_out))), `xavier-normal` N(0, √(2/(fan_in+fan_out))) (Glorot & Bengio).
 * - `kaiming-uniform` U(±√2·√(3/fan_in)), `kaiming-normal` N(0, √2/√fan_in) (He et al., ReLU gain √2,
 *   also used for GELU).
 */
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { SeededRng } from '../data/rng.js';
import type { ModelDims, ParamLayout } from './layout.js';

export const INIT_SCHEMES = ['gpt2', 'xavier-uniform', 'xavier-normal', 'kaiming-uniform', 'kaiming-normal'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

const LINEAR_WEIGHTS = new Set(['qkvw', 'attprojw', 'fcw', 'fcprojw', 'lm_head']);
const RESIDUAL_PROJECTIONS = new Set(['attprojw', 'fcprojw']);

/** Fills `out` (the layout's `total` floats) with a fresh initialisation. */
export function initParameters(out: Float32Array, dims: ModelDims, layout: ParamLayout, scheme: InitScheme, seed: number): void {
  if (!INIT_SCHEMES.includes(scheme)) {
    throw new ConfigError('init', `init must be one of ${INIT_SCHEMES.map((s) => `'${s}'`).join(', ')}, got ${describeValue(scheme)}`);
  }
  if (out.length !== layout.total) throw new ShapeError(`initParameters: out has ${out.length} floats, the layout needs ${layout.total}`);
  const rng = new SeededRng(seed);
  let spare: number | null = null;
  // Box–Muller, using both outputs; 1 - u keeps the log's argument in (0, 1].
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
    const theta = 2 * Math.PI * rng.nextFloat();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const uniform = (bound: number): number => (2 * rng.nextFloat() - 1) * bound;

  for (const t of layout.tensors.values()) {
    const region = out.subarray(t.offset, t.offset + t.size);
    if (t.name.startsWith('ln')) {
      region.fill(t.name.endsWith('w') ? 1 : 0);
      continue;
    }
    if (!LINEAR_WEIGHTS.has(t.name) && t.name !== 'wte' && t.name !== 'wpe') {
      region.fill(0); // biases
      continue;
    }
    const shape = t.shape.slice(-2);
    const [fanOut, fanIn] = [shape[0], shape[1]];
    const linear = LINEAR_WEIGHTS.has(t.name);
    let draw: () => number;
    if (!linear || scheme === 'gpt2') {
      const std = 0.02 * (scheme === 'gpt2' && RESIDUAL_PROJECTIONS.has(t.name) ? 1 / Math.sqrt(2 * dims.nLayer) : 1);
      draw = () => std * normal();
    } else if (scheme === 'xavier-uniform') {
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      draw = () => uniform(bound);
    } else if (scheme === 'xavier-normal') {
      const std = Math.sqrt(2 / (fanIn + fanOut));
      draw = () => std * normal();
    } else if (scheme === 'kaiming-uniform') {
      const bound = Math.SQRT2 * Math.sqrt(3 / fanIn);
      draw = () => uniform(bound);
    } else {
      const std = Math.SQRT2 / Math.sqrt(fanIn);
      draw = () => std * normal();
    }
    for (let i = 0; i < region.length; i++) region[i] = draw();
  }
}
