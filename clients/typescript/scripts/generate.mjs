// Regenerates src/gen from the repository's protos/ with `buf generate` and the protoc-gen-es
// plugin from node_modules: nothing is fetched from a registry. The googleapis protos our contracts
// import (google/api) and the error model (google/rpc) come from the Google.Api.CommonProtos NuGet
// package the .NET build restores, so the repository carries no copy of them.
//
//   node scripts/generate.mjs           rewrite src/gen
//   node scripts/generate.mjs --check   exit 1 when src/gen differs from what the protos generate
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '..', '..');
const genDir = join(packageDir, 'src', 'gen');
const check = process.argv.includes('--check');
const BUF = join(packageDir, 'node_modules', '.bin', 'buf');
const GOOGLE_FILES = ['google/api/annotations.proto', 'google/api/http.proto', 'google/rpc/status.proto', 'google/rpc/error_details.proto'];

const workspace = mkdtempSync(join(tmpdir(), 'pilotdeck-ts-gen-'));
try {
  // buf wants every import inside one workspace; symlinks join the two trees without copying them.
  symlinkSync(join(repoRoot, 'protos'), join(workspace, 'protos'));
  symlinkSync(googleApisProtos(), join(workspace, 'googleapis'));
  writeFileSync(join(workspace, 'buf.yaml'), 'version: v2\nmodules:\n  - path: protos\n  - path: googleapis\n');
  const out = join(workspace, 'out');
  // Our contracts, with their comments as the SDK's documentation.
  generate(workspace, out, `  - directory: ${workspace}\n    paths: [protos/pilotdeck]`);
  // The googleapis files they import (google/api) and the error model decodeError reads
  // (google/rpc), from an image without source info: the generated code keeps their types and
  // descriptors but none of Google's comments, so the repository carries none of their prose.
  const googleImage = join(workspace, 'google.binpb');
  execFileSync(BUF, ['build', workspace, '--exclude-source-info', '-o', googleImage,
    ...GOOGLE_FILES.flatMap(f => ['--path', `googleapis/${f}`])], { cwd: workspace, stdio: 'inherit' });
  generate(workspace, out, `  - binary_image: ${googleImage}`);

  if (check) {
    const stale = differences(out, genDir);
    if (stale.length > 0) {
      console.error(`src/gen is stale; run npm run generate. Differs: ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('src/gen matches protos/');
  } else {
    rmSync(genDir, { recursive: true, force: true });
    cpSync(out, genDir, { recursive: true });
    console.log(`generated ${relative(repoRoot, genDir)}`);
  }
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

/** Runs protoc-gen-es over one buf input into `out`. */
function generate(workspace, out, input) {
  writeFileSync(join(workspace, 'buf.gen.yaml'), [
    'version: v2',
    'plugins:',
    `  - local: ${join(packageDir, 'node_modules', '.bin', 'protoc-gen-es')}`,
    `    out: ${out}`,
    '    opt: [target=ts, import_extension=js]',
    'inputs:',
    input,
    '',
  ].join('\n'));
  execFileSync(BUF, ['generate'], { cwd: workspace, stdio: 'inherit' });
}

/** The package's content/protos folder, at the version Directory.Packages.props pins (as the partner peers find it). */
function googleApisProtos() {
  if (process.env.PILOTDECK_GOOGLEAPIS_PROTOS) return process.env.PILOTDECK_GOOGLEAPIS_PROTOS;
  const props = readFileSync(join(repoRoot, 'Directory.Packages.props'), 'utf8');
  const version = /Include="Google\.Api\.CommonProtos" Version="([^"]+)"/.exec(props)?.[1];
  const packages = process.env.NUGET_PACKAGES ?? join(homedir(), '.nuget', 'packages');
  const dir = join(packages, 'google.api.commonprotos', version ?? '?', 'content', 'protos');
  if (!existsSync(dir)) {
    console.error(`${dir} is missing: restore the .NET solution first (dotnet restore) or set PILOTDECK_GOOGLEAPIS_PROTOS`);
    process.exit(2);
  }
  return dir;
}

function differences(a, b) {
  const files = new Set([...list(a), ...list(b)]);
  return [...files].filter(f => !existsSync(join(a, f)) || !existsSync(join(b, f))
    || readFileSync(join(a, f), 'utf8') !== readFileSync(join(b, f), 'utf8'));
}

function list(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? list(join(dir, e.name), join(prefix, e.name)) : [join(prefix, e.name)]);
}
