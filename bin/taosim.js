#!/usr/bin/env node
// Launcher: run the TypeScript CLI through tsx (a runtime dependency), so `npx taosim …` works after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../sim/cli.ts');
