import { isMap, LineCounter, parseDocument, parse as parseYaml } from 'yaml';
import { unknownKeyMessage } from './closestName.ts';
import { type ScenarioFile, scenarioSchema } from './scenarioSchema.ts';

/** A scenario the user must fix: `file:line:col: path: what was expected`. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${file}:${p}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

type Path = readonly (string | number)[];
const showPath = (path: Path): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '') || '(top level)';

type SchemaNode = { unwrap?: () => unknown; shape?: Record<string, unknown>; element?: unknown; options?: unknown[] };
/** Look through optional/default/nullable wrappers to the object or array underneath. */
function unwrapped(schema: unknown): SchemaNode {
  let node = schema as SchemaNode;
  while (!node.shape && !node.element && node.unwrap) node = node.unwrap() as SchemaNode;
  return node;
}

/** Known keys of the schema object at `path`, for "did you mean". */
function knownKeysAt(path: Path): string[] {
  // A union (a miner group or a list of them) stands for whichever of its options fits: the list for an index,
  // the object for a key.
  const pick = (node: SchemaNode, key?: string | number): SchemaNode =>
    node.options?.map(unwrapped).find((o) => (typeof key === 'number' ? o.element : o.shape)) ?? node;
  let node = unwrapped(scenarioSchema);
  for (const key of path) {
    node = pick(node, key);
    const next = typeof key === 'number' ? node.element : node.shape?.[key];
    if (!next) return [];
    node = unwrapped(next);
  }
  return Object.keys(pick(node).shape ?? {});
}

/** What the schema validator reports (the fields taosim reads). */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly errors?: readonly (readonly Issue[])[];
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly keys?: string[];
  readonly format?: string;
}

/**
 * Issues with each union (a miner group or a list of them; a duration as blocks or text) replaced by the issues of
 * the one option whose shape the value has, when only one has it: "count: expected a number" rather than "miners:
 * invalid input".
 */
function flatIssues(issues: readonly Issue[], prefix: readonly PropertyKey[] = [], data?: unknown): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors) {
      // An option does not fit a value of another type, nor a mapping or list when it is a literal (`issuance`).
      const value = valueAt(
        data,
        path.filter((k): k is string | number => typeof k !== 'symbol'),
      );
      const shaped = typeof value === 'object' && value !== null;
      const fitting = issue.errors.filter(
        (o) =>
          !o.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || (shaped && i.code === 'invalid_value'))),
      );
      // A literal that is not met (a text other than `issuance`) is reported with the union's other forms.
      const literalOnly = fitting[0]?.every((i) => i.path.length === 0 && i.code === 'invalid_value');
      if (fitting.length === 1 && !literalOnly) return flatIssues(fitting[0]!, path, data);
    }
    return [{ ...issue, path }];
  });
}

const TYPE_NOUNS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
  bigint: 'an integer',
};

const ISO_DATE = 'an ISO 8601 date and time like 2026-07-03T12:00:00Z';

/** What a union's options take, nested unions included: formats (in their own words) and types or literals. */
function unionOptions(issue: Issue): { forms: string[]; shapes: string[] } {
  const forms: string[] = [];
  const shapes: string[] = [];
  for (const option of issue.errors ?? []) {
    for (const i of option) {
      if (i.path.length > 0) continue;
      if (i.code === 'invalid_union') {
        const inner = unionOptions(i);
        forms.push(...inner.forms);
        shapes.push(...inner.shapes);
      } else if (i.code === 'invalid_format') forms.push(i.format === 'datetime' ? ISO_DATE : i.message);
      else if (i.code === 'invalid_value') shapes.push(...(i.values ?? []).map((v) => JSON.stringify(v)));
      else if (i.code === 'invalid_type') shapes.push(TYPE_NOUNS[i.expected ?? ''] ?? i.expected ?? '');
    }
  }
  return { forms, shapes };
}

