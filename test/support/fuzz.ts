import fc from 'fast-check';
import type { Db } from '../../server/db/index.js';

/** The subset of JSON Schema that `z.toJSONSchema` writes for the request schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  pattern?: string;
}

/** Sets a key as an own property, so `__proto__` is a key of the JSON sent, not a prototype. */
function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : withKey({}, 'a', value);
  return value;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Text no column can hold, text that is only just storable, and text far longer than any column. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\udbff\udbff',
    '',
    ' ',
    '\u202e\u200b',
    '%00',
    "'; drop table customers; --",
    '${7*7}{{7*7}}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '\\',
    'null',
    'NaN',
    '-Infinity',
    '1e400',
    '-1',
    '99999999999999999999999999.999',
    '0x10',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 256, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 60, max: 4000 }).map((n) => '🙂'.repeat(n)),
);

/** Dates outside any column's range, impossible calendar days and odd offsets. */
export const hostileDate = fc.constantFrom(
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '+010000-01-01T00:00:00.000Z',
  '2026-02-30T00:00:00.000Z',
  '2026-13-01T00:00:00Z',
  '1970-01-01T00:00:00+23:59',
  '2026-12-04',
  'yesterday',
);

/** Numbers past every integer and numeric column, negative where only positive makes sense. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    2 ** 53 + 2,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 63,
    1e21,
    -1,
    0,
    -0,
    5e-324,
    0.1 + 0.2,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** A value of the wrong type, or wrongly shaped: null, booleans, arrays, objects, deep nesting. */
export const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, [], {}, [null], { '': '' }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.tuple(fc.integer({ min: 20, max: 2000 }), fc.boolean()).map(([depth, asArray]) => nested(depth, 'deep', asArray)),
);

/** Any hostile leaf. */
export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileDate, hostileNumber, wrongType);

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) {
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern));
      const max = schema.maxLength;
      return max === undefined ? matching : matching.filter((s) => s.length <= max);
    } catch {
      // a pattern fast-check cannot generate from: fall back to plain text
    }
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 60) });
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e6;
  if (integer) {
    return fc.oneof(
      fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) }),
      fc.constantFrom(min, max).filter(Number.isSafeInteger),
    );
  }
  return fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max));
}

function objectOf(schema: JsonSchema, hostility: number, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const parts = Object.entries(properties).map(([key, sub]) =>
    fc.tuple(
      fc.constant(key),
      required.has(key) ? fc.constant(true) : fc.boolean(),
      valueOf(sub, hostility, depth + 1),
    ),
  );
  const extraValue =
    typeof schema.additionalProperties === 'object'
      ? valueOf(schema.additionalProperties, hostility, depth + 1)
      : hostileLeaf;
  const extraKey = schema.propertyNames ? stringOf(schema.propertyNames) : fc.string({ maxLength: 12 });
  const extras = fc.array(
    fc.tuple(
      fc.oneof({ weight: 3, arbitrary: extraKey }, { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS) }),
      extraValue,
    ),
    { maxLength: schema.additionalProperties === false ? 1 : 4 },
  );
  return fc.tuple(fc.tuple(...parts), extras).map(([fields, more]) => {
    const out: Record<string, unknown> = {};
    for (const [key, present, value] of fields) if (present) withKey(out, key, value);
    // Beside declared fields, an undeclared or prototype-polluting key now and then.
    for (const [key, value] of more) if (!(key in properties)) withKey(out, key, value);
    return out;
  });
}

/**
 * A value shaped like `schema` whose leaves are hostile with probability `hostility`
 * (0: schema-shaped only, 1: every leaf hostile).
 */
export function valueOf(schema: JsonSchema, hostility = 0.25, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedValue(schema, hostility, depth);
  if (hostility <= 0) return shaped;
  const weight = Math.round(hostility * 100);
  return fc.oneof({ weight: 100 - weight, arbitrary: shaped }, { weight, arbitrary: hostileLeaf });
}

function shapedValue(schema: JsonSchema, hostility: number, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((s) => valueOf(s, hostility, depth)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => shapedValue({ ...schema, type }, hostility, depth)));
  switch (types[0]) {
    case 'object':
      return objectOf(schema, hostility, depth);
    case 'array':
      return fc.array(schema.items ? valueOf(schema.items, hostility, depth + 1) : hostileLeaf, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 6),
      });
    case 'string':
      return stringOf(schema);
    case 'integer':
      return numberOf(schema, true);
    case 'number':
      return numberOf(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * A request body for a schema: mostly schema-shaped with hostile leaves, sometimes wholly hostile
 * (a wrong top-level type, deep nesting, prototype keys).
 */
export function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (!schema) return fc.oneof(fc.constant(undefined), fc.constant({}), hostileLeaf);
  return fc.oneof(
    { weight: 6, arbitrary: valueOf(schema, 0.2) },
    { weight: 2, arbitrary: valueOf(schema, 0) },
    { weight: 1, arbitrary: hostileLeaf },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }), valueOf(schema, 0))
        .map(([key, polluted, base]) =>
          base && typeof base === 'object' && !Array.isArray(base)
            ? withKey({ ...base }, key, { polluted })
            : withKey({}, key, { polluted }),
        ),
    },
  );
}

