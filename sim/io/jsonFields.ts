import { unknownKeyMessage } from './closestName.ts';
import { InputError } from './inputError.ts';

/** Small typed readers for untrusted JSON: each throws an InputError naming the path and what was expected. */
export type JsonObject = { readonly [key: string]: unknown };

const show = (v: unknown): string =>
  typeof v === 'bigint' ? `${v}` : v === undefined ? 'nothing' : (JSON.stringify(v)?.slice(0, 60) ?? String(v));

/** `path.key`, or `key` at the top level (path ''). */
export const fieldPath = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export function object(v: unknown, path: string, known?: readonly string[]): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InputError(path, `expected an object, got ${show(v)}`);
  if (known) {
    for (const key of Object.keys(v)) {
      if (!known.includes(key)) throw new InputError(fieldPath(path, key), unknownKeyMessage(key, known));
    }
  }
  return v as JsonObject;
}

export function array(v: unknown, path: string, length?: number, lengthName = 'n'): readonly unknown[] {
  if (!Array.isArray(v)) throw new InputError(path, `expected an array, got ${show(v)}`);
  if (length !== undefined && v.length !== length) {
    throw new InputError(path, `expected ${length} entries (${lengthName}), got ${v.length}`);
  }
  return v;
}

export function integer(v: unknown, path: string, min: number, max: number): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new InputError(path, `expected an integer in ${min}..${max}, got ${show(v)}`);
  }
  return n;
}

export const U64_MAX = (1n << 64n) - 1n;

export function u64(v: unknown, path: string): bigint {
  const ok = (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint';
  const b = ok ? BigInt(v as number | bigint) : -1n;
  if (b < 0n || b > U64_MAX) throw new InputError(path, `expected an integer in 0..2^64-1 (u64), got ${show(v)}`);
  return b;
}

export function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new InputError(path, `expected true or false, got ${show(v)}`);
  return v;
}

export function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(path, `expected a number, got ${show(v)}`);
  return v;
}
