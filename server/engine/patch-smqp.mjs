// Run by `postinstall`: makes smqp's ids cheap in every copy npm installed (bpmn-engine's and
// bpmn-elements' own). Plain JavaScript with no dependencies, so that it runs before anything is
// built and on an install without devDependencies.
//
// Why: smqp names every message it creates with `Math.random().toString(16)`, and a step of an
// engine creates hundreds of messages; turning a random fraction into hex text took ~0.3 of a
// step's ~1.6 ms (profiled on the bench's two-task process). The patched ids are a random prefix
// drawn once per process followed by a counter: unique within the process as before, and a
// recovered engine's ids, made by another process under another prefix, do not collide with new
// ones. Nothing in smqp or bpmn-elements reads an id's form; they are names only.
//
// `node server/engine/patch-smqp.mjs` patches; `--check` only reports, and exits 1 when a copy is
// unpatched.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const ORIGINAL = `export function generateId() {
  return Math.random().toString(16).substring(2, 12);
}`;
const ORIGINAL_CJS = ORIGINAL.replace('export function', 'function');
const MARK = '/* ids: a per-process prefix and a counter */';
const PATCHED = `${MARK}
let idCount = 0;
const idPrefix = Math.random().toString(16).substring(2, 10);
export function generateId() {
  return idPrefix + (++idCount).toString(36);
}`;
const PATCHED_CJS = PATCHED.replace('export function', 'function');

/** Every installed smqp: the top-level one and any nested under another package. */
export function smqpCopies(root) {
  const modules = join(root, 'node_modules');
  const found = [];
  const consider = (dir) => {
    if (existsSync(join(dir, 'smqp', 'package.json'))) found.push(join(dir, 'smqp'));
  };
  if (!existsSync(modules)) return found;
  consider(modules);
  for (const entry of readdirSync(modules)) {
    const scoped = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((e) => join(entry, e)) : [entry];
    for (const name of scoped) {
      const nested = join(modules, name, 'node_modules');
      if (existsSync(nested)) consider(nested);
    }
  }
  return found;
}

/** The files of one copy that define generateId, with the text they should have. */
function targets(copy) {
  return [
    { file: join(copy, 'src', 'shared.js'), from: ORIGINAL, to: PATCHED },
    // The CommonJS builds: one file in smqp 15, one file per module in smqp 11.
    { file: join(copy, 'dist', 'index.cjs'), from: ORIGINAL_CJS, to: PATCHED_CJS },
    { file: join(copy, 'dist', 'shared.js'), from: ORIGINAL_CJS, to: PATCHED_CJS },
  ].filter((t) => existsSync(t.file));
}

/** Patches (or with `check`, only inspects) every copy; returns what it found per file. */
export function patchSmqp(root, check = false) {
  const report = [];
  for (const copy of smqpCopies(root)) {
    for (const { file, from, to } of targets(copy)) {
      const text = readFileSync(file, 'utf8');
      if (text.includes(MARK)) report.push({ file, state: 'patched' });
      else if (!text.includes(from)) report.push({ file, state: 'unknown' });
      else if (check) report.push({ file, state: 'unpatched' });
      else {
        writeFileSync(file, text.replace(from, to));
        report.push({ file, state: 'patched now' });
      }
    }
  }
  return report;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const check = process.argv.includes('--check');
  const report = patchSmqp(root, check);
  for (const { file, state } of report) {
    // Another smqp version with another generateId still works, only slower: say so, don't fail the install.
    if (state === 'unknown')
      process.stderr.write(`patch-smqp: ${file} has no generateId this patch knows; left as it is\n`);
    else if (state === 'patched now') process.stdout.write(`patch-smqp: ${file}\n`);
  }
  if (check && report.some((r) => r.state !== 'patched')) process.exit(1);
}
