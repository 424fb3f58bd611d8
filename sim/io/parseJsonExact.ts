import { InputError } from './inputError.ts';

/**
 * JSON.parse that keeps integers above 2^53 exact (u64 stakes and rao amounts can exceed it): an integer literal that
 * is not a safe integer comes back as a bigint; every other value is what JSON.parse gives.
 *
 * Why a pre-pass: Node 20's JSON.parse gives a reviver no source text (`context.source` arrives in V8 11.4+/Node 21+),
 * and by then the number is already rounded. So, once the text has parsed as JSON (which gives JSON.parse's own error
 * messages, with the position as line:column), a scanner that skips over string tokens rewrites each unsafe integer
 * literal into a string `<tag><digits>` and a reviver turns those back into bigint. The tag is a control character no
 * string in the file can contain: inside a JSON string such a character can only be written as a `\u00XX` escape, so
 * a character whose escape never appears in the text cannot occur in any decoded string.
 */
/** JSON.parse, its error as `file: invalid JSON: … (line L, column C)` (an InputError). */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `invalid JSON: ${withLineColumn((e as Error).message, text)}`);
  }
}

export function parseJsonExact(text: string, file: string): unknown {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `invalid JSON: ${withLineColumn((e as Error).message, text)}`);
  }
  let tag: string | null | undefined; // chosen at the first big integer
  let out = '';
  let from = 0;
  let bigs = 0;
  const number = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; text.charCodeAt(i) !== 0x22; i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1);
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      number.lastIndex = i;
      const m = number.exec(text)!; // the text is valid JSON, so a number token starts here
      if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(Number(m[0]))) {
        tag ??= tagFor(text);
        if (tag === null)
          throw new InputError(file, 'cannot keep integers above 2^53 exact: the strings use every \\u00XX escape');
        out += `${text.slice(from, i)}"${controlEscape(tag)}${m[0]}"`;
        from = i + m[0].length;
        bigs++;
      }
      i += m[0].length;
    } else i++;
  }
  if (bigs === 0) return plain;
  return JSON.parse(out + text.slice(from), (_key, value: unknown) =>
    typeof value === 'string' && tag && value.startsWith(tag) ? BigInt(value.slice(tag.length)) : value,
  );
}

/** `\u00XX`, how a control character is written inside a JSON string. */
const controlEscape = (c: string): string => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** A control character (not one with a short escape like \n) whose `\u00XX` escape the text never contains. */
function tagFor(text: string): string | null {
  const lower = text.toLowerCase();
  for (let code = 0; code < 0x20; code++) {
    if ([0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(code)) continue;
    const c = String.fromCharCode(code);
    if (!lower.includes(controlEscape(c))) return c;
  }
  return null;
}

/**
 * JSON.parse says "at position 1234"; add where that is in an editor. Node 20's V8 leaves the position out of some
 * messages ("Unexpected token 'x', … is not valid JSON", "Unexpected end of JSON input"): then it is found by
 * reading the text again (`jsonErrorOffset`).
 */
export function withLineColumn(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  const offset = m ? Number(m[1]) : jsonErrorOffset(text);
  if (offset < 0) return message;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  // Without a position V8 quotes the text around the token instead (newlines and all): say it our way.
  const said = m
    ? message
    : offset >= text.length
      ? 'Unexpected end of JSON input'
      : `Unexpected character ${JSON.stringify(text[offset])} at position ${offset}`;
  return `${said} (line ${line}, column ${column})`;
}

/**
 * Where `text` stops being JSON (RFC 8259): the offset of the first character that cannot continue it, the text's
 * length when it ends too soon, or −1 when it is JSON (or nested too deeply to read). Only for error messages.
 */
/** Thrown inside `jsonErrorOffset` where the text stops being JSON. */
class NotJson extends Error {}

export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stop = (): never => {
    throw new NotJson();
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const word = (w: string) => {
    for (let k = 0; k < w.length; k++, i++) if (text[i] !== w[k]) stop();
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) stop();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) stop();
      if (c !== 0x5c) {
        i++;
        continue;
      }
      i++;
      if (text[i] === 'u') {
        i++;
        for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) stop();
      } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
      else stop();
    }
  };
  const digits = () => {
    const from = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i === from) stop();
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') stop();
      i++;
      space();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{')
      list('}', () => {
        if (text[i] !== '"') stop();
        string();
        space();
        if (text[i] !== ':') stop();
        i++;
        value();
      });
    else if (c === '[') list(']', value);
    else if (c === '"') string();
    else if (c === 't') word('true');
    else if (c === 'f') word('false');
    else if (c === 'n') word('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else stop();
  };
  try {
    value();
    space();
    return i < text.length ? i : -1;
  } catch (e) {
    // Anything else (nesting too deep for the stack) leaves the position unknown.
    return e instanceof NotJson ? Math.min(i, text.length) : -1;
  }
}
