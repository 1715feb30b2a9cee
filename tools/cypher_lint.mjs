#!/usr/bin/env node
// Offline Cypher linter for coopgraph.
//
// stdin : JSON array  [{"name": str, "query": str}, ...]
// stdout: JSON array  [{"name": str, "diagnostics": [
//           {"severity": int, "message": str, "line": int, "character": int}]}]
//
// severity is the LSP DiagnosticSeverity (1 = error, 2 = warning,
// 3 = information, 4 = hint); line/character are 0-based start positions.
//
// The linter is given an empty schema, so unknown labels, relationship types,
// property keys, functions and procedures are NOT reported. Parameters are
// always checked by the library; every `$param` yields the error
// "Parameter $<name> is not defined.". Pass --ignore-undeclared-parameters to
// drop those diagnostics.
//
// Exit status: 0 when linting ran (whatever the diagnostics), 2 on bad input,
// 1 when the linter itself failed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Keep stdout for the JSON result only: route any library logging to stderr.
for (const level of ['log', 'info', 'debug', 'warn']) {
  console[level] = (...args) => console.error(...args);
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG_DIR = join(REPO_ROOT, 'node_modules', '@neo4j-cypher', 'language-support');

function fail(code, message) {
  process.stderr.write(`cypher_lint: ${message}\n`);
  process.exit(code);
}

async function loadLanguageSupport() {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  } catch (err) {
    fail(1, `cannot find @neo4j-cypher/language-support in ${PKG_DIR} (run "npm ci" in ${REPO_ROOT}): ${err.message}`);
  }
  const entry = pkg.exports?.['.']?.import ?? pkg.module ?? pkg.main;
  return import(pathToFileURL(join(PKG_DIR, entry)).href);
}

function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    fail(2, `cannot read stdin: ${err.message}`);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const ignoreParams = args.includes('--ignore-undeclared-parameters');
  const unknown = args.filter((a) => a !== '--ignore-undeclared-parameters');
  if (unknown.length) fail(2, `unknown arguments: ${unknown.join(' ')}`);

  let items;
  try {
    items = JSON.parse(readStdin());
  } catch (err) {
    fail(2, `stdin is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(items)) fail(2, 'stdin must be a JSON array');
  items.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || typeof item.query !== 'string') {
      fail(2, `item ${i} must be an object with a string "query"`);
    }
  });

  const { lintCypherQuery, isNotParamError } = await loadLanguageSupport();
  // Neutral schema: no labels/types/propertyKeys/functions/procedures given,
  // so the library skips those existence checks.
  const dbSchema = {};

  const results = items.map((item, i) => {
    let diagnostics;
    try {
      ({ diagnostics } = lintCypherQuery(item.query, dbSchema));
    } catch (err) {
      fail(1, `linter crashed on item ${i} (${item.name}): ${err.stack ?? err}`);
    }
    if (ignoreParams) diagnostics = diagnostics.filter(isNotParamError);
    return {
      name: item.name ?? String(i),
      diagnostics: diagnostics.map((d) => ({
        severity: d.severity,
        message: d.message,
        line: d.range.start.line,
        character: d.range.start.character,
      })),
    };
  });

  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((err) => fail(1, err.stack ?? String(err)));
