#!/usr/bin/env bash
# Runs one step of the Zig build with the pinned compiler (see provision.sh):
#   zig.sh check   zig fmt --check on every source
#   zig.sh test    unit tests and the corpus replay (corpus/), natively and for
#                  aarch64 under qemu-aarch64
#   zig.sh build   the four ReleaseFast libraries into zig-out/lib/<platform>/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
zig=$("$here/provision.sh")
cd "$here"
# Keep Zig's global cache beside the project, not in the user's home.
export ZIG_GLOBAL_CACHE_DIR="${ZIG_GLOBAL_CACHE_DIR:-$here/../.cache/zig-global}"
case "${1:-}" in
  check)
    "$zig" fmt --check build.zig src
    echo "zig fmt: clean"
    ;;
  test)
    if ! command -v qemu-aarch64 >/dev/null 2>&1; then
      echo "zig: qemu-aarch64 is missing, so the aarch64 tests cannot run; install it (Debian: apt-get install qemu-user)" >&2
      exit 1
    fi
    "$zig" build test --summary all
    ;;
  build)
    "$zig" build --summary all
    ;;
  *)
    echo "usage: zig.sh check|test|build" >&2
    exit 2
    ;;
esac
