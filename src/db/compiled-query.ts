import type { CompiledQuery, Compilable, QueryResult } from 'kysely';
import { dialectOf } from './dialect.js';
import type { Executor } from './transaction.js';

/** Where one argument (or one item of an array argument) goes in the compiled parameters. */
class Slot {
  constructor(
    readonly arg: number,
    readonly item: number | null,
  ) {}
}

interface Template {
  compiled: CompiledQuery;
  /** Per parameter: the slot to fill from the arguments, or the constant the builder bound. */
  parameters: readonly (Slot | { value: unknown })[];
}

/** Distinct shapes kept per query (IN lists of 1 … 50 ids); past that, queries are built normally. */
const MAX_SHAPES = 64;

export type QueryArg = number | string | null | readonly (number | string)[];

/**
 * With COMPILED_QUERY_CHECK=1 (the test helpers set it when loaded; it is read at the first
 * compiled call), every call also builds the query from its real arguments and throws unless
 * the SQL and parameters are exactly the template's: a template that branches on an argument's
 * value fails whichever test reaches that branch.
 */
let checking: boolean | undefined;
// Read once: a process.env lookup was ~1 % of a simple request's CPU in the bench profile.
const checkEveryCall = () => (checking ??= process.env.COMPILED_QUERY_CHECK === '1');

function checkAgainstBuilt(built: CompiledQuery, filled: CompiledQuery): void {
  const same =
    built.sql === filled.sql &&
    JSON.stringify(built.parameters) === JSON.stringify(filled.parameters);
  if (!same) {
    throw new Error(
      `compiledQuery: the template differs from the query its arguments build ` +
        `(a builder that branches on a value?):\n  template: ${filled.sql} ` +
        `${JSON.stringify(filled.parameters)}\n  built:    ${built.sql} ${JSON.stringify(built.parameters)}`,
    );
  }
}

/**
 * Builds and compiles a hot, fixed-shape query once instead of on every call: Kysely's
 * immutable builders and compiler were ~40 % of the CPU of a simple request in the benchmark's
 * profile (docs/BENCHMARKS.md). `build` is run once per shape (dialect, which arguments are
 * null, the length of each array argument) with marker objects in place of the arguments;
 * compiling puts the markers among the parameters, which says where each argument goes, and
 * later calls only fill the parameters in. So `build` must use its arguments as bound values
 * only (no arithmetic, no branching on their values other than null, no `sql.raw`): normalise
 * them before the call. A marker that does not reach the parameters is an error at first use.
 */
export function compiledQuery<A extends readonly QueryArg[], R>(
  build: (db: Executor, ...args: A) => Compilable<R>,
): (db: Executor, ...args: A) => Promise<R[]> {
  const run = compiledStatement(build);
  return async (db, ...args) => (await run(db, ...args)).rows;
}

/** `compiledQuery` for writes: the whole result (insertId, numAffectedRows) instead of rows. */
export function compiledStatement<A extends readonly QueryArg[], R>(
  build: (db: Executor, ...args: A) => Compilable<R>,
): (db: Executor, ...args: A) => Promise<QueryResult<R>> {
  const templates = new Map<string, Template>();
  return async (db, ...args) => {
    const key = `${dialectOf(db)}|${args.map(shapeOf).join(',')}`;
    let template = templates.get(key);
    if (!template) {
      if (templates.size >= MAX_SHAPES) return db.executeQuery(build(db, ...args));
      template = compileTemplate(db, build, args);
      templates.set(key, template);
    }
    const parameters = template.parameters.map((p) =>
      p instanceof Slot ? valueOf(args, p) : p.value,
    );
    const query = { ...template.compiled, parameters };
    if (checkEveryCall()) checkAgainstBuilt(build(db, ...args).compile(), query);
    return db.executeQuery<R>(query);
  };
}

const shapeOf = (arg: QueryArg) =>
  arg === null ? 'n' : Array.isArray(arg) ? `[${arg.length}]` : typeof arg === 'string' ? 's' : 'i';

function valueOf(args: readonly QueryArg[], slot: Slot): unknown {
  const arg = args[slot.arg];
  return slot.item === null ? arg : (arg as readonly unknown[])[slot.item];
}

function compileTemplate<A extends readonly QueryArg[], R>(
  db: Executor,
  build: (db: Executor, ...args: A) => Compilable<R>,
  args: A,
): Template {
  const markers = args.map((arg, i) =>
    arg === null
      ? null
      : Array.isArray(arg)
        ? arg.map((_, j) => new Slot(i, j))
        : new Slot(i, null),
  );
  const compiled = build(db, ...(markers as unknown as A)).compile();
  const used = new Set<Slot>();
  const parameters = compiled.parameters.map((value) => {
    if (!(value instanceof Slot)) return { value };
    used.add(value);
    return value;
  });
  const all = markers.flat().filter((m): m is Slot => m !== null);
  if (all.some((slot) => !used.has(slot))) {
    throw new Error(`compiledQuery: an argument is not a bound parameter in: ${compiled.sql}`);
  }
  return { compiled, parameters };
}
