// PyTorch's CPU topk (ATen/native/TopKImpl.h) orders (value, index) pairs with libstdc++'s
// std::partial_sort / std::nth_element / std::sort, and the order of tied values falls out of
// those algorithms. To reproduce torch.multinomial without replacement exactly (it is a topk of
// p / q), this is a line-by-line port of the libstdc++ (GCC 12) routines over parallel arrays,
// with TopKImpl's "largest" comparator: nan first, then descending.

/** Pairs under sort: vals[i], idx[i]. */
class PairSorter {
  constructor(
    readonly vals: Float64Array,
    readonly idx: Float64Array,
  ) {}

  private less(a: number, b: number): boolean {
    // comp(x, y) = (isnan(x) && !isnan(y)) || x > y
    const x = this.vals[a];
    const y = this.vals[b];
    return (x !== x && y === y) || x > y;
  }

  private lessVal(x: number, b: number): boolean {
    const y = this.vals[b];
    return (x !== x && y === y) || x > y;
  }

  private lessValR(a: number, y: number): boolean {
    const x = this.vals[a];
    return (x !== x && y === y) || x > y;
  }

  private swap(a: number, b: number): void {
    const v = this.vals;
    const ix = this.idx;
    const tv = v[a];
    v[a] = v[b];
    v[b] = tv;
    const ti = ix[a];
    ix[a] = ix[b];
    ix[b] = ti;
  }

  private set(dst: number, src: number): void {
    this.vals[dst] = this.vals[src];
    this.idx[dst] = this.idx[src];
  }

  // ---- heap (stl_heap.h) ----

  private pushHeap(first: number, hole: number, top: number, val: number, vi: number): void {
    let parent = Math.trunc((hole - 1) / 2);
    while (hole > top && this.lessValR(first + parent, val)) {
      this.set(first + hole, first + parent);
      hole = parent;
      parent = Math.trunc((hole - 1) / 2);
    }
    this.vals[first + hole] = val;
    this.idx[first + hole] = vi;
  }

  private adjustHeap(first: number, hole: number, len: number, val: number, vi: number): void {
    const top = hole;
    let second = hole;
    while (second < Math.trunc((len - 1) / 2)) {
      second = 2 * (second + 1);
      if (this.less(first + second, first + (second - 1))) second--;
      this.set(first + hole, first + second);
      hole = second;
    }
    if ((len & 1) === 0 && second === Math.trunc((len - 2) / 2)) {
      second = 2 * (second + 1);
      this.set(first + hole, first + (second - 1));
      hole = second - 1;
    }
    this.pushHeap(first, hole, top, val, vi);
  }

  private makeHeap(first: number, last: number): void {
    if (last - first < 2) return;
    const len = last - first;
    let parent = Math.trunc((len - 2) / 2);
    for (;;) {
      this.adjustHeap(first, parent, len, this.vals[first + parent], this.idx[first + parent]);
      if (parent === 0) return;
      parent--;
    }
  }

  private popHeap(first: number, last: number, result: number): void {
    const val = this.vals[result];
    const vi = this.idx[result];
    this.set(result, first);
    this.adjustHeap(first, 0, last - first, val, vi);
  }

  private heapSelect(first: number, middle: number, last: number): void {
    this.makeHeap(first, middle);
    for (let i = middle; i < last; i++) if (this.less(i, first)) this.popHeap(first, middle, i);
  }

  private sortHeap(first: number, last: number): void {
    while (last - first > 1) {
      --last;
      this.popHeap(first, last, last);
    }
  }

  /** std::partial_sort(first, middle, last, comp) */
  partialSort(first: number, middle: number, last: number): void {
    this.heapSelect(first, middle, last);
    this.sortHeap(first, middle);
  }

  // ---- sort / nth_element (stl_algo.h) ----

  private moveMedianToFirst(result: number, a: number, b: number, c: number): void {
    if (this.less(a, b)) {
      if (this.less(b, c)) this.swap(result, b);
      else if (this.less(a, c)) this.swap(result, c);
      else this.swap(result, a);
    } else if (this.less(a, c)) this.swap(result, a);
    else if (this.less(b, c)) this.swap(result, c);
    else this.swap(result, b);
  }

  private unguardedPartition(first: number, last: number, pivot: number): number {
    for (;;) {
      while (this.less(first, pivot)) ++first;
      --last;
      while (this.less(pivot, last)) --last;
      if (!(first < last)) return first;
      this.swap(first, last);
      ++first;
    }
  }

  private unguardedPartitionPivot(first: number, last: number): number {
    const mid = first + Math.trunc((last - first) / 2);
    this.moveMedianToFirst(first, first + 1, mid, last - 1);
    return this.unguardedPartition(first + 1, last, first);
  }

  private unguardedLinearInsert(last: number): void {
    const val = this.vals[last];
    const vi = this.idx[last];
    let next = last - 1;
    while (this.lessVal(val, next)) {
      this.set(last, next);
      last = next;
      --next;
    }
    this.vals[last] = val;
    this.idx[last] = vi;
  }

  private insertionSort(first: number, last: number): void {
    if (first === last) return;
    for (let i = first + 1; i !== last; ++i) {
      if (this.less(i, first)) {
        const val = this.vals[i];
        const vi = this.idx[i];
        for (let k = i; k > first; k--) this.set(k, k - 1);
        this.vals[first] = val;
        this.idx[first] = vi;
      } else {
        this.unguardedLinearInsert(i);
      }
    }
  }

  private finalInsertionSort(first: number, last: number): void {
    if (last - first > 16) {
      this.insertionSort(first, first + 16);
      for (let i = first + 16; i !== last; ++i) this.unguardedLinearInsert(i);
    } else {
      this.insertionSort(first, last);
    }
  }

  private introsortLoop(first: number, last: number, depth: number): void {
    while (last - first > 16) {
      if (depth === 0) {
        this.partialSort(first, last, last);
        return;
      }
      --depth;
      const cut = this.unguardedPartitionPivot(first, last);
      this.introsortLoop(cut, last, depth);
      last = cut;
    }
  }

  /** std::sort(first, last, comp) */
  sort(first: number, last: number): void {
    if (first !== last) {
      this.introsortLoop(first, last, 2 * lg(last - first));
      this.finalInsertionSort(first, last);
    }
  }

  /** std::nth_element(first, nth, last, comp) */
  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return;
    let depth = 2 * lg(last - first);
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last);
        this.swap(first, nth);
        return;
      }
      --depth;
      const cut = this.unguardedPartitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    this.insertionSort(first, last);
  }
}

function lg(n: number): number {
  return 31 - Math.clz32(n);
}

/**
 * topk(largest=True, sorted=True) of one row as PyTorch 1.13's CPU kernel computes it: writes
 * the k winning indices (in output order) to out[outOff .. outOff+k). `vals` holds the row's
 * values (widened to double, as accscalar_t is double) and is reordered; `idx` is scratch of
 * the same length.
 */
export function topkIndices(vals: Float64Array, idx: Float64Array, n: number, k: number, out: Float64Array, outOff: number): void {
  for (let j = 0; j < n; j++) idx[j] = j;
  const s = new PairSorter(vals.subarray(0, n), idx.subarray(0, n));
  if (k * 64 <= n) {
    s.partialSort(0, k, n);
  } else {
    s.nthElement(0, k - 1, n);
    s.sort(0, k - 1); // sic: TopKImpl sorts only the first k-1; nth_element already placed the kth
  }
  for (let j = 0; j < k; j++) out[outOff + j] = idx[j];
}
