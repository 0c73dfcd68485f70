//! `zig build bench-calls [-- rounds [loop|serial|locked]]`: the native share of the smallest call
//! of each entry point, as `CallOverheadBenchmark` makes it from Java
//! (ReleaseFast, for the CPU of the machine that runs it): cosine of one row
//! of d = 1 with its norm given, top-1 of that row, decay of one memory
//! (exponential curve), and a spread of depth 1 from one seed on a graph of
//! one node and no edge. Each call goes through the exported C function by
//! pointer, as a downcall does, on an arena made by `engram_arena_create`.
//! Prints the least mean time per call over the rounds (the round least
//! disturbed by other work); on a shared machine only the comparison of two
//! runs of this on the same machine means much. `zig build bench-calls -- 15
//! serial` (x86_64) puts an `lfence` after each call, so that calls do not
//! overlap: each call's latency rather than the throughput of a loop of them.
//! `zig build bench-calls -- 15 locked` takes a word with a compare-and-set
//! before each call and gives it back with a release store after it, as a Java
//! call takes and gives back its workspace (`AbstractWorkspace.enter`, `exit`):
//! the locked instruction waits for the previous call's stores, so a call's
//! dependency chain is paid in full, as it is from the JVM.
//! The same calls from the JVM are `DowncallBenchmark.zigCosine` and `zigDecay`.

const std = @import("std");
const ffi = @import("ffi.zig");

const calls_per_round = 2_000_000;

pub fn main() !void {
    var args = try std.process.argsWithAllocator(std.heap.page_allocator);
    defer args.deinit();
    _ = args.next();
    const rounds = if (args.next()) |text| try std.fmt.parseInt(usize, text, 10) else 9;
    if (rounds < 1) return error.NoRounds;
    const mode: Mode = if (args.next()) |text| std.meta.stringToEnum(Mode, text) orelse return error.UnknownMode else .loop;
    if (mode == .serial and @import("builtin").cpu.arch != .x86_64) return error.SerialOnlyOnX86;
    const stdout = std.io.getStdOut().writer();

    var arena: ?*ffi.Arena = null;
    if (ffi.engram_arena_create(1 << 20, 0, &arena) != 0) return error.ArenaCreate;
    defer _ = ffi.engram_arena_destroy(arena);

    var c = Calls{ .arena = arena };
    c.decay_params.half_life_seconds = 86_400;
    c.spread_params.hop_factors[0] = 0.5;

    const how = switch (mode) {
        .loop => "",
        .serial => ", each call followed by an lfence",
        .locked => ", each call between a compare-and-set and a release store, as a Java call's workspace",
    };
    try stdout.print("smallest native calls, least of {d} rounds of {d} calls (ns per call){s}\n", .{ rounds, calls_per_round, how });
    inline for (.{ "empty", "cosine", "topk", "decay", "spread" }) |name| {
        var best: f64 = std.math.inf(f64);
        for (0..rounds) |_| {
            var timer = try std.time.Timer.start();
            for (0..calls_per_round) |_| {
                if (mode == .locked) take();
                if (@field(Calls, name)(&c) != 0) return error.CallFailed;
                switch (mode) {
                    .loop => {},
                    .serial => lfence(),
                    .locked => @atomicStore(u32, &workspace_state, 0, .release),
                }
            }
            const ns: f64 = @floatFromInt(timer.read());
            best = @min(best, ns / calls_per_round);
        }
        try stdout.print("  {s:<7} {d:>7.2}\n", .{ name, best });
    }
}

/// How a round calls: a plain loop, an `lfence` after each call, or each call between a
/// compare-and-set and a release store of `workspace_state`.
const Mode = enum { loop, serial, locked };

/// The word `locked` rounds take before each call, as `AbstractWorkspace.state`.
var workspace_state: u32 = 0;

fn take() void {
    if (@cmpxchgStrong(u32, &workspace_state, 0, 1, .seq_cst, .seq_cst) != null) unreachable;
}

/// Waits until every instruction before it has completed: the next call cannot start while
/// this one's last results are still being computed, so a round times each call's latency, not
/// the throughput of calls that overlap. (Only called on x86_64.)
fn lfence() void {
    asm volatile ("lfence" ::: "memory");
}

/// The inputs of `CallOverheadBenchmark`, and one call of each kernel on them.
const Calls = struct {
    arena: ?*ffi.Arena,
    query: [1]f32 = .{0.5},
    matrix: [1]f32 = .{-0.25},
    norms: [1]f32 = .{0.25},
    out: [1]f32 = .{0},
    index: [1]i32 = .{0},
    strength: [1]f32 = .{0.8},
    age: [1]f32 = .{3_600},
    access: [1]i32 = .{1},
    decay_params: ffi.DecayParams = std.mem.zeroes(ffi.DecayParams),
    offsets: [2]i32 = .{ 0, 0 },
    targets: [1]i32 = .{0},
    weights: [1]f32 = .{0},
    seed: [1]i32 = .{0},
    seed_activation: [1]f32 = .{0.9},
    activation: [1]f32 = .{0},
    first_hop: [1]i32 = .{0},
    reached: u32 = 0,
    spread_params: ffi.SpreadParams = std.mem.zeroInit(ffi.SpreadParams, .{ .max_depth = 1, .threshold = 0.01 }),

    // Through volatile pointers to the exports, so that each call is a real call of the C function.
    const cosine_fn: *const volatile @TypeOf(ffi.engram_cosine) = &ffi.engram_cosine;
    const topk_fn: *const volatile @TypeOf(ffi.engram_cosine_topk) = &ffi.engram_cosine_topk;
    const decay_fn: *const volatile @TypeOf(ffi.engram_decay) = &ffi.engram_decay;
    const spread_fn: *const volatile @TypeOf(ffi.engram_spread) = &ffi.engram_spread;

    /// A cosine of no row: the arena's take and give-back and the checks, no kernel.
    fn empty(c: *Calls) c_int {
        return cosine_fn.*(c.arena, &c.query, 1, &c.matrix, 0, 0, &c.norms, &c.out);
    }

    fn cosine(c: *Calls) c_int {
        return cosine_fn.*(c.arena, &c.query, 1, &c.matrix, 0, 1, &c.norms, &c.out);
    }

    fn topk(c: *Calls) c_int {
        return topk_fn.*(c.arena, &c.query, 1, 1, &c.matrix, 0, 1, &c.norms, 1, &c.index, &c.out);
    }

    fn decay(c: *Calls) c_int {
        return decay_fn.*(c.arena, &c.strength, &c.age, &c.access, 1, &c.decay_params, &c.out);
    }

    fn spread(c: *Calls) c_int {
        return spread_fn.*(c.arena, 1, 0, &c.offsets, &c.targets, &c.weights, &c.seed, &c.seed_activation, 1, &c.spread_params, 0, 0, null, &c.activation, &c.first_hop, &c.reached);
    }
};
