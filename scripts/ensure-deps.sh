#!/usr/bin/env bash
# Installs what k1s needs and is missing: Debian packages (containerd, runc, CNI plugins, catatonit,
# iptables, conntrack (the service proxy clears stale UDP flows), busybox-static and curl for test images,
# python3-kubernetes for the Python client e2e, chromium for the dashboard browser e2e, etcd-server for the
# etcd datastore e2e), Debian's nginx downloaded (not installed) for the nginx
# test images, npm dependencies, the TypeScript build and the dashboard bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

# curl, bash and the libraries of nginx are copied into the e2e test images (test/images/).
pkgs=(containerd runc containernetworking-plugins catatonit iptables conntrack busybox-static python3-kubernetes curl bash libpcre2-8-0 libssl3 zlib1g libcrypt1 chromium etcd-server zstd)
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

# nginx and nginx-common for the nginx test images: downloaded into a cache, never installed (installing
# Debian's nginx enables and starts a web server on the host's port 80). test/images/host-files.ts reads them.
debs=${K1S_DEB_CACHE:-/var/cache/k1s/debs}
if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "install ok installed"; then
  candidate() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1; }
  [ -n "$(candidate nginx)" ] || apt-get update -qq
  mkdir -p "$debs"
  for p in nginx nginx-common; do
    v=$(candidate "$p")
    [ -n "$v" ] || { echo "k1s: no Debian package $p to download for the test images" >&2; exit 1; }
    if ! ls "$debs/${p}_${v//:/%3a}_"*.deb >/dev/null 2>&1; then
      echo "k1s: downloading $p $v for the test images"
      rm -f "$debs/${p}_"*.deb
      (cd "$debs" && apt-get download -qq "$p=$v")
    fi
  done
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
# The dashboard's front end (preact + xterm.js, esbuild): dist/dashboard/, served by `k1s dashboard`.
node scripts/build-dashboard.mjs
