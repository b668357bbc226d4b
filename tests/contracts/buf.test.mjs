// Contract checks with buf, run by node's test runner: lint (STANDARD, no exceptions) and
// breaking-change detection (FILE) against the previous commit's contracts when there is one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const buf = path.join(repoRoot, 'tests', 'node_modules', '.bin', 'buf');

const runBuf = (args, cwd = repoRoot) => spawnSync(buf, args, { cwd, encoding: 'utf8' });

test('buf lint passes on protos/', () => {
  const result = runBuf(['lint']);
  assert.equal(result.status, 0, `buf lint failed:\n${result.stdout}${result.stderr}`);
});

test('buf lint rejects a contract that breaks STANDARD rules', () => {
  // Proves the lint step can fail: an RPC reusing one message as request and response is reported.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilotdeck-buf-'));
  try {
    fs.mkdirSync(path.join(dir, 'protos', 'bad', 'v1'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'buf.yaml'), path.join(dir, 'buf.yaml'));
    fs.writeFileSync(path.join(dir, 'protos', 'bad', 'v1', 'bad.proto'),
      'syntax = "proto3";\npackage bad.v1;\nmessage Thing {}\nservice BadService {\n  rpc Get(Thing) returns (Thing);\n}\n');
    const result = runBuf(['lint'], dir);
    assert.notEqual(result.status, 0, 'buf lint accepted a shared request/response message');
    assert.match(result.stdout + result.stderr, /should be named "GetRequest"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('buf breaking finds no breaking change against the previous commit', (t) => {
  const previous = spawnSync('git', ['cat-file', '-e', 'HEAD~1:protos'], { cwd: repoRoot });
  if (previous.status !== 0) {
    // The first commit with contracts has nothing to compare against; say so instead of pretending.
    t.diagnostic('no previous commit with protos/: nothing to compare against');
    return;
  }
  const result = runBuf(['breaking', '--against', '.git#ref=HEAD~1']);
  assert.equal(result.status, 0, `buf breaking failed:\n${result.stdout}${result.stderr}`);
});
