//! Builds one shared library of the Engram kernels per instruction-set level
//! (`zig build`, ReleaseFast unless -Doptimize says otherwise) and runs the
//! unit tests on every level this machine can execute, natively or under
//! QEMU (`zig build test`, Debug unless -Doptimize says otherwise). The test
//! step also replays the regression corpus (`corpus/`) on the same levels
//! with the corpus harness, built as the libraries are built; `zig build
//! corpus` runs the replay alone.
//! No library links libc: the kernels need nothing from it.

const std = @import("std");

/// One library: a platform folder under `zig-out/lib/` and an explicit CPU,
/// so that nothing depends on the CPU of the machine that builds it.
const LibraryTarget = struct {
    /// Suffix of the library name: `libengram_kernels_<name>.so`.
    name: []const u8,
    platform: []const u8,
    query: std.Target.Query,
};

const library_targets = [_]LibraryTarget{
    .{ .name = "x86_64_baseline", .platform = "linux-x86_64", .query = x86_64(&std.Target.x86.cpu.x86_64) },
    .{ .name = "x86_64_v3", .platform = "linux-x86_64", .query = x86_64(&std.Target.x86.cpu.x86_64_v3) },
    .{ .name = "x86_64_v4", .platform = "linux-x86_64", .query = x86_64(&std.Target.x86.cpu.x86_64_v4) },
    .{ .name = "aarch64_neon", .platform = "linux-aarch64", .query = .{
        .cpu_arch = .aarch64,
        .os_tag = .linux,
        .abi = .none,
        .cpu_model = .{ .explicit = &std.Target.aarch64.cpu.generic },
        .cpu_features_add = std.Target.aarch64.featureSet(&.{.neon}),
    } },
};

fn x86_64(model: *const std.Target.Cpu.Model) std.Target.Query {
    return .{ .cpu_arch = .x86_64, .os_tag = .linux, .abi = .none, .cpu_model = .{ .explicit = model } };
}

