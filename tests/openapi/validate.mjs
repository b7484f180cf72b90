// tests/openapi/validate.mjs: validates OpenAPI documents (JSON files) with @seriousme/openapi-schema-validator
// (the OpenAPI 3.1 JSON Schema), plus what that schema cannot say: every $ref resolves, operationIds are unique,
// every {param} of a path is declared as a required path parameter of each of its operations.
//   node tests/openapi/validate.mjs doc.json [more.json ...]     exit 0 when all are valid, 1 otherwise
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

function refsOf(value, out = []) {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsOf(v, out);
    }
  return out;
}

function resolve(doc, ref) {
  if (!ref.startsWith("#/")) return undefined;
  let node = doc;
  for (const part of ref.slice(2).split("/")) {
    node = node?.[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    if (node === undefined) return undefined;
  }
  return node;
}

/// The checks the JSON Schema of OpenAPI does not make; a list of problems.
function extraChecks(doc) {
  const problems = [];
  for (const ref of refsOf(doc)) if (resolve(doc, ref) === undefined) problems.push(`$ref ${ref} does not resolve`);
  const ids = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      if (ids.has(op.operationId)) problems.push(`operationId ${op.operationId} is used twice`);
      ids.set(op.operationId, `${method} ${path}`);
      for (const name of names) {
        const p = (op.parameters ?? []).find((x) => x.in === "path" && x.name === name);
        if (!p || p.required !== true) problems.push(`${method.toUpperCase()} ${path}: no required path parameter ${name}`);
      }
    }
  }
  return problems;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const validator = new Validator();
  const result = await validator.validate(doc);
  const problems = result.valid ? extraChecks(doc) : [];
  if (result.valid && problems.length === 0) {
    const operations = Object.values(doc.paths ?? {}).reduce((n, item) => n + Object.keys(item).length, 0);
    console.log(`validate: ${file}: valid OpenAPI ${validator.version} (${operations} operations, ` +
                `${Object.keys(doc.components?.schemas ?? {}).length} schemas)`);
  } else {
    failed += 1;
    console.log(`validate: ${file}: INVALID`);
    const errors = typeof result.errors === "string" ? [result.errors] : result.errors ?? [];
    for (const e of errors) console.log("  " + (typeof e === "string" ? e : JSON.stringify(e)));
    for (const p of problems) console.log("  " + p);
  }
}
process.exit(failed ? 1 : 0);
