import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The runnable examples of the docs, run as a user would copy them.
const root = new URL('..', import.meta.url).pathname;

describe('docs/vector-format.md', () => {
  it('its example vector passes its own --check once the comments are taken out', () => {
    const doc = readFileSync(join(root, 'docs/vector-format.md'), 'utf8');
    const jsonc = /```jsonc\n([\s\S]*?)```/.exec(doc)![1]!;
    // The example's comments start with // and never sit inside a string.
    const json = jsonc.replace(/\/\/.*$/gm, '');
    const file = join(mkdtempSync(join(tmpdir(), 'taosim-doc-')), 'example.json');
    writeFileSync(file, json);
    const r = spawnSync(process.execPath, [join(root, 'bin/taosim.js'), 'epoch', '--in', file, '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stderr).not.toMatch(/MISMATCH/);
    expect(r.status).toBe(0);
    // The expectation is the hand calculation in the doc's comment: uid 3 takes every rank.
    expect(json).toContain('"incentive_u16": [0, 0, 0, 65535]');
  });
});
