/** Embedding ops on the wasm core (crate/src/ops/encoder.rs). */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

/** Rows of a (V, C) table; the exports take V to check token ids (InvalidArgument when one is out of range). */
const rows = (length: number, C: number) => (C > 0 ? Math.floor(length / C) : 0);

export function wasmEncoderOps(core: WasmCore): Pick<WasmKernels, 'positionalSinusoidal' | 'encoderForward' | 'encoderBackward'> {
  return {
    positionalSinusoidal: (out, T, C) =>
      core.invokeStatus('positionalSinusoidal', (x) => x.wgpt_positional_sinusoidal(out.ptr, T, C)),
    // out (B,T,C) = wte (V,C)[tokens (B,T)] + wpe (≥T,C)[t].
    encoderForward: (out, tokens, wte, wpe, B, T, C) =>
      core.invokeStatus('encoderForward', (x) =>
        x.wgpt_encoder_forward(out.ptr, tokens.ptr, wte.ptr, wpe.ptr, B, T, C, rows(wte.length, C)),
      ),
    // dwte (V,C) += scatter of dout by token; dwpe (≥T,C) += Σ_b dout unless null.
    encoderBackward: (dwte, dwpe, dout, tokens, B, T, C) =>
      core.invokeStatus('encoderBackward', (x) =>
        x.wgpt_encoder_backward(dwte.ptr, dwpe === null ? 0 : dwpe.ptr, dout.ptr, tokens.ptr, B, T, C, rows(dwte.length, C)),
      ),
  };
}
