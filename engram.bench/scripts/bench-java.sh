# Sourced by engram.bench/run, regression and history: builds the benchmarks (unless
# ENGRAM_BENCH_NO_BUILD=1) and starts a Java main class of engram.bench with the flags the kernels
# need, the module folder, the Zig version and the git commit as system properties.
# ENGRAM_BENCH_HISTORY and ENGRAM_BENCH_BASELINES name other files than the module's;
# ENGRAM_ZIG_ISA (x86_64_v3, ...) picks the Zig library.
#   bench_java <main class> [arguments...]
# shellcheck shell=bash
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../cnf/java-home.sh
source "$bench_root/cnf/java-home.sh"

bench_java() {
    local main="$1" java_home classpath zig_version commit
    shift
    if ! java_home="$(find_java_home)"; then
        echo "bench: needs a JDK $required_java_major; install one or point JAVA_HOME at it" >&2
        exit 1
    fi
    if [[ "${ENGRAM_BENCH_NO_BUILD:-}" != 1 || ! -f "$bench_root/engram.bench/target/benchmark.classpath" ]]; then
        echo "bench: building the benchmarks (quietly)" >&2
        (cd "$bench_root" && ./mvnw -B -q install -DskipTests -pl engram.bench -am >&2)
    fi
    classpath="$bench_root/engram.bench/target/classes:$(cat "$bench_root/engram.bench/target/benchmark.classpath")"
    zig_version="unknown"
    if zig_bin="$("$bench_root/zig/provision.sh" 2>/dev/null)"; then
        zig_version="$("$zig_bin" version 2>/dev/null || echo unknown)"
    fi
    commit="$(git -C "$bench_root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    # Changed tracked files make the figures those of no commit; the history and baselines don't count.
    if [[ "$commit" != unknown ]] && [[ -n "$(git -C "$bench_root" status --porcelain -uno -- . \
            ':!engram.bench/history.jsonl' ':!engram.bench/baselines.json' 2>/dev/null)" ]]; then
        commit="$commit-dirty"
    fi
    # Other history and baseline files, e.g. for a trial run that must not enter the real history.
    local -a files=()
    [[ -n "${ENGRAM_BENCH_HISTORY:-}" ]] && files+=("-Dengram.bench.history=$ENGRAM_BENCH_HISTORY")
    # Another Zig library than the best this CPU runs (x86_64_v3 on an AVX-512 machine); the forks
    # inherit the flag, as they inherit this JVM's other flags.
    [[ -n "${ENGRAM_ZIG_ISA:-}" ]] && files+=("-Dengram.zig.isa=$ENGRAM_ZIG_ISA")
    [[ -n "${ENGRAM_BENCH_BASELINES:-}" ]] && files+=("-Dengram.bench.baselines=$ENGRAM_BENCH_BASELINES")
    exec "$java_home/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
        --add-modules jdk.incubator.vector \
        -Dengram.bench.dir="$bench_root/engram.bench" -Dengram.zig.version="$zig_version" \
        -Dengram.git.commit="$commit" "${files[@]}" \
        -cp "$classpath" "$main" "$@"
}
