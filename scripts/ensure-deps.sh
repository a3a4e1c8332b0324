#!/usr/bin/env bash
# Installs what k1s needs and is missing: Debian packages (containerd, runc, CNI plugins, catatonit,
# iptables, busybox-static for test images, python3-kubernetes for the Python client e2e), npm dependencies, and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(containerd runc containernetworking-plugins catatonit iptables busybox-static python3-kubernetes)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "k1s: missing Debian packages (${missing[*]}); run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "k1s: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies (better-sqlite3 builds from source here: about a minute).
# Installed for exactly this lock file? (its hash, not its mtime: a fresh checkout is always "newer")
lock_sha=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.k1s-lock-sha256 2>/dev/null)" != "$lock_sha" ]; then
  echo "k1s: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sha" > node_modules/.k1s-lock-sha256
fi
if ! node -e "require('better-sqlite3')" 2>/dev/null; then
  echo "k1s: building better-sqlite3 from source"
  npm rebuild better-sqlite3 --loglevel=error
fi

echo "k1s: building"
npx tsc -p tsconfig.json
