// Random strided inputs for the reduction tests (native-sum, native-reduce).

export interface ReduceCase {
  shape: number[];
  strides: number[];
  off: number;
  dims: number[];
  /** the length of an array that holds the view (and a little more) */
  len: number;
}

export interface CaseSizes {
  minDims: number;
  maxDims: number;
  maxSize: number;
  /** half the time one dim gets a size up to this */
  longDim?: number;
  /** dims are doubled until there are at least this many elements */
  minNumel?: number;
}

/** A random view: contiguous in a random dim order, maybe gaps between dims (a slice), maybe
 * an expanded dim (stride 0), an offset, and random reduced dims. */
export function randomReduceCase(rand: () => number, o: CaseSizes): ReduceCase {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const nd = int(o.minDims, o.maxDims);
  const shape = Array.from({ length: nd }, () => (rand() < 0.15 ? 1 : int(1, o.maxSize)));
  if (o.longDim !== undefined && nd > 0 && rand() < 0.5) shape[int(0, nd - 1)] = int(o.maxSize, o.longDim);
  while (o.minNumel !== undefined && shape.reduce((a, b) => a * b, 1) < o.minNumel) shape[int(0, nd - 1)] *= 2;
  const order = Array.from({ length: nd }, (_, i) => i).sort(() => rand() - 0.5);
  const strides = new Array<number>(nd);
  let s = 1;
  for (const d of order.reverse()) {
    strides[d] = s;
    s *= shape[d] + (rand() < 0.2 ? int(1, 3) : 0);
  }
  if (nd > 0 && rand() < 0.2) strides[int(0, nd - 1)] = 0;
  const off = int(0, 3);
  let top = off;
  for (let d = 0; d < nd; d++) top += (shape[d] - 1) * strides[d];
  const dims = Array.from({ length: nd }, (_, i) => i).filter(() => rand() < 0.5);
  if (dims.length === 0 && nd > 0 && rand() < 0.5) dims.push(int(0, nd - 1));
  return { shape, strides, off, dims, len: top + 1 + int(0, 2) };
}
