// dtype conversion: to(dtype), float(), double(), long(), int(), bool(), type(dtype).
import { backend } from "../backend/index.js";
import { bool, DType, float32, float64, int16, int32, int64, int8, uint8 } from "../dtype.js";
import { TypeError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { emptyStrided, preserveStrides } from "./shape_helpers.js";
import { needsGrad, record } from "./util.js";

export function toDtype(x: Tensor, dtype: DType, copy = false): Tensor {
  if (dtype === x.dtype && !copy) return x;
  // _to_copy keeps the memory layout (memory_format=torch.preserve_format)
  const out = emptyStrided(x._shape.slice(), preserveStrides(x), dtype);
  backend.elementwise("copy", out, [x], dtype);
  if (needsGrad(x) && dtype.kind === "f") {
    const src = x.dtype;
    record(out, "ToCopyBackward0", [x], (g) => [g.to(src)]);
  }
  return out;
}

type ToArg = DType | Tensor | string | { dtype?: DType; copy?: boolean; device?: string } | undefined;

/** to(dtype) | to(tensor) | to("cpu") | to("cpu", dtype) | to({dtype, copy}) */
export function to(x: Tensor, a?: ToArg, b?: ToArg): Tensor {
  let dtype: DType | undefined;
  let copy = false;
  for (const arg of [a, b]) {
    if (arg === undefined) continue;
    if (arg instanceof DType) dtype = arg;
    else if (arg instanceof Tensor) dtype = arg.dtype;
    else if (typeof arg === "string") {
      if (arg !== "cpu" && !arg.startsWith("cpu:")) throw new TypeError(`torchlette runs on the CPU only; got device '${arg}'`);
    } else if (typeof arg === "object") {
      if (arg.dtype) dtype = arg.dtype;
      if (arg.copy) copy = true;
      if (arg.device !== undefined && arg.device !== "cpu") throw new TypeError(`torchlette runs on the CPU only; got device '${arg.device}'`);
    }
  }
  if (!dtype) return copy ? x.clone() : x;
  return toDtype(x, dtype, copy);
}

declare module "../tensor.js" {
  interface Tensor {
    to(a?: ToArg, b?: ToArg): Tensor;
    type(dtype: DType): Tensor;
    type(): string;
    float(): Tensor;
    double(): Tensor;
    long(): Tensor;
    int(): Tensor;
    short(): Tensor;
    char(): Tensor;
    byte(): Tensor;
    bool(): Tensor;
    cpu(): Tensor;
    type_as(other: Tensor): Tensor;
  }
}
{
  const P = Tensor.prototype as unknown as Record<string, unknown>;
  P.to = function (this: Tensor, a?: ToArg, b?: ToArg) {
    return to(this, a, b);
  };
  P.type = function (this: Tensor, d?: DType) {
    if (d === undefined) {
      const n: Record<string, string> = { float32: "Float", float64: "Double", int64: "Long", int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool: "Bool" };
      return `torch.${n[this.dtype.name]}Tensor`;
    }
    return toDtype(this, d);
  };
  const conv: Record<string, DType> = { float: float32, double: float64, long: int64, int: int32, short: int16, char: int8, byte: uint8, bool };
  for (const [name, d] of Object.entries(conv)) {
    P[name] = function (this: Tensor) {
      return toDtype(this, d);
    };
  }
  P.cpu = function (this: Tensor) {
    return this;
  };
  P.type_as = function (this: Tensor, o: Tensor) {
    return toDtype(this, o.dtype);
  };
}
