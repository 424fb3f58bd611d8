/**
 * Values derived from a pair of immutable state objects (say the network-wide hotkeys map and a subnet's hotkeys
 * array), remembered per pair and held weakly: a state object is replaced, never written, when it changes, so a
 * value found for the same two objects is still right, and a replaced object's values go with it.
 */
export class PairCache<A extends object, B extends object, V> {
  private readonly byFirst = new WeakMap<A, WeakMap<B, V>>();

  get(a: A, b: B): V | undefined {
    return this.byFirst.get(a)?.get(b);
  }

  set(a: A, b: B, value: V): void {
    let bySecond = this.byFirst.get(a);
    if (!bySecond) {
      bySecond = new WeakMap();
      this.byFirst.set(a, bySecond);
    }
    bySecond.set(b, value);
  }
}
