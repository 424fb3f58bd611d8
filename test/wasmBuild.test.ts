import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// sim/consensus/assembly/kernel.wasm is committed (so a run needs no build step); it must be what its source
// compiles to with the pinned AssemblyScript, or the tested JavaScript twin and the running code could differ.
describe('the committed WebAssembly', () => {
  it('is the build of its source (npm run build:wasm)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taosim-wasm-'));
    try {
      const out = join(dir, 'kernel.wasm');
      const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
      const args = pkg.scripts['build:wasm']!.split(' ').slice(1);
      args[args.indexOf('-o') + 1] = out;
      execFileSync(process.execPath, ['node_modules/assemblyscript/bin/asc.js', ...args], { stdio: 'pipe' });
      expect(readFileSync(out).equals(readFileSync('sim/consensus/assembly/kernel.wasm'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
