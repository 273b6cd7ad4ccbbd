// A write-only protocol-buffers encoder, enough for ONNX models: varints, fixed32 floats, length-delimited
// strings, bytes and nested messages. A message is built as a list of fields, sized in one pass and written
// in a second into a single buffer, so a model's hundreds of megabytes of weights are copied exactly once.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const utf8 = new TextEncoder();

/** Bytes of a varint. Negative int64s take ten bytes (two's complement), as protobuf writes them. */
function varintLength(value) {
  if (value < 0) return 10;
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

function writeVarint(out, pos, value) {
  if (value < 0) {
    let v = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      out[pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    out[pos++] = Number(v);
    return pos;
  }
  while (value >= 128) {
    out[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}

export class ProtoMessage {
  /** [fieldNumber, wireType, payload]: payload is a number (varint), a float (fixed32), Uint8Array or ProtoMessage. */
  #fields = [];
  #size = -1;

  /** An int32/int64/enum/bool field. Integers beyond ±2^53 are not needed for ONNX graphs. */
  int(field, value) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf field ${field}: ${value} is not a safe integer`);
    this.#fields.push([field, WIRE_VARINT, value]);
    return this;
  }

  float(field, value) {
    this.#fields.push([field, WIRE_FIXED32, value]);
    return this;
  }

  string(field, text) {
    return this.bytes(field, utf8.encode(text));
  }

  /** Raw bytes; any typed array is taken by reference (it is read at `encode()` time). */
  bytes(field, data) {
    const view = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#fields.push([field, WIRE_LENGTH_DELIMITED, view]);
    return this;
  }

  message(field, msg) {
    this.#fields.push([field, WIRE_LENGTH_DELIMITED, msg]);
    return this;
  }

  get byteLength() {
    if (this.#size >= 0) return this.#size;
    let size = 0;
    for (const [field, wire, payload] of this.#fields) {
      size += varintLength(field * 8 + wire);
      if (wire === WIRE_VARINT) size += varintLength(payload);
      else if (wire === WIRE_FIXED32) size += 4;
      else {
        const len = payload.byteLength;
        size += varintLength(len) + len;
      }
    }
    this.#size = size;
    return size;
  }

  encode() {
    const out = new Uint8Array(this.byteLength);
    const end = this.#writeInto(out, 0, new DataView(out.buffer));
    if (end !== out.length) throw new Error(`protobuf encoder: wrote ${end} bytes, sized ${out.length}`);
    return out;
  }

  #writeInto(out, pos, view) {
    for (const [field, wire, payload] of this.#fields) {
      pos = writeVarint(out, pos, field * 8 + wire);
      if (wire === WIRE_VARINT) pos = writeVarint(out, pos, payload);
      else if (wire === WIRE_FIXED32) {
        view.setFloat32(pos, payload, true);
        pos += 4;
      } else if (payload instanceof ProtoMessage) {
        pos = writeVarint(out, pos, payload.byteLength);
        pos = payload.#writeInto(out, pos, view);
      } else {
        pos = writeVarint(out, pos, payload.length);
        out.set(payload, pos);
        pos += payload.length;
      }
    }
    return pos;
  }
}
