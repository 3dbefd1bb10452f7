import { readFileSync } from "node:fs";
import path from "node:path";
import internals from "@prisma/internals";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RAW_STATEMENTS } from "@/lib/domain/raw-statements";

// The migrations are hand-applied (lib/db/migrator.ts), so nothing else notices when schema.prisma and
// prisma/migrations disagree. This compares the migrated database with the schema: tables, columns, types,
// nullability, defaults' presence, unique constraints, foreign keys and enums.

type DMMF = Awaited<ReturnType<typeof internals.getDMMF>>;
type Model = DMMF["datamodel"]["models"][number];

const SCALAR_UDT: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Float: "float8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Decimal: "numeric",
  Bytes: "bytea",
};

let dmmf: DMMF;
let client: pg.Client;
const tableName = (m: Model) => m.dbName ?? m.name;

beforeAll(async () => {
  const datamodel = readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");
  dmmf = await internals.getDMMF({ datamodel });
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client.end());

async function columnsOf(table: string) {
  const { rows } = await client.query<{ column_name: string; udt_name: string; is_nullable: string; column_default: string | null }>(
    `SELECT column_name, udt_name, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return new Map(rows.map((r) => [r.column_name, r]));
}

describe("migrated database matches prisma/schema.prisma", () => {
  it("has exactly the schema's tables", async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const actual = rows.map((r) => r.table_name).filter((t) => t !== "_prisma_migrations").sort();
    expect(actual).toEqual(dmmf.datamodel.models.map(tableName).sort());
  });

  it("has the schema's enums with the same values", async () => {
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
    expect(actual).toEqual(expected);
  });

  it("has every model's columns with their types, nullability and defaults", async () => {
    const enumNames = new Set(dmmf.datamodel.enums.map((e) => e.name));
    for (const model of dmmf.datamodel.models) {
      const columns = await columnsOf(tableName(model));
      const fields = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
      expect([...columns.keys()].sort(), `columns of ${model.name}`).toEqual(fields.map((f) => f.dbName ?? f.name).sort());
      for (const field of fields) {
        const column = columns.get(field.dbName ?? field.name)!;
        const base = enumNames.has(field.type) ? field.type : SCALAR_UDT[field.type];
        expect(column.udt_name, `${model.name}.${field.name} type`).toBe(field.isList ? `_${base}` : base);
        // Prisma leaves list columns nullable in SQL; everything else follows `?`.
        if (!field.isList) {
          expect(column.is_nullable, `${model.name}.${field.name} nullability`).toBe(field.isRequired ? "NO" : "YES");
        }
        // Defaults Prisma computes client-side (cuid, uuid, @updatedAt) have no SQL default.
        const dbDefault =
          field.hasDefaultValue &&
          !(typeof field.default === "object" && field.default !== null && "name" in field.default && ["cuid", "uuid"].includes(String(field.default.name)));
        expect(column.column_default !== null, `${model.name}.${field.name} default`).toBe(Boolean(dbDefault));
      }
    }
  });

  it("has the schema's unique constraints and primary keys", async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; primary: boolean }>(
      `SELECT t.relname AS table, ix.indisprimary AS primary,
              array_agg(a.attname ORDER BY array_position(ix.indkey, a.attnum))::text[] AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)
       WHERE n.nspname = 'public' AND ix.indisunique AND t.relname <> '_prisma_migrations'
       GROUP BY t.relname, i.relname, ix.indisprimary`,
    );
    const actual = rows.map((r) => `${r.table}(${r.columns.join(",")})${r.primary ? " pk" : ""}`).sort();
    const expected: string[] = [];
    for (const model of dmmf.datamodel.models) {
      const col = (name: string) => model.fields.find((f) => f.name === name)?.dbName ?? name;
      for (const field of model.fields) {
        if (field.isId) expected.push(`${tableName(model)}(${col(field.name)}) pk`);
        if (field.isUnique) expected.push(`${tableName(model)}(${col(field.name)})`);
      }
      if (model.primaryKey) expected.push(`${tableName(model)}(${model.primaryKey.fields.map(col).join(",")}) pk`);
      for (const unique of model.uniqueFields) expected.push(`${tableName(model)}(${unique.map(col).join(",")})`);
    }
    expect(actual).toEqual(expected.sort());
  });

  it("has the schema's foreign keys with their delete rules", async () => {
    const { rows } = await client.query<{ table: string; column: string; target: string; delete_rule: string }>(
      `SELECT kcu.table_name AS table, kcu.column_name AS column, ccu.table_name AS target, rc.delete_rule
       FROM information_schema.referential_constraints rc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.table_schema = 'public'
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name AND ccu.table_schema = 'public'`,
    );
    const actual = rows.map((r) => `${r.table}.${r.column} -> ${r.target} ${r.delete_rule}`).sort();
    const rule: Record<string, string> = { Cascade: "CASCADE", SetNull: "SET NULL", Restrict: "RESTRICT", NoAction: "NO ACTION", SetDefault: "SET DEFAULT" };
    const expected: string[] = [];
    for (const model of dmmf.datamodel.models) {
      for (const field of model.fields) {
        if (field.kind !== "object" || !field.relationFromFields?.length) continue;
        const target = dmmf.datamodel.models.find((m) => m.name === field.type)!;
        const onDelete = field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull");
        for (const from of field.relationFromFields) {
          expected.push(`${tableName(model)}.${from} -> ${tableName(target)} ${rule[onDelete]}`);
        }
      }
    }
    expect(actual).toEqual(expected.sort());
  });

  // Hot paths written in SQL (no Prisma model checks them): planning each against the migrated database fails
  // on any table, column, enum or type it names wrongly.
  it.each(RAW_STATEMENTS.map((s) => [s.name, s] as const))("plans the raw statement: %s", async (_name, statement) => {
    const sql = statement.sample();
    await expect(client.query(`EXPLAIN ${sql.text}`, sql.values as unknown[])).resolves.toBeDefined();
  });
});
