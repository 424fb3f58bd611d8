/** Bad input at the edge: names where (`path`, e.g. `scenario.epochs[2].weights["3"][0][1]`) and what was expected;
 * path '' is the whole document. */
export class InputError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'InputError';
  }
}
