#!/usr/bin/env bash
# Installs code-server 4.96.4 (VS Code 1.96) and Debian's Chromium into .tools/ so the extension's
# UI tests (extension/*.test.mjs) can drive a real VS Code through playwright-core.
# Idempotent: a finished setup leaves .tools/code-server/.ready and later runs return at once.
# Needs root (or sudo) for apt-get; everything else stays inside the repo's .tools/ folder.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools/code-server"
CS="$TOOLS/node_modules/code-server"
VERSION=4.96.4

if [ -f "$TOOLS/.ready" ] && [ -x /usr/bin/chromium ] && [ "$(cat "$TOOLS/.ready")" = "$VERSION" ]; then
  echo "code-server $VERSION already set up in $TOOLS"; exit 0
fi

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
# Native modules (argon2, node-pty, kerberos…) are compiled: they need a C++ toolchain and python3.
have_system_packages() {
  [ -x /usr/bin/chromium ] && command -v rg >/dev/null && [ -e /usr/include/krb5.h ] \
    && command -v make >/dev/null && command -v g++ >/dev/null && command -v python3 >/dev/null
}
if ! have_system_packages; then
  export DEBIAN_FRONTEND=noninteractive
  # Another apt-get may be running on a shared machine: wait for its lock instead of failing.
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y chromium libkrb5-dev ripgrep build-essential python3
fi

mkdir -p "$TOOLS"
cd "$TOOLS"
[ -f package.json ] || echo '{"name":"cl-tools","private":true}' > package.json
if ! [ -d "$CS/lib/vscode" ]; then
  npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
fi

cd "$CS/lib/vscode"
# @vscode/proxy-agent is pinned to a git URL the sandbox cannot fetch: let npm take it from the registry.
node -e '
  const fs = require("fs"); const f = "npm-shrinkwrap.json";
  const j = JSON.parse(fs.readFileSync(f, "utf8"));
  const p = j.packages && j.packages["node_modules/@vscode/proxy-agent"];
  if (p && (p.resolved || p.integrity)) { delete p.resolved; delete p.integrity; fs.writeFileSync(f, JSON.stringify(j, null, 2)); }'
npm install --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --omit=dev
(cd extensions && npm install --no-audit --no-fund --omit=dev)
ln -sfn node_modules node_modules.asar

# argon2 is hoisted next to code-server in the tools folder.
cd "$TOOLS"
npm rebuild argon2 --build-from-source
node -e 'require("argon2")'
echo "$VERSION" > "$TOOLS/.ready"
echo "code-server $VERSION ready: $CS/out/node/entry.js"
