#!/usr/bin/env bash
# Installs Node 22 and 24 into .tools/node/<major>/ (from the npm registry's node-linux-<arch>
# packages) beside the Node that runs the suite, for the tests of what the probe does on them
# (cli/nodeVersions.test.mjs: module.registerHooks, their own TypeScript type stripping).
# Idempotent: a folder whose .version matches is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64|arm64) ARCH=arm64 ;;
  *) echo "no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
for VERSION in 22.23.5 24.22.3; do
  DIR=".tools/node/${VERSION%%.*}"
  if [ "$(cat "$DIR/.version" 2>/dev/null)" = "$VERSION" ] && [ -x "$DIR/bin/node" ]; then continue; fi
  rm -rf "$DIR" && mkdir -p "$DIR"
  (cd "$DIR" && npm pack --silent "node-linux-$ARCH@$VERSION" >/dev/null \
    && tar xzf "node-linux-$ARCH-$VERSION.tgz" --strip-components=1 && rm "node-linux-$ARCH-$VERSION.tgz")
  [ "$("$DIR/bin/node" -v)" = "v$VERSION" ]
  echo "$VERSION" > "$DIR/.version"
  echo "Node $VERSION ready: $DIR/bin/node"
done
