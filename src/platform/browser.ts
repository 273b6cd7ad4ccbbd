/** `#platform` everywhere but Node: no Node services (callers check `isNode()` first). */
import type { NodePlatform } from './types.js';

export const nodePlatform: NodePlatform | undefined = undefined;
