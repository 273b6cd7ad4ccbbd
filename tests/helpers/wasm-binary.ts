/** Reads the memory import's limits out of a wasm binary, to check the loader's constants against the build. */
export interface MemoryImport {
  module: string;
  name: string;
  shared: boolean;
  initialPages: number;
  maxPages: number | undefined;
}

export function readMemoryImport(bytes: Uint8Array): MemoryImport | undefined {
  let pos = 8; // magic + version
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const str = () => {
    const len = leb();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    if (id === 2) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        const module = str();
        const name = str();
        const kind = bytes[pos++];
        if (kind === 0) leb(); // function: type index
        else if (kind === 1) { pos++; const f = bytes[pos++]; leb(); if (f & 1) leb(); } // table
        else if (kind === 3) pos += 2; // global: type + mutability
        else if (kind === 2) {
          const flags = bytes[pos++];
          const initialPages = leb();
          const maxPages = flags & 1 ? leb() : undefined;
          return { module, name, shared: (flags & 2) !== 0, initialPages, maxPages };
        }
      }
    }
    pos = end;
  }
  return undefined;
}
