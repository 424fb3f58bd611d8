/**
 * A value as one comparable string: bigints (as `123n`), Maps (as entry lists, in order) and typed arrays (as
 * number lists) included — for checking that two runs, or a state before and after, are identical.
 */
export const fingerprint = (x: unknown): string =>
  JSON.stringify(x, (_, v) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v instanceof Map
        ? [...v]
        : ArrayBuffer.isView(v)
          ? Array.from(v as Uint8Array)
          : v,
  );
