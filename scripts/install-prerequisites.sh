#!/usr/bin/env bash
# Installs what a fresh machine lacks for the full test run: Debian packages for the peer gRPC
# implementations, the benchmark driver, PostgreSQL, the browser and Go (the independent log
# verifier), and the npm packages under tests/.
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  python3-grpcio python3-grpc-tools python3-protobuf  # python partner peer (tests/partners/python)
  python3-jwt                                           # third-party check of access tokens against the JWKS (verify_jwt.py)
  python3-cryptography                                  # third-party check of signed import manifests (verify_import_manifest.py)
  protobuf-compiler protobuf-compiler-grpc python3-venv  # the Python SDK's build (clients/python) and its test venv
  libprotobuf-dev                                       # the well-known types (descriptor.proto) protoc compiles the SDK against
  grpc-proto                                            # reference copies of the official protos
  nghttp2-client                                        # h2load, for bench/
  curl                                                  # the JSON routes are tested with it
  python3-aiosmtpd                                      # the SMTP server notification tests deliver to
  jq                                                    # README's tour reads the token with it
  postgresql                                            # the second database provider
  chromium                                              # portal tests drive it through Playwright
  golang-go golang-golang-x-mod-dev                     # Go's sumdb/note and sumdb/tlog verify the receipt log (tests/go-verifier)
)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The python peer must run on Debian's interpreter, where python3-grpcio lives.
/usr/bin/python3 -c "import grpc, grpc_tools" || { echo "python3-grpcio is not importable from /usr/bin/python3" >&2; exit 1; }

# The dotnet-ef tool (migrations for every provider), pinned in .config/dotnet-tools.json.
dotnet tool restore >/dev/null

if [ ! -d tests/node_modules ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  echo "Installing npm packages under tests/"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

# The TypeScript SDK: its npm packages, then dist/ (tsc) when it is missing or older than the sources.
# src/gen is committed, so this needs neither buf nor the .NET restore.
sdk=clients/typescript
if [ ! -d $sdk/node_modules ] || [ $sdk/package-lock.json -nt $sdk/node_modules/.package-lock.json ]; then
  echo "Installing npm packages under $sdk/"
  (cd $sdk && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -f $sdk/dist/index.js ] || [ -n "$(find $sdk/src $sdk/package.json $sdk/tsconfig.json -newer $sdk/dist/index.js -print -quit)" ]; then
  echo "Building the TypeScript SDK ($sdk/dist)"
  (cd $sdk && npm run --silent build)
fi
