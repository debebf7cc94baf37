// Ports of the libstdc++ (GCC 12) algorithms PyTorch's CPU kernels call: std::sort (introsort),
// std::partial_sort, std::nth_element, and PyTorch's own quick_select_template. Where elements
// compare equal these algorithms leave them in an order that depends on every swap they make;
// PyTorch's unstable sort, topk, kthvalue and mode expose that order through their indices, so
// reproducing the indices means running the same steps. Each element is a (key, value) pair
// kept in two parallel arrays; `lt(ka, va, kb, vb)` is the C++ comparator `comp(a, b)`.

export type Less = (ka: number, va: number, kb: number, vb: number) => boolean;

/** floor(log2(n)), std::__lg */
function lg(n: number): number {
  return n >= 2 ** 31 ? Math.floor(Math.log2(n)) : 31 - Math.clz32(n);
}

const THRESHOLD = 16;

function swap(K: Float64Array, V: Float64Array, a: number, b: number): void {
  const k = K[a], v = V[a];
  K[a] = K[b];
  V[a] = V[b];
  K[b] = k;
  V[b] = v;
}

function unguardedLinearInsert(K: Float64Array, V: Float64Array, last: number, lt: Less): void {
  const k = K[last], v = V[last];
  let next = last - 1;
  while (lt(k, v, K[next], V[next])) {
    K[last] = K[next];
    V[last] = V[next];
    last = next;
    next--;
  }
  K[last] = k;
  V[last] = v;
}

export function insertionSort(K: Float64Array, V: Float64Array, first: number, last: number, lt: Less): void {
  if (first === last) return;
  for (let i = first + 1; i !== last; i++) {
    if (lt(K[i], V[i], K[first], V[first])) {
      const k = K[i], v = V[i];
      K.copyWithin(first + 1, first, i);
      V.copyWithin(first + 1, first, i);
      K[first] = k;
      V[first] = v;
    } else unguardedLinearInsert(K, V, i, lt);
  }
}

function finalInsertionSort(K: Float64Array, V: Float64Array, first: number, last: number, lt: Less): void {
  if (last - first > THRESHOLD) {
    insertionSort(K, V, first, first + THRESHOLD, lt);
    for (let i = first + THRESHOLD; i !== last; i++) unguardedLinearInsert(K, V, i, lt);
  } else insertionSort(K, V, first, last, lt);
}

function moveMedianToFirst(K: Float64Array, V: Float64Array, result: number, a: number, b: number, c: number, lt: Less): void {
  if (lt(K[a], V[a], K[b], V[b])) {
    if (lt(K[b], V[b], K[c], V[c])) swap(K, V, result, b);
    else if (lt(K[a], V[a], K[c], V[c])) swap(K, V, result, c);
    else swap(K, V, result, a);
  } else if (lt(K[a], V[a], K[c], V[c])) swap(K, V, result, a);
  else if (lt(K[b], V[b], K[c], V[c])) swap(K, V, result, c);
  else swap(K, V, result, b);
}

function unguardedPartition(K: Float64Array, V: Float64Array, first: number, last: number, pivot: number, lt: Less): number {
  for (;;) {
    while (lt(K[first], V[first], K[pivot], V[pivot])) first++;
    last--;
    while (lt(K[pivot], V[pivot], K[last], V[last])) last--;
    if (!(first < last)) return first;
    swap(K, V, first, last);
    first++;
  }
}

function unguardedPartitionPivot(K: Float64Array, V: Float64Array, first: number, last: number, lt: Less): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(K, V, first, first + 1, mid, last - 1, lt);
  return unguardedPartition(K, V, first + 1, last, first, lt);
}

// ---- heap (bits/stl_heap.h) ----

function pushHeap(K: Float64Array, V: Float64Array, first: number, hole: number, top: number, k: number, v: number, lt: Less): void {
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && lt(K[first + parent], V[first + parent], k, v)) {
    K[first + hole] = K[first + parent];
    V[first + hole] = V[first + parent];
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  K[first + hole] = k;
  V[first + hole] = v;
}

