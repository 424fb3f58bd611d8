/**
 * Fresh zeroed Uint16Arrays for weights rows, carved from shared 16 KiB chunks. Allocating a small typed array
 * costs microseconds in V8 (a backing store each); a view on a chunk costs next to nothing. A chunk is freed once
 * no row views it any more; chunks are small so that a long-lived row (a validator that stopped setting weights)
 * pins little: at most 16 KiB per live row, ~20 rows of 191 weights share one allocation.
 */
const CHUNK_BYTES = 1 << 14;
const CHUNK_LENGTH = CHUNK_BYTES / 2;
let chunk = new Uint16Array(CHUNK_LENGTH);
let offset = 0;

export function allocU16(length: number): Uint16Array {
  if (length > CHUNK_LENGTH / 4) return new Uint16Array(length);
  if (offset + length > CHUNK_LENGTH) {
    chunk = new Uint16Array(CHUNK_LENGTH);
    offset = 0;
  }
  offset += length;
  // The constructor, not `subarray` (≈ 3× the cost: it looks up a species constructor).
  return new Uint16Array(chunk.buffer, 2 * (offset - length), length);
}
