/** Minimal `--name value` / `--name=value` / `--flag` parser shared by the bench CLIs. */
export type Args = Map<string, string | true>;

export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): Args {
  const args: Args = new Map();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--')) throw new Error(`unexpected argument "${token}"`);
    const eq = token.indexOf('=');
    if (eq > 0) {
      args.set(token.slice(2, eq), token.slice(eq + 1));
      continue;
    }
    const name = token.slice(2);
    const next = argv[i + 1];
    if (booleanFlags.includes(name) || next === undefined || next.startsWith('--')) {
      args.set(name, true);
    } else {
      args.set(name, next);
      i++;
    }
  }
  return args;
}

export function intArg(args: Args, name: string, fallback: number, min = 0): number {
  const raw = args.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value < min) {
    throw new Error(`--${name}: expected an integer ≥ ${min}, got "${String(raw)}"`);
  }
  return value;
}

export function stringArg(args: Args, name: string): string | undefined {
  const raw = args.get(name);
  if (raw === true) throw new Error(`--${name}: expected a value`);
  return raw;
}

/** Rejects typos: every flag given must be one the command knows. */
export function assertKnown(args: Args, known: readonly string[]): void {
  const unknown = [...args.keys()].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown option(s): ${unknown.map((n) => `--${n}`).join(', ')}`);
  }
}
