import type { Agent } from '../agents/types.ts';

/**
 * Which agents to ask at which block: a binary min-heap of (block, agent index). Popping everything due at a block
 * yields the agents in index order (the order the runner promises), and agents that declare `nextAct` are not
 * visited on the blocks where they would do nothing — with thousands of validators that set weights once a tempo
 * this is most of the per-block cost.
 */
export class AgentQueue {
  private readonly blocks: number[] = [];
  private readonly indices: number[] = [];

  constructor(
    private readonly agents: readonly Agent[],
    from: number,
  ) {
    for (let i = 0; i < agents.length; i++) this.schedule(i, from);
  }

  /** Indices of the agents due at `block`, ascending; they must be rescheduled (`schedule`) after acting. */
  due(block: number): number[] {
    const out: number[] = [];
    while (this.blocks.length > 0 && this.blocks[0]! <= block) out.push(this.pop());
    return out;
  }

  /** Put agent `i` back for its next block at or after `from` (never, if it says so). */
  schedule(i: number, from: number): void {
    const agent = this.agents[i]!;
    const at = agent.nextAct ? Math.max(from, agent.nextAct(from)) : from;
    if (at === Number.POSITIVE_INFINITY) return;
    this.push(at, i);
  }

  private less(a: number, b: number): boolean {
    const ba = this.blocks[a]!;
    const bb = this.blocks[b]!;
    return ba < bb || (ba === bb && this.indices[a]! < this.indices[b]!);
  }

  private swap(a: number, b: number): void {
    // Plain temporaries: a destructuring swap allocates two arrays and runs the iterator protocol (once a large
    // part of the engine's allocations: ~13 swaps per agent popped).
    const { blocks, indices } = this;
    const tb = blocks[a]!;
    blocks[a] = blocks[b]!;
    blocks[b] = tb;
    const ti = indices[a]!;
    indices[a] = indices[b]!;
    indices[b] = ti;
  }

  private push(block: number, index: number): void {
    this.blocks.push(block);
    this.indices.push(index);
    let k = this.blocks.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(k, parent)) break;
      this.swap(k, parent);
      k = parent;
    }
  }

  private pop(): number {
    const top = this.indices[0]!;
    const lastBlock = this.blocks.pop()!;
    const lastIndex = this.indices.pop()!;
    if (this.blocks.length > 0) {
      this.blocks[0] = lastBlock;
      this.indices[0] = lastIndex;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < this.blocks.length && this.less(l, m)) m = l;
        if (r < this.blocks.length && this.less(r, m)) m = r;
        if (m === k) break;
        this.swap(k, m);
        k = m;
      }
    }
    return top;
  }
}
