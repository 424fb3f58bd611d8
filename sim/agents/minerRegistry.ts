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
  private readonly profiles = new Map<string, MinerProfile>();
  /** Bumped whenever a profile is added or quits: invalidates `observed`'s cache. */
  private version = 0;
  private drifting = false;
  private cache: {
    hotkeys: readonly string[];
    version: number;
    block: number;
    uids: number[];
    quality: number[];
  } | null = null;

  add(hotkey: string, profile: MinerProfile): void {
    this.profiles.set(hotkey, profile);
    if (profile.amplitude !== 0) this.drifting = true;
    this.version++;
  }

  get(hotkey: string): MinerProfile | undefined {
    return this.profiles.get(hotkey);
  }

  /** The miner stops serving: its quality is 0 from now on. */
  markQuit(hotkey: string): void {
    const p = this.profiles.get(hotkey);
    if (p && !p.quit) {
      p.quit = true;
      this.version++;
    }
  }

  /**
   * The miners' uids among `hotkeys` and their qualities at `block` — what every validator of the subnet scores
   * before adding its own noise. Cached: the subnet's validators ask for the same hotkeys (the chain's array, new
   * only when someone registers) many times, and without drift the answer does not depend on the block.
   */
  observed(
    hotkeys: readonly string[],
    block: number,
  ): { readonly uids: readonly number[]; readonly quality: readonly number[] } {
    const at = this.drifting ? block : -1;
    const c = this.cache;
    if (c && c.hotkeys === hotkeys && c.version === this.version && c.block === at) return c;
    const uids = this.minerUids(hotkeys);
    const quality = uids.map((uid) => this.quality(hotkeys[uid]!, block));
    this.cache = { hotkeys, version: this.version, block: at, uids, quality };
    return this.cache;
  }

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