pub fn build(b: *std.Build) void {
    const optimize = b.option(
        std.builtin.OptimizeMode,
        "optimize",
        "Optimization mode (default: ReleaseFast for the libraries, Debug for the tests)",
    );
    const no_filters: []const []const u8 = &.{};
    const test_filters = b.option([]const []const u8, "test-filter", "Run only the tests whose name contains this text") orelse no_filters;
    // The aarch64 tests run under qemu-aarch64 on an x86_64 machine (and the
    // x86_64 ones under qemu-x86_64 on an aarch64 machine). Set here rather
    // than left to -fqemu so that one `zig build test` covers both.
    b.enable_qemu = true;

    const root_source_file = b.path("src/ffi.zig");
    const test_step = b.step("test", "Run the unit tests and the corpus replay on every library target this machine can execute");
    const corpus_step = b.step("corpus", "Replay the regression corpus on every library target this machine can execute");
    test_step.dependOn(corpus_step);
    // Not part of the install or test steps: a timing of the similarity
    // kernels against the old ones and a plain read loop, compiled for the
    // best library target this machine runs natively (as the loader picks).
    // -Dbench-target=x86_64_v3 (a library's name) times another level.
    const bench_target = b.option([]const u8, "bench-target", "The library target `zig build bench` times (default: the best this machine runs)");
    var bench_query: std.Target.Query = .{};
    for (library_targets) |library_target| {
        const target = b.resolveTargetQuery(library_target.query);
        const runs = target.result.cpu.arch == b.host.result.cpu.arch and canExecute(b.host.result, target.result);
        const named = if (bench_target) |name| std.mem.eql(u8, name, library_target.name) else runs;
        if (named) bench_query = library_target.query;
    }
    const bench = b.addExecutable(.{
        .name = "bench_similarity",
        .root_source_file = b.path("src/bench.zig"),
        .target = b.resolveTargetQuery(bench_query),
        .optimize = optimize orelse .ReleaseFast,
    });
    // `zig build bench-calls`: the native share of the smallest call of each entry point (src/bench_calls.zig).
    const bench_calls = b.addExecutable(.{
        .name = "bench_calls",
        .root_source_file = b.path("src/bench_calls.zig"),
        .target = b.resolveTargetQuery(bench_query),
        .optimize = optimize orelse .ReleaseFast,
        .link_libc = false,
    });
    const bench_calls_run = b.addRunArtifact(bench_calls);
    if (b.args) |args| bench_calls_run.addArgs(args);
    b.step("bench-calls", "Time the smallest call of each exported kernel through its C function (ReleaseFast, native CPU)").dependOn(&bench_calls_run.step);

    const bench_run = b.addRunArtifact(bench);
    if (b.args) |args| bench_run.addArgs(args);
    b.step("bench", "Time the similarity kernels against the old ones and a plain read loop (ReleaseFast, native CPU)").dependOn(&bench_run.step);
    // Microbenchmarks for this machine's CPU (src/bench_decay_spread.zig): `zig build
    // bench-decay`, `zig build bench-spread`, each run's rounds after `--`.
    const bench_kernels = b.addExecutable(.{
        .name = "bench_decay_spread",
        .root_source_file = b.path("src/bench_decay_spread.zig"),
        .target = b.resolveTargetQuery(.{}),
        .optimize = optimize orelse .ReleaseFast,
        .link_libc = false,
    });
    for ([_][]const u8{ "decay", "spread" }) |kernel| {
        const kernel_run = b.addRunArtifact(bench_kernels);
        kernel_run.addArg(kernel);
        if (b.args) |args| kernel_run.addArgs(args);
        b.step(b.fmt("bench-{s}", .{kernel}), b.fmt("Time the {s} kernel against the kernel as it was", .{kernel})).dependOn(&kernel_run.step);
    }

    for (library_targets) |library_target| {
        const target = b.resolveTargetQuery(library_target.query);
        const library = b.addSharedLibrary(.{
            .name = b.fmt("engram_kernels_{s}", .{library_target.name}),
            .root_source_file = root_source_file,
            .target = target,
            .optimize = optimize orelse .ReleaseFast,
            .link_libc = false,
            // The shipped libraries carry no debug info: a third of the size, none of the speed.
            .strip = true,
        });
        library.setVersionScript(b.path("src/exports.map"));
        b.getInstallStep().dependOn(&b.addInstallArtifact(library, .{
            .dest_dir = .{ .override = .{ .custom = b.fmt("lib/{s}", .{library_target.platform}) } },
        }).step);

        const unit_tests = b.addTest(.{
            .name = b.fmt("test_{s}", .{library_target.name}),
            .root_source_file = root_source_file,
            .target = target,
            .optimize = optimize orelse .Debug,
            .filters = test_filters,
            .link_libc = false,
        });
        // The kernels compiled into the harness as into the shipped library:
        // same source, target and optimisation mode, called through the same ABI.
        const corpus_harness = b.addExecutable(.{
            .name = b.fmt("corpus_harness_{s}", .{library_target.name}),
            .root_source_file = b.path("src/corpus_harness.zig"),
            .target = target,
            .optimize = optimize orelse .ReleaseFast,
            .link_libc = false,
        });
        if (canExecute(b.host.result, target.result)) {
            test_step.dependOn(&b.addRunArtifact(unit_tests).step);
            // No output file: the run counts as a side effect, so it runs on
            // every build and its report reaches the build log.
            const replay = b.addRunArtifact(corpus_harness);
            replay.addDirectoryArg(b.path("corpus"));
            corpus_step.dependOn(&replay.step);
        } else {
            // Still analysed (without code generation, since nothing runs
            // it), so that no target's code goes unchecked.
            test_step.dependOn(&unit_tests.step);
            corpus_step.dependOn(&corpus_harness.step);
        }
    }
}

/// Whether the host runs a binary for `target`: another architecture under
/// QEMU; the same one unless the target assumes an instruction-set extension
/// the host CPU lacks (the build runner does not check this itself, and an
/// AVX-512 binary on an AVX2 machine dies of SIGILL).
fn canExecute(host: std.Target, target: std.Target) bool {
    if (host.os.tag != target.os.tag) return false;
    if (host.cpu.arch != target.cpu.arch) return true;
    if (target.cpu.arch != .x86_64) return true;
    for (x86_64_level_features) |feature| {
        const index = @intFromEnum(feature);
        if (target.cpu.features.isEnabled(index) and !host.cpu.features.isEnabled(index)) return false;
    }
    return true;
}

/// The extensions that set x86-64-v2, -v3 and -v4 apart. Tuning features of
/// a CPU model are left out: the host CPU need not share them.
const x86_64_level_features = x86_64_v2_features ++ x86_64_v3_features ++ x86_64_v4_features;
const x86_64_v2_features = [_]std.Target.x86.Feature{ .cx16, .popcnt, .sse3, .sse4_1, .sse4_2, .ssse3 };
const x86_64_v3_features = [_]std.Target.x86.Feature{ .avx, .avx2, .bmi, .bmi2, .f16c, .fma, .lzcnt, .movbe, .xsave };
const x86_64_v4_features = [_]std.Target.x86.Feature{ .avx512f, .avx512bw, .avx512cd, .avx512dq, .avx512vl };
