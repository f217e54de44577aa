// Stands in for two drizzle-orm Postgres modules in the bundle (wrangler.toml [alias]): its shared
// SQL builder asks whether a value is a Postgres enum (`../pg-core/columns/enum.js`) and its
// relations helper whether one is a Postgres primary key (`./pg-core/primary-keys.js`), which pulls
// in every Postgres column type (~6 KB). Neither is ever true on SQLite: the same answers, minus pg-core.
const isPgEnumSym = Symbol.for('drizzle:isPgEnum');
const entityKind: unique symbol = Symbol.for('drizzle:entityKind') as never;

export function isPgEnum(obj: unknown): boolean {
  return (
    !!obj && typeof obj === 'function' && isPgEnumSym in obj && (obj as Record<symbol, unknown>)[isPgEnumSym] === true
  );
}

// biome-ignore lint/complexity/noStaticOnlyClass: stands in for drizzle's class, which is checked by its entityKind
export class PrimaryKeyBuilder {
  static readonly [entityKind] = 'PgPrimaryKeyBuilder';
}
