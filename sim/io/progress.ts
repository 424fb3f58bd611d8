/**
 * Progress of a long run on stderr: a bar redrawn in place (blocks done, blocks/s, ETA) when stderr is a terminal,
 * a plain line every 10 % otherwise (logs, CI), nothing when quiet.
 */
export function progressReporter(
  total: number,
  quiet: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number) => void {
  if (quiet) return () => {};
  const t0 = performance.now();
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  const every = Math.max(1, Math.floor(total / 10));
  return (done) => {
    const now = performance.now();
    const rate = done / Math.max(1e-3, (now - t0) / 1000);
    const eta = rate > 0 ? (total - done) / rate : 0;
    if (tty) {
      if (now - lastDraw < 200 && done < total) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * done) / total);
      const line = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${((100 * done) / total).toFixed(0)}% ${done}/${total} blocks, ${Math.round(rate)} blocks/s, ETA ${eta.toFixed(0)} s`;
      stream.write(`\r${line}${done >= total ? '\n' : ''}`);
    } else if (done % every === 0 || done === total) {
      stream.write(`taosim: block ${done}/${total} (${Math.round(rate)} blocks/s, ETA ${eta.toFixed(0)} s)\n`);
    }
  };
}
