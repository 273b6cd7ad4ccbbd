// ONNX's messages (field numbers from onnx/onnx.proto) and a small graph builder over them. Only what our
// benchmark graphs use: float32/int64/bool tensors, int/float/ints/string attributes, the default domain.
import { ProtoMessage } from './proto.mjs';

export const ElemType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, BOOL: 9 };
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 };
/** IR version 8 goes with opsets up to 18. */
const IR_VERSION = 8;
export const OPSET = 17;

/** A float attribute (plain JS numbers are ints: `alpha: 1` would otherwise be ambiguous). */
export const float = (value) => ({ float: value });

function attributeProto(name, value) {
  const a = new ProtoMessage().string(1, name);
  if (typeof value === 'string') return a.bytes(4, new TextEncoder().encode(value)).int(20, AttrType.STRING);
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    return a.int(20, AttrType.INTS);
  }
  if (typeof value === 'object' && 'float' in value) return a.float(2, value.float).int(20, AttrType.FLOAT);
  if (Number.isInteger(value)) return a.int(3, value).int(20, AttrType.INT);
  throw new TypeError(`ONNX attribute ${name}: unsupported value ${value} (wrap floats in float())`);
}

function elemTypeOf(data) {
  if (data instanceof Float32Array) return ElemType.FLOAT;
  if (data instanceof BigInt64Array) return ElemType.INT64;
  if (data instanceof Int8Array) return ElemType.INT8;
  throw new TypeError(`ONNX tensor data must be a Float32Array, BigInt64Array or Int8Array, got ${data?.constructor?.name}`);
}

/** TensorProto with little-endian raw_data (typed arrays are little-endian on every platform we run on). */
export function tensorProto(name, dims, data) {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new RangeError(`ONNX tensor ${name}: ${data.length} values for dims [${dims}]`);
  const t = new ProtoMessage();
  for (const d of dims) t.int(1, d);
  return t.int(2, elemTypeOf(data)).string(8, name).bytes(9, data);
}

/** ValueInfoProto of a tensor; a dim is a number or a symbolic name. */
function valueInfo(name, elemType, dims) {
  const shape = new ProtoMessage();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
  const tensorType = new ProtoMessage().int(1, elemType).message(2, shape);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

export class GraphBuilder {
  #nodes = [];
  #initializers = [];
  #inputs = [];
  #outputs = [];
  #names = new Set();
  #counter = 0;

  constructor(name) {
    this.name = name;
  }

  /** An unused value name with a readable prefix. */
  fresh(prefix) {
    let name;
    do name = `${prefix}_${this.#counter++}`;
    while (this.#names.has(name));
    return name;
  }

  #claim(name) {
    if (this.#names.has(name)) throw new Error(`ONNX graph ${this.name}: value ${name} defined twice`);
    this.#names.add(name);
    return name;
  }

  input(name, elemType, dims) {
    this.#inputs.push(valueInfo(this.#claim(name), elemType, dims));
    return name;
  }

  /** Declares `name` (already produced by a node) a graph output. */
  output(name, elemType, dims) {
    this.#outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  initializer(name, dims, data) {
    this.#initializers.push(tensorProto(this.#claim(name), dims, data));
    return name;
  }

  /** An int64 constant: a scalar for a number, a 1-D tensor for an array. */
  int64(values, prefix = 'i64') {
    const scalar = !Array.isArray(values);
    const list = scalar ? [values] : values;
    return this.initializer(this.fresh(prefix), scalar ? [] : [list.length], BigInt64Array.from(list, BigInt));
  }

  /** A float32 scalar constant. */
  f32(value, prefix = 'f32') {
    return this.initializer(this.fresh(prefix), [], Float32Array.of(value));
  }

  /**
   * Adds a node; returns its output name, or an array of names for several. `outputs` is a count or an array
   * of names (to produce graph outputs directly).
   */
  op(opType, inputs, attrs = {}, outputs = 1) {
    const wanted = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : outputs;
    const names = wanted.map((n) => this.#claim(n));
    const node = new ProtoMessage();
    for (const i of inputs) node.string(1, i);
    for (const o of names) node.string(2, o);
    node.string(3, `${opType}_${this.#nodes.length}`).string(4, opType);
    for (const [k, v] of Object.entries(attrs)) node.message(5, attributeProto(k, v));
    this.#nodes.push(node);
    return names.length === 1 ? names[0] : names;
  }

  /** The serialized ModelProto. */
  toModel(producer = 'wasm-gpt bench') {
    const graph = new ProtoMessage();
    for (const n of this.#nodes) graph.message(1, n);
    graph.string(2, this.name);
    for (const t of this.#initializers) graph.message(5, t);
    for (const i of this.#inputs) graph.message(11, i);
    for (const o of this.#outputs) graph.message(12, o);
    const opset = new ProtoMessage().string(1, '').int(2, OPSET);
    return new ProtoMessage().int(1, IR_VERSION).string(2, producer).message(7, graph).message(8, opset).encode();
  }
}
