// Worker-thread entry of `taosim sweep` (loaded by tinypool, which calls the default export once per task).
// A worker thread does not inherit the main thread's tsx registration (bin/taosim.js calls register() at run
// time, which only hooks the thread that calls it), so register tsx here before loading the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const { runSweepTask } = await import('./sweepTask.ts');

export default runSweepTask;