function adjustHeap(K: Float64Array, V: Float64Array, first: number, hole: number, len: number, k: number, v: number, lt: Less): void {
  const top = hole;
  let second = hole;
  while (second < Math.floor((len - 1) / 2)) {
    second = 2 * (second + 1);
    if (lt(K[first + second], V[first + second], K[first + second - 1], V[first + second - 1])) second--;
    K[first + hole] = K[first + second];
    V[first + hole] = V[first + second];
    hole = second;
  }
  if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
    second = 2 * (second + 1);
    K[first + hole] = K[first + second - 1];
    V[first + hole] = V[first + second - 1];
    hole = second - 1;
  }
  pushHeap(K, V, first, hole, top, k, v, lt);
}

function popHeap(K: Float64Array, V: Float64Array, first: number, last: number, result: number, lt: Less): void {
  const k = K[result], v = V[result];
  K[result] = K[first];
  V[result] = V[first];
  adjustHeap(K, V, first, 0, last - first, k, v, lt);
}

function makeHeap(K: Float64Array, V: Float64Array, first: number, last: number, lt: Less): void {
  if (last - first < 2) return;
  const len = last - first;
  let parent = Math.floor((len - 2) / 2);
  for (;;) {
    adjustHeap(K, V, first, parent, len, K[first + parent], V[first + parent], lt);
    if (parent === 0) return;
    parent--;
  }
}

function heapSelect(K: Float64Array, V: Float64Array, first: number, middle: number, last: number, lt: Less): void {
  makeHeap(K, V, first, middle, lt);
  for (let i = middle; i < last; i++) if (lt(K[i], V[i], K[first], V[first])) popHeap(K, V, first, middle, i, lt);
}

function sortHeap(K: Float64Array, V: Float64Array, first: number, last: number, lt: Less): void {
  while (last - first > 1) {
    last--;
    popHeap(K, V, first, last, last, lt);
  }
}

// ---- public entry points ----

function introsortLoop(K: Float64Array, V: Float64Array, first: number, last: number, depth: number, lt: Less): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSelect(K, V, first, last, last, lt);
      sortHeap(K, V, first, last, lt);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(K, V, first, last, lt);
    introsortLoop(K, V, cut, last, depth, lt);
    last = cut;
  }
}

/** std::sort(first, last, comp) */
export function stdSort(K: Float64Array, V: Float64Array, first: number, last: number, lt: Less): void {
  if (first === last) return;
  introsortLoop(K, V, first, last, lg(last - first) * 2, lt);
  finalInsertionSort(K, V, first, last, lt);
}

/** std::partial_sort(first, middle, last, comp) */
export function partialSort(K: Float64Array, V: Float64Array, first: number, middle: number, last: number, lt: Less): void {
  heapSelect(K, V, first, middle, last, lt);
  sortHeap(K, V, first, middle, lt);
}

/** std::nth_element(first, nth, last, comp) */
export function nthElement(K: Float64Array, V: Float64Array, first: number, nth: number, last: number, lt: Less): void {
  if (first === last || nth === last) return;
  let depth = lg(last - first) * 2;
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(K, V, first, nth + 1, last, lt);
      swap(K, V, first, nth);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(K, V, first, last, lt);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(K, V, first, last, lt);
}

/** PyTorch's quick_select_template (aten/src/ATen/native/SortingUtils.h), used by kthvalue:
 * afterwards position k holds the k-th smallest under `gt` (greater-or-NaN). */
export function quickSelect(K: Float64Array, V: Float64Array, n: number, k: number, gtOrNan: (a: number, b: number) => boolean): void {
  let L = 0, R = n - 1;
  for (;;) {
    if (R <= L) return;
    if (R === L + 1) {
      if (gtOrNan(K[L], K[R])) swap(K, V, L, R);
      return;
    }
    const P = L + Math.floor((R - L) / 2);
    swap(K, V, P, L + 1);
    if (gtOrNan(K[L + 1], K[R])) swap(K, V, L + 1, R);
    if (gtOrNan(K[L], K[R])) swap(K, V, L, R);
    if (gtOrNan(K[L + 1], K[L])) swap(K, V, L + 1, L);
    let i = L + 1, j = R;
    const piv = K[L];
    for (;;) {
      do i++;
      while (gtOrNan(piv, K[i]));
      do j--;
      while (gtOrNan(K[j], piv));
      if (j < i) break;
      swap(K, V, i, j);
    }
    swap(K, V, L, j);
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
}
