import { InputError } from './inputError.ts';

const BIG = '\u0000bigint:';

/**
 * JSON.parse that keeps integers above 2^53 exact (rao amounts and u64 stakes can exceed it): integer literals of
 * 16 or more digits are turned into tagged strings before parsing and into bigint after. Everything else is plain
 * JSON.parse, so its error messages (with the position) are kept.
 */
export function parseJsonExact(text: string, file: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      const literal = m ? m[0] : c;
      out += !m?.[1] && !m?.[2] && literal.replace('-', '').length >= 16 ? `"\\u0000bigint:${literal}"` : literal;
      i += literal.length;
    } else {
      out += c;
      i++;
    }
  }
  try {
    return JSON.parse(out, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(BIG) ? BigInt(value.slice(BIG.length)) : value,
    );
  } catch (e) {
    throw new InputError(file, `invalid JSON: ${(e as Error).message}`);
  }
}