/** The validator's message in the words of a scenario file ("expected an integer", "expected at least 1"). */
function plainMessage(issue: Issue): string {
  const bound = (v: number | bigint | undefined) => {
    const unit = issue.origin === 'array' ? 'entr' : issue.origin === 'string' ? 'character' : '';
    if (!unit) return String(v);
    return `${v} ${unit}${Number(v) === 1 ? (unit === 'entr' ? 'y' : '') : unit === 'entr' ? 'ies' : 's'}`;
  };
  switch (issue.code) {
    case 'invalid_union': {
      // No single option fits: say what each would take — its form (a format's own words) where the value has its
      // type, else the types and literals that would do.
      const { forms, shapes } = unionOptions(issue);
      const said = forms.length > 0 ? forms : shapes;
      return said.length > 0 ? `expected ${[...new Set(said)].join(' or ')}` : issue.message;
    }
    case 'invalid_format':
      return issue.format === 'datetime' ? `expected ${ISO_DATE}` : issue.message;
    case 'invalid_type':
      return issue.expected && TYPE_NOUNS[issue.expected] ? `expected ${TYPE_NOUNS[issue.expected]}` : issue.message;
    case 'invalid_value':
      return issue.values
        ? `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : issue.message;
    case 'too_small':
      return `expected ${issue.inclusive === false ? 'above' : 'at least'} ${bound(issue.minimum)}`;
    case 'too_big':
      return `expected ${issue.inclusive === false ? 'below' : 'at most'} ${bound(issue.maximum)}`;
    default:
      return issue.message;
  }
}

const valueAt = (data: unknown, path: Path): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined),
    data,
  );

/** The keys of a `--set` path: `subnets[0].miners.count` → ['subnets', 0, 'miners', 'count']. */
const setKeys = (path: string): (string | number)[] =>
  path
    .split(/\.|\[(\d+)\]/)
    .filter((k) => k !== undefined && k !== '')
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));

/** `--set a.b[0].c=value`: the value is read as YAML (numbers, booleans, strings, lists). */
export function applySet(target: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new ScenarioError('--set', [` expected path=value, got "${assignment}"`]);
  const keys = setKeys(assignment.slice(0, eq));
  const path = assignment.slice(0, eq);
  const refuse = (why: string): never => {
    throw new ScenarioError('--set', [` ${path}: ${why}`]);
  };
  // Walk the path: a key names a mapping's entry, an index a list's (an existing one, or the next one for a whole
  // new entry); missing mappings and lists on the way are made.
  let node: Record<string | number, unknown> = target;
  keys.forEach((k, i) => {
    const at = showPath(keys.slice(0, i));
    if (Array.isArray(node)) {
      if (typeof k !== 'number') refuse(`${at} is a list; name one of its entries, e.g. ${at}[0].${k}`);
      const n = node.length;
      if ((k as number) > n || ((k as number) === n && i < keys.length - 1))
        refuse(
          `${at} has ${n} entr${n === 1 ? 'y' : 'ies'}${n === 1 ? ` (${at}[0])` : n > 1 ? ` (${at}[0] to ${at}[${n - 1}])` : ''}, no ${at}[${k}]`,
        );
    } else if (typeof k === 'number') refuse(`${at} is not a list`);
    if (i === keys.length - 1) return;
    const next = node[k];
    if (next === undefined || next === null) node[k] = typeof keys[i + 1] === 'number' ? [] : {};
    else if (typeof next !== 'object')
      refuse(`${showPath(keys.slice(0, i + 1))} is a value (${JSON.stringify(next)}), not a mapping or a list`);
    node = node[k] as Record<string | number, unknown>;
  });
  let value: unknown;
  try {
    value = parseYaml(assignment.slice(eq + 1));
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new ScenarioError('--set', [
      ` ${path}: the value is not valid YAML (${why}), got "${assignment.slice(eq + 1)}"`,
    ]);
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * Read, override and validate a scenario: YAML syntax errors and schema violations come back together, each with
 * line and column, the field path, what was expected and, for an unknown key, the closest valid one.
 */
export function loadScenario(text: string, file: string, sets: readonly string[] = []): ScenarioFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return '';
    const { line, col } = lines.linePos(offset);
    return `${line}:${col}:`;
  };
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => `${at(e.pos[0])} YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const raw = doc.toJS() as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ScenarioError(file, ['1:1: expected a mapping of scenario keys']);
  for (const s of sets) applySet(raw as Record<string, unknown>, s);
  const setPaths = sets.map((s) => showPath(setKeys(s.slice(0, s.indexOf('=')))));
  const result = scenarioSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = flatIssues(result.error.issues as unknown as readonly Issue[], [], raw).flatMap((issue) => {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    const keys = issue.code === 'unrecognized_keys' ? (issue.keys ?? []) : [undefined];
    return keys.map((key) => {
      const full = key === undefined ? path : [...path, key];
      const node = doc.getIn(full, true) as { range?: [number, number, number] } | undefined;
      const parent = doc.getIn(path, true);
      const pair =
        key !== undefined && isMap(parent)
          ? parent.items.find((p) => (p.key as { value?: unknown })?.value === key)
          : undefined;
      const got = valueAt(raw, full);
      // A missing key has no node: point at the mapping that lacks it.
      const offset =
        (pair?.key as { range?: [number] } | undefined)?.range?.[0] ??
        node?.range?.[0] ??
        (got === undefined
          ? (doc.getIn(full.slice(0, -1), true) as { range?: [number] } | undefined)?.range?.[0]
          : undefined);
      const shown = got === undefined ? 'nothing' : JSON.stringify(got).slice(0, 60);
      const expected = (issue as { expected?: string }).expected;
      const what =
        key !== undefined
          ? unknownKeyMessage(key, knownKeysAt(path))
          : got === undefined
            ? `missing: a value is required${expected ? ` (${expected})` : ''}`
            : `${plainMessage(issue)}, got ${shown}`;
      // A value from an override is blamed on it, not on the file's line that it replaced.
      const field = showPath(full);
      const set = setPaths.find((p) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`));
      return set !== undefined ? ` ${field} (from the command line): ${what}` : `${at(offset)} ${field}: ${what}`;
    });
  });
  throw new ScenarioError(file, problems);
}
