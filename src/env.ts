import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Static, TObject, TSchema } from 'typebox';
import { Value } from 'typebox/value';

export type Env = Record<string, string | undefined>;

/** `AUTH_RATE_LIMIT_PER_MIN` → `authRateLimitPerMin`: a setting is named in code after its variable. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<S>;

export const camelCase = (name: string) =>
  name.toLowerCase().replace(/_([a-z0-9])/g, (_, first: string) => first.toUpperCase());

/** The values of an environment schema, under their camelCase names. */
export type Settings<T extends TObject> = {
  [K in keyof Static<T> as CamelCase<K & string>]: Static<T>[K];
};

/**
 * Options a variable's schema may carry besides JSON Schema: `expected` describes a valid value
 * in error messages (integers, booleans and enums describe themselves); `secret` keeps the
 * value out of them.
 */
export interface VariableOptions {
  expected?: string;
  secret?: boolean;
}

/**
 * Reads the variables a schema declares. Blank counts as unset; integers and booleans are
 * converted from their text (strictly: "3.5" is not an integer); unset variables take the
 * schema's default. Every invalid variable yields one problem naming it, and falls back to its
 * default so the others are still read.
 */
export function readEnv<T extends TObject>(
  schema: T,
  env: Env,
): { settings: Settings<T>; problems: string[] } {
  const given: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(schema.properties)) {
    const text = env[name]?.trim();
    if (!text) continue;
    given[name] = text;
    values[name] = fromText(variable, text);
  }
  const invalid = new Set(
    [...Value.Errors(schema, Value.Default(schema, { ...values }))].map(
      (error) => error.instancePath.split('/')[1]!,
    ),
  );
  const problems = [...invalid].map((name) => {
    const variable = schema.properties[name] as TSchema & VariableOptions;
    const got = variable.secret ? '' : `, got "${redactPassword(given[name] ?? '')}"`;
    return `${name}: expected ${expectation(variable)}${got}`;
  });
  for (const name of invalid) delete values[name];
  const withDefaults = Value.Default(schema, values) as Record<string, unknown>;
  // Every variable is a key, unset ones too: the settings object has one shape.
  const settings: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties)) settings[camelCase(name)] = withDefaults[name];
  return { settings: settings as Settings<T>, problems };
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function fromText(variable: TSchema, text: string): unknown {
  const { type } = variable as { type?: string };
  if (type === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  if (type === 'boolean') {
    const lower = text.toLowerCase();
    return TRUE.includes(lower) ? true : FALSE.includes(lower) ? false : text;
  }
  return text;
}

function expectation(variable: TSchema & VariableOptions): string {
  const schema = variable as {
    type?: string;
    enum?: string[];
    minimum?: number;
    maximum?: number;
  };
  if (variable.expected) return variable.expected;
  if (schema.enum) return `${schema.enum.slice(0, -1).join(', ')} or ${schema.enum.at(-1)}`;
  if (schema.type === 'boolean') return `one of ${[...TRUE, ...FALSE].join('/')}`;
  if (schema.type === 'integer') {
    return schema.maximum === undefined
      ? `an integer of at least ${schema.minimum ?? 0}`
      : `an integer from ${schema.minimum ?? 0} to ${schema.maximum}`;
  }
  return 'a valid value';
}

/** `mysql://app:hunter2@db/x` → `mysql://app:***@db/x`, for messages and logs. */
export const redactPassword = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/**
 * Loads `.env` from the working directory into process.env when the file exists. Variables
 * already set in the real environment win over the file. For process entry points only:
 * loadConfig itself reads just the object it is given.
 */
export function loadEnvFile(file = path.resolve('.env')): boolean {
  if (!existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}
