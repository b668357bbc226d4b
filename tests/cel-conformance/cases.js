// Prints, as JSON, the cel-spec conformance cases (from npm's @bufbuild/cel-spec) that Pilotdeck's
// policy conditions can meet: expressions over plain values — no protobuf message types, no
// containers — whose expected result is a plain value or an evaluation error. The .NET test
// CelConformanceTests runs each through the Cel package (ADR 0013).
"use strict";
const path = require("node:path");
// The package exports its data only as ES modules through "exports"; the CommonJS build is read by path.
const { tests } = require(path.join(__dirname, "..", "node_modules", "@bufbuild", "cel-spec", "dist", "cjs", "testdata", "conformance.js"));

const suites = new Set(process.argv.slice(2));
const scalarKinds = ["boolValue", "int64Value", "uint64Value", "doubleValue", "stringValue", "bytesValue", "nullValue"];
const isPlain = (v) => v !== undefined && (scalarKinds.some((k) => k in v) || ("listValue" in v && (v.listValue.values || []).every(isPlain)));

const cases = [];
function walk(suite, names) {
  for (const child of suite.suites || []) walk(child, names.concat(child.name));
  for (const test of suite.tests || []) {
    const original = test.original;
    if (!suites.has(names[0]) || original.container || original.expr.includes("TestAllTypes")) continue;
    const bindings = Object.entries(original.bindings || {});
    if (!bindings.every(([, b]) => isPlain(b.value))) continue;
    let expect;
    if (original.value) {
      if (!isPlain(original.value)) continue;
      expect = { value: original.value };
    } else if (original.evalError) {
      expect = { error: true };
    } else if (!original.anyEvalErrors && !original.unknown && !original.typedResult) {
      // No expectation given means the expression evaluates to true.
      expect = { value: { boolValue: true } };
    } else {
      continue;
    }
    cases.push({ id: names.join("/") + "/" + original.name, expr: original.expr, bindings: Object.fromEntries(bindings.map(([k, b]) => [k, b.value])), expect });
  }
}

for (const suite of tests.suites) walk(suite, [suite.name]);
process.stdout.write(JSON.stringify(cases));
