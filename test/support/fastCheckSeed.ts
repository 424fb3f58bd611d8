import fc from 'fast-check';

// Property tests run the same cases on every run (CI included); FC_SEED=<n> explores other seeds locally.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20260630), numRuns: 150 });
