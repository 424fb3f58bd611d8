/** What a miner is worth to validators: latent quality (with optional drift), and whether it has quit. */
export interface MinerProfile {
  readonly base: number;
  readonly amplitude: number;
  readonly period: number;
  readonly phase: number;
  readonly cabal: boolean;
  /** Set when the miner stops serving (unprofitable): its quality is 0 from then on. */
  quit: boolean;
}

/**
 * The miners of one subnet by hotkey, shared by its validators (who score them) and its entrant agent (who adds
 * newly registered miners and marks quitters). A deregistered hotkey simply no longer appears on the chain.
 */
export class MinerRegistry {
  readonly profiles = new Map<string, MinerProfile>();

  quality(hotkey: string, block: number): number {
    const p = this.profiles.get(hotkey);
    if (!p || p.quit) return 0;
    const q = p.base + p.amplitude * Math.sin(2 * Math.PI * (block / p.period + p.phase));
    return Math.min(1, Math.max(1e-6, q));
  }

  /** uids of the registered hotkeys that are miners (cabal ones only, when asked). */
  minerUids(hotkeys: readonly string[], cabalOnly = false): number[] {
    const out: number[] = [];
    hotkeys.forEach((h, uid) => {
      const p = this.profiles.get(h);
      if (p && (!cabalOnly || p.cabal)) out.push(uid);
    });
    return out;
  }
}
