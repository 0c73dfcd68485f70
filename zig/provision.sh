#!/usr/bin/env bash
# Prints the path of a Zig compiler of exactly the pinned version, installing it
# from the `ziglang` package on PyPI into a git-ignored cache folder when neither
# $ZIG nor a `zig` on PATH has that version. Progress goes to stderr, the path to stdout.
set -euo pipefail
pinned="0.13.0"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache="${ENGRAM_ZIG_CACHE:-$here/../.cache/ziglang-$pinned}"

version_of() { "$1" version 2>/dev/null || true; }

for candidate in "${ZIG:-}" "$(command -v zig 2>/dev/null || true)" "$cache/ziglang/zig"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  if [ "$(version_of "$candidate")" = "$pinned" ]; then
    echo "$candidate"
    exit 0
  fi
  echo "zig: $candidate is version '$(version_of "$candidate")', not $pinned; looking further" >&2
done

python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "zig: no Zig $pinned found and no python3 to install it with." >&2
  echo "zig: install Zig $pinned (set ZIG=/path/to/zig) or python3 with pip, or build with -Dzig.skip" >&2
  exit 1
fi
echo "zig: installing ziglang==$pinned from PyPI into $cache (once)" >&2
rm -rf "$cache.partial"
if ! "$python" -m pip install --disable-pip-version-check --root-user-action=ignore --quiet --no-deps \
      --target "$cache.partial" "ziglang==$pinned" >&2; then
  echo "zig: pip could not install ziglang==$pinned." >&2
  echo "zig: install Zig $pinned yourself (set ZIG=/path/to/zig), or build with -Dzig.skip" >&2
  exit 1
fi
rm -rf "$cache"
mv "$cache.partial" "$cache"
if [ "$(version_of "$cache/ziglang/zig")" != "$pinned" ]; then
  echo "zig: the installed compiler at $cache/ziglang/zig does not report version $pinned" >&2
  exit 1
fi
echo "$cache/ziglang/zig"
