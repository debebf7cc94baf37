// ScalarType names as PyTorch's error messages print them ("Float", "Long", ...).
import type { DType } from "../dtype.js";

const NAMES: Record<string, string> = {
  float32: "Float",
  float64: "Double",
  int64: "Long",
  int32: "Int",
  int16: "Short",
  int8: "Char",
  uint8: "Byte",
  bool: "Bool",
};

export function typeName(d: DType, _cpp = false): string {
  return NAMES[d.name];
}

/** "torch.FloatTensor" style names used by a few messages */
export function legacyTypeName(d: DType): string {
  return `torch.${NAMES[d.name]}Tensor`;
}
