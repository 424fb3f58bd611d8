/**
 * Fresh zeroed Uint16Arrays for weights rows, carved from shared 16 KiB chunks. Allocating a small typed array
 * costs microseconds in V8 (a backing store each); a view on a chunk costs next to nothing. A chunk is freed once
 * no row views it any more; chunks are small so that a long-lived row (a validator that stopped setting weights)
 * pins little: at most 16 KiB per live row, ~20 rows of 191 weights share one allocation.
 */
const CHUNK_BYTES = 1 << 14;
let chunk = new ArrayBuffer(CHUNK_BYTES);
let offset = 0;

export function allocU16(length: number): Uint16Array {
  const bytes = 2 * length;
  if (bytes > CHUNK_BYTES / 4) return new Uint16Array(length);
  if (offset + bytes > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    offset = 0;
  }
  const row = new Uint16Array(chunk, offset, length);
  offset += bytes;
  return row;
}
