// Contract checks with buf, run by node's test runner: lint (STANDARD, no exceptions) and
// breaking-change detection (FILE) against the previous commit's contracts when there is one.
// Our protos import google/api/annotations.proto for their HTTP bindings. That file ships in the
// Google.Api.CommonProtos NuGet package (which the build restores); we do not commit copies, so
// each check assembles a throwaway buf workspace: our protos/ beside the package's protos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const buf = path.join(repoRoot, 'tests', 'node_modules', '.bin', 'buf');

const runBuf = (args, cwd) => spawnSync(buf, args, { cwd, encoding: 'utf8' });

/** content/protos of the Google.Api.CommonProtos version pinned in Directory.Packages.props. */
function commonProtosDir() {
  const props = fs.readFileSync(path.join(repoRoot, 'Directory.Packages.props'), 'utf8');
  const version = props.match(/Include="Google\.Api\.CommonProtos" Version="([^"]+)"/)[1];
  const packages = process.env.NUGET_PACKAGES || path.join(os.homedir(), '.nuget', 'packages');
  const dir = path.join(packages, 'google.api.commonprotos', version, 'content', 'protos');
  assert.ok(fs.existsSync(dir), `${dir} is missing: restore the solution first (./test.sh builds it)`);
  return dir;
}

/** A workspace with `protos` (ours, linted) and `googleapis` (imports only), from protosDir. */
function workspace(protosDir) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilotdeck-buf-'));
  fs.cpSync(protosDir, path.join(dir, 'protos'), { recursive: true });
  for (const file of ['annotations.proto', 'http.proto']) {
    fs.mkdirSync(path.join(dir, 'googleapis', 'google', 'api'), { recursive: true });
    fs.copyFileSync(path.join(commonProtosDir(), 'google', 'api', file), path.join(dir, 'googleapis', 'google', 'api', file));
  }
  fs.writeFileSync(path.join(dir, 'buf.yaml'),
    'version: v2\nmodules:\n  - path: protos\n  - path: googleapis\nlint:\n  use:\n    - STANDARD\nbreaking:\n  use:\n    - FILE\n');
  return dir;
}

test('buf lint passes on protos/', () => {
  const dir = workspace(path.join(repoRoot, 'protos'));
  try {
    const result = runBuf(['lint', 'protos'], dir);
    assert.equal(result.status, 0, `buf lint failed:\n${result.stdout}${result.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('buf lint rejects a contract that breaks STANDARD rules', () => {
  // Proves the lint step can fail: an RPC reusing one message as request and response is reported.
  const dir = workspace(path.join(repoRoot, 'protos'));
  try {
    fs.mkdirSync(path.join(dir, 'protos', 'bad', 'v1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'protos', 'bad', 'v1', 'bad.proto'),
      'syntax = "proto3";\npackage bad.v1;\nmessage Thing {}\nservice BadService {\n  rpc Get(Thing) returns (Thing);\n}\n');
    const result = runBuf(['lint', 'protos'], dir);
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
  const old = fs.mkdtempSync(path.join(os.tmpdir(), 'pilotdeck-buf-old-'));
  const current = workspace(path.join(repoRoot, 'protos'));
  let against;
  try {
    const archive = spawnSync('sh', ['-c', `git archive HEAD~1 protos | tar -x -C '${old}'`], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(archive.status, 0, archive.stderr);
    against = workspace(path.join(old, 'protos'));
    const result = runBuf(['breaking', '--against', against], current);
    assert.equal(result.status, 0, `buf breaking failed:\n${result.stdout}${result.stderr}`);
  } finally {
    for (const dir of [old, current, against].filter(Boolean)) fs.rmSync(dir, { recursive: true, force: true });
  }
});
