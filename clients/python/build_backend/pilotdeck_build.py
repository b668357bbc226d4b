"""A PEP 517 build backend that needs nothing but the standard library and protoc.

Why not setuptools: pip builds in an isolated environment and would have to download setuptools
into it, which an offline machine cannot. This backend has no build requirements, so
`pip install ./clients/python` works without an index.

Why the stubs are generated here and not committed: they must match the installed protobuf and
grpcio runtimes (Debian's protoc 3.21 and grpc_python_plugin 1.51 match Debian's python3-protobuf
and python3-grpcio), and the googleapis protos they depend on stay out of the repository.

Inputs, each overridable by environment variable:
  PILOTDECK_PROTOS             the repository's protos/ folder (default: ../../protos)
  PILOTDECK_GOOGLEAPIS_PROTOS  google/api and google/rpc (default: the Google.Api.CommonProtos
                               NuGet package in ~/.nuget/packages, newest version)
  PILOTDECK_PYTHON_PROTOC      protoc (default: `protoc` on PATH, Debian's protobuf-compiler)
  PILOTDECK_GRPC_PYTHON_PLUGIN grpc_python_plugin (default: on PATH, protobuf-compiler-grpc)
"""

import base64
import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "pilotdeck_client"
# Generated modules live under pilotdeck_client.protos, so their imports are rewritten to point there.
GENERATED = PACKAGE + ".protos"
IMPORT_LINE = re.compile(r"^(from|import) (pilotdeck|google\.api|google\.rpc)(\S*)", re.MULTILINE)
# The module name protobuf gives the generated classes (their __module__, which pickle uses).
MODULE_NAME = re.compile(r"(BuildTopDescriptorsAndMessages\(DESCRIPTOR, ')((?:pilotdeck|google\.api|google\.rpc)\.)")
PROTO_IMPORT = re.compile(r'^import\s+(?:public\s+)?"([^"]+)";', re.MULTILINE)


def _project_metadata():
    with open(os.path.join(PROJECT, "pyproject.toml"), "rb") as f:
        text = f.read()
    try:
        import tomllib
    except ImportError:  # Python < 3.11: our [project] table uses only strings and one list of strings
        section = text.decode().split("[project]", 1)[1]
        meta = dict(re.findall(r'^([\w-]+)\s*=\s*"([^"]*)"', section, re.MULTILINE))
        dependencies = re.search(r"^dependencies\s*=\s*\[([^\]]*)\]", section, re.MULTILINE)
        meta["dependencies"] = re.findall(r'"([^"]+)"', dependencies.group(1)) if dependencies else []
        return meta
    return tomllib.loads(text.decode())["project"]


def _googleapis_protos():
    configured = os.environ.get("PILOTDECK_GOOGLEAPIS_PROTOS")
    if configured:
        return configured
    packages = os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages")
    candidates = glob.glob(os.path.join(packages, "google.api.commonprotos", "*", "content", "protos"))
    if not candidates:
        raise RuntimeError("googleapis protos not found: set PILOTDECK_GOOGLEAPIS_PROTOS to a folder holding "
                           "google/api and google/rpc (e.g. the Google.Api.CommonProtos NuGet package's content/protos)")

    def version(path):
        parts = path.split(os.sep)[-3].split(".")
        return tuple(int(p) if p.isdigit() else 0 for p in parts)
    return max(candidates, key=version)


def _tool(variable, name, package):
    found = os.environ.get(variable) or shutil.which(name)
    if not found:
        raise RuntimeError("%s not found: install Debian's %s or set %s" % (name, package, variable))
    return found


def _protos_to_compile(roots):
    """Pilotdeck's protos plus every google/api and google/rpc file they reach, and the error model."""
    def locate(name):
        for root in roots:
            if os.path.isfile(os.path.join(root, name)):
                return os.path.join(root, name)
        raise RuntimeError("%s is in none of %s" % (name, roots))

    pending = sorted(os.path.relpath(p, roots[0]) for p in glob.glob(os.path.join(roots[0], "pilotdeck", "**", "*.proto"), recursive=True))
    pending += ["google/rpc/status.proto", "google/rpc/error_details.proto"]
    seen = []
    while pending:
        name = pending.pop(0)
        if name in seen or name.startswith("google/protobuf/"):
            continue  # the protobuf runtime ships the well-known types
        seen.append(name)
        with open(locate(name), encoding="utf-8") as f:
            pending += PROTO_IMPORT.findall(f.read())
    return seen


def generate(out_dir):
    """Compiles the protos into out_dir/pilotdeck_client/protos (messages, .pyi types, gRPC stubs)."""
    protos = os.path.abspath(os.environ.get("PILOTDECK_PROTOS") or os.path.join(PROJECT, "..", "..", "protos"))
    roots = [protos, _googleapis_protos()]
    target = os.path.join(out_dir, *GENERATED.split("."))
    os.makedirs(target, exist_ok=True)
    files = _protos_to_compile(roots)
    command = [_tool("PILOTDECK_PYTHON_PROTOC", "protoc", "protobuf-compiler"),
               "--plugin=protoc-gen-grpc_python=" + _tool("PILOTDECK_GRPC_PYTHON_PLUGIN", "grpc_python_plugin", "protobuf-compiler-grpc"),
               "--python_out=" + target, "--pyi_out=" + target, "--grpc_python_out=" + target]
    command += ["-I" + root for root in roots] + files
    subprocess.run(command, check=True)
    for folder, _, names in os.walk(target):
        open(os.path.join(folder, "__init__.py"), "a").close()
        for name in names:
            if name.endswith((".py", ".pyi")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8") as f:
                    text = IMPORT_LINE.sub(lambda m: "%s %s.%s%s" % (m.group(1), GENERATED, m.group(2), m.group(3)), text)
                    f.write(MODULE_NAME.sub(lambda m: m.group(1) + GENERATED + "." + m.group(2), text))


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def _write_wheel(wheel_directory, sources):
    meta = _project_metadata()
    name, version = meta["name"].replace("-", "_"), meta["version"]
    dist_info = "%s-%s.dist-info" % (name, version)
    metadata = ["Metadata-Version: 2.1", "Name: " + meta["name"], "Version: " + version,
                "Summary: " + meta.get("description", ""), "Requires-Python: " + meta.get("requires-python", "")]
    metadata += ["Requires-Dist: " + d for d in meta.get("dependencies", [])]
    entries = {}
    for root in sources:
        for folder, _, names in os.walk(os.path.join(root, PACKAGE)):
            for file_name in sorted(names):
                if file_name.endswith(".pyc"):
                    continue
                path = os.path.join(folder, file_name)
                with open(path, "rb") as f:
                    entries[os.path.relpath(path, root).replace(os.sep, "/")] = f.read()
    entries[dist_info + "/METADATA"] = ("\n".join(metadata) + "\n").encode()
    entries[dist_info + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: pilotdeck_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(n, d) for n, d in entries.items()] + [dist_info + "/RECORD,,"]
    entries[dist_info + "/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel_name = "%s-%s-py3-none-any.whl" % (name, version)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for entry, data in entries.items():
            wheel.writestr(entry, data)
    return wheel_name


# PEP 517 hooks -------------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with tempfile.TemporaryDirectory(prefix="pilotdeck-build-") as generated:
        generate(generated)
        return _write_wheel(wheel_directory, [os.path.join(PROJECT, "src"), generated])
