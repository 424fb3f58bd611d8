/**
 * Scratch storage of the fast float epoch (fastFloatEpoch.ts): typed arrays held at module level and grown on
 * demand, so that an epoch allocates (almost) nothing but its outputs. Every kernel treats the contents of a
 * scratch buffer as garbage on entry (it writes before it reads, or clears the range it uses), so sequential calls
 * see no state from earlier ones.
 */

const grown = (have: number, need: number): number => Math.max(need, Math.ceil(have * 1.5), 16);

export const growF64 = (buf: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> =>
  buf.length >= size ? buf : new Float64Array(grown(buf.length, size));

export const growI32 = (buf: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> =>
  buf.length >= size ? buf : new Int32Array(grown(buf.length, size));

export const growU8 = (buf: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer> =>
  buf.length >= size ? buf : new Uint8Array(grown(buf.length, size));

/**
 * A sparse matrix in CSR form: row i holds the entries start[i] .. start[i+1]-1 of (col, val), in the order the
 * generic path keeps them (storage order, duplicates and unsorted columns included).
 */
export class Csr {
  start: Int32Array<ArrayBuffer>;
  col: Int32Array<ArrayBuffer>;
  val: Float64Array<ArrayBuffer>;

  /** Empty, or on the given arrays (views of the kernel memory: no arrays of its own are made then). */
  constructor(start?: Int32Array<ArrayBuffer>, col?: Int32Array<ArrayBuffer>, val?: Float64Array<ArrayBuffer>) {
    this.start = start ?? new Int32Array(16);
    this.col = col ?? new Int32Array(16);
    this.val = val ?? new Float64Array(16);
  }

  /** Make room for `rows` rows and `entries` entries; the contents become garbage. */
  reserve(rows: number, entries: number): void {
    this.start = growI32(this.start, rows + 1);
    if (this.col.length < entries) {
      this.col = growI32(this.col, entries);
      this.val = growF64(this.val, this.col.length);
    }
  }
}

/**
 * The columns of row `from..to` of `col`, ascending and distinct, as `compute_liquid_alpha_values_sparse` and
 * `interpolate_sparse` visit them. Returns the count; when the row is already strictly increasing nothing is
 * copied and -1 is returned (read the row itself). `mark` must be all zero for the row's columns and is left so.
 */
export function sortedColumns(col: Int32Array, from: number, to: number, mark: Uint8Array, out: Int32Array): number {
  let increasing = true;
  for (let e = from + 1; e < to; e++) {
    if (col[e]! <= col[e - 1]!) {
      increasing = false;
      break;
    }
  }
  if (increasing) return -1;
  let count = 0;
  for (let e = from; e < to; e++) {
    const j = col[e]!;
    if (mark[j] === 0) {
      mark[j] = 1;
      out[count++] = j;
    }
  }
  for (let k = 0; k < count; k++) mark[out[k]!] = 0;
  out.subarray(0, count).sort();
  return count;
}