/** Percent-encodes text for a URL; text `encodeURIComponent` refuses (a lone surrogate) goes as invalid UTF-8. */
export function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text]
      .map((c) => {
        try {
          return encodeURIComponent(c);
        } catch {
          return '%ED%A0%80';
        }
      })
      .join('');
  }
}

/** Path segments that are not UUIDs: odd lengths, malformed escapes, traversal, control bytes. */
export const hostileSegment = fc.oneof(
  fc.constantFrom('%', '%E0%A4%A', '%00', '%ED%A0%80', '..', '%2e%2e', 'a%2Fb', '-1', '0', '1e400', '9'.repeat(40)),
  fc.integer({ min: 40, max: 6000 }).map((n) => 'x'.repeat(n)),
  hostileString.filter((s) => s.length < 2000).map(encode),
);

/** A query string: the declared parameters (shaped or hostile), repeated names and undeclared ones. */
export function queryFor(params: { name: string; schema: JsonSchema }[]): fc.Arbitrary<string> {
  const pair = fc.oneof(
    ...params.map((p) => fc.tuple(fc.constant(p.name), valueOf(p.schema, 0.4))),
    fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS)), hostileLeaf),
  );
  return fc
    .array(pair, { maxLength: 4 })
    .map((pairs) =>
      pairs
        .map(
          ([name, value]) =>
            `${encode(name)}=${encode(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))}`,
        )
        .join('&'),
    );
}

/** The fingerprint statement's column with PostgreSQL's snapshot (not part of the fingerprint). */
const SNAPSHOT = '__snapshot';

/**
 * A cheap fingerprint of the database, in one statement: the row count of every table but
 * `excluded`, and for each table of `hashed` its count and an order-independent sum of its rows'
 * md5s (no sort), leaving out the columns listed for it — large values that another column
 * already stands for (an instance's engine state changes only with its `revision`).
 *
 * The statement also reads PostgreSQL's snapshot (`xmin:xmax:in-progress`). While it reads the
 * same, no transaction has committed since, so nothing can have changed and the last fingerprint
 * is still the database's: a commit either moves `xmax` or leaves the in-progress list. Most
 * fuzzed requests are refused and write nothing; the full statement took 12–21 ms each and two
 * thirds of the fuzz test's time.
 */
export async function fingerprinter(
  db: Db,
  excluded: string[],
  hashed: Record<string, string[]>,
): Promise<() => Promise<Record<string, string>>> {
  const rows = (
    await db.raw<{ rows: { table_name: string; column_name: string }[] }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`,
    )
  ).rows;
  const columnsOf = new Map<string, string[]>();
  for (const row of rows) columnsOf.set(row.table_name, [...(columnsOf.get(row.table_name) ?? []), row.column_name]);
  const counted = [...columnsOf.keys()].filter((name) => !excluded.includes(name) && !(name in hashed));
  const summed = Object.entries(hashed).map(([name, left]) => {
    const columns = (columnsOf.get(name) ?? []).filter((c) => !left.includes(c)).map((c) => `x."${c}"`);
    const rowHash = `('x' || substr(md5(ROW(${columns.join(', ')})::text), 1, 15))::bit(60)::bigint`;
    return `(SELECT count(*) || ':' || coalesce(sum(${rowHash}), 0) FROM "${name}" x) AS "${name}"`;
  });
  const sql = `SELECT pg_current_snapshot()::text AS "${SNAPSHOT}", ${[...counted.map((name) => `(SELECT count(*) FROM "${name}")::text AS "${name}"`), ...summed].join(', ')}`;
  let last: { snapshot: string; fingerprint: Record<string, string> } | null = null;
  return async () => {
    if (last) {
      const now = await db.raw<{ rows: { snapshot: string }[] }>('SELECT pg_current_snapshot()::text AS snapshot');
      if (now.rows[0]?.snapshot === last.snapshot) return last.fingerprint;
    }
    const result = await db.raw<{ rows: Record<string, string>[] }>(sql);
    const { [SNAPSHOT]: snapshot, ...fingerprint } = result.rows[0] ?? {};
    last = { snapshot: snapshot ?? '', fingerprint };
    return fingerprint;
  };
}

/** The keys whose values differ between two fingerprints. */
export function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((key) => before[key] !== after[key]);
}
