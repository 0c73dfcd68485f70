//! Microbenchmarks of the decay and spreading kernels, for `zig build
//! bench-decay` and `zig build bench-spread` (ReleaseFast, for the CPU of the
//! machine that runs them). Each compares two implementations in one run,
//! alternating them round by round, and prints the least time of each (the
//! round least disturbed by other work) and their ratio: on a shared machine
//! only the ratio means much.
//!
//! - decay: the kernel as it was (`decay.valueOf`, one memory at a time in
//!   scalar f64 with std.math) against `decay.decay` (f64 lanes), over
//!   1,000,000 memories per curve, ages uniform in [0, 10 years], strengths
//!   uniform in [0, 1), access counts 0..5 (DecayBenchmark's workload).
//! - spread: `spreading_before.zig` (the kernel as it was) against
//!   `spreading.zig`, dense output, on SpreadingBenchmark's workload: 10,000
//!   nodes with 5 edges each to random targets, weights in [0.2, 1), 1,000
//!   queries of 3 seeds, depth 4, hop factor exp(-0.5 h), threshold 0.01.
//!   The two must agree bit for bit, which the run checks.

const std = @import("std");
const decay = @import("decay.zig");
const spreading = @import("spreading.zig");
const spreading_before = @import("spreading_before.zig");
const allocator = @import("allocator.zig");

const page = std.heap.page_allocator;

pub fn main() !void {
    var args = try std.process.argsWithAllocator(page);
    defer args.deinit();
    _ = args.next();
    const what = args.next() orelse "decay";
    const rounds = if (args.next()) |text| try std.fmt.parseInt(usize, text, 10) else 9;
    const stdout = std.io.getStdOut().writer();
    if (std.mem.eql(u8, what, "decay")) return benchDecay(stdout, rounds);
    if (std.mem.eql(u8, what, "spread")) return benchSpread(stdout, rounds);
    return error.UnknownBenchmark;
}

fn least(times: []const u64) u64 {
    return std.mem.min(u64, times);
}

const rounds_max = 64;

fn benchDecay(stdout: anytype, rounds: usize) !void {
    const n = 1_000_000;
    const strength = try page.alloc(f32, n);
    const age = try page.alloc(f32, n);
    const count = try page.alloc(i32, n);
    const out_before = try page.alloc(f32, n);
    const out_now = try page.alloc(f32, n);
    var prng = std.Random.DefaultPrng.init(11);
    const random = prng.random();
    for (strength, age, count) |*s, *t, *a| {
        s.* = random.float(f32);
        t.* = @floatCast(random.float(f64) * 10 * 365 * 86400.0);
        a.* = random.intRangeLessThan(i32, 0, 6);
    }
    const curves = [_]struct { name: []const u8, curve: decay.Curve }{
        .{ .name = "exponential", .curve = .{ .exponential = .{ .half_life_seconds = 86400 } } },
        .{ .name = "power", .curve = .{ .power_law = .{ .scale_seconds = 3600, .beta = 0.18 } } },
        .{ .name = "two-component", .curve = .{ .two_component = .{
            .tau_seconds = 1.96 * 3600,
            .consolidation_access_count = 3,
            .neocortical_scale_seconds = 86400,
            .neocortical_beta = 0.18,
        } } },
        .{ .name = "ebbinghaus", .curve = .{ .ebbinghaus = .{ .k = 1.84, .c = 1.25 } } },
    };
    try stdout.print("decay, {d} memories, least of {d} rounds (ms): before (scalar std.math), now (f64 lanes), before/now\n", .{ n, rounds });
    for (curves) |c| {
        const params = decay.Params{ .curve = c.curve, .floor = 0 };
        var before: [rounds_max]u64 = undefined;
        var now: [rounds_max]u64 = undefined;
        for (0..rounds) |round| {
            var timer = try std.time.Timer.start();
            for (strength, age, count, out_before) |s, t, a, *o| o.* = decay.valueOf(c.curve, 0, s, t, a);
            before[round] = timer.lap();
            decay.decay(strength, age, count, params, out_now);
            now[round] = timer.lap();
        }
        var worst: f64 = 0;
        for (out_before, out_now) |b, o| {
            const scale = @max(@abs(@as(f64, b)), std.math.floatMin(f32));
            worst = @max(worst, @abs(@as(f64, o) - b) / scale);
        }
        const b = least(before[0..rounds]);
        const w = least(now[0..rounds]);
        try stdout.print("  {s:<14} {d:8.3} {d:8.3}  {d:6.2}x   (max rel diff {e:.2})\n", .{
            c.name,
            @as(f64, @floatFromInt(b)) / 1e6,
            @as(f64, @floatFromInt(w)) / 1e6,
            @as(f64, @floatFromInt(b)) / @as(f64, @floatFromInt(w)),
            worst,
        });
    }
}

fn benchSpread(stdout: anytype, rounds: usize) !void {
    const nodes = 10_000;
    const per_node = 5;
    const queries = 1000;
    const seeds_per_query = 3;
    var prng = std.Random.DefaultPrng.init(7);
    const random = prng.random();
    const offsets = try page.alloc(i32, nodes + 1);
    const targets = try page.alloc(i32, nodes * per_node);
    const weights = try page.alloc(f32, nodes * per_node);
    for (offsets, 0..) |*o, u| o.* = @intCast(u * per_node);
    for (targets, weights) |*t, *w| {
        t.* = random.intRangeLessThan(i32, 0, nodes);
        w.* = @floatCast(0.2 + 0.8 * random.float(f64));
    }
    const seed_nodes = try page.alloc(i32, queries * seeds_per_query);
    const seed_activations = try page.alloc(f32, queries * seeds_per_query);
    for (seed_nodes, seed_activations) |*s, *a| {
        s.* = random.intRangeLessThan(i32, 0, nodes);
        a.* = @floatCast(0.5 + 0.5 * random.float(f64));
    }
    var hop_factors: [4]f32 = undefined;
    for (&hop_factors, 1..) |*f, h| f.* = @floatCast(@exp(-0.5 * @as(f64, @floatFromInt(h))));
    const arena_before = try allocator.Arena.create(.{ .capacity_bytes = 32 * nodes + (1 << 20), .overflow = .@"error" });
    const arena_now = try allocator.Arena.create(.{ .capacity_bytes = 32 * nodes + (1 << 20), .overflow = .@"error" });
    const act_before = try page.alloc(f32, nodes);
    const hop_before = try page.alloc(i32, nodes);
    const act_now = try page.alloc(f32, nodes);
    const hop_now = try page.alloc(i32, nodes);
    var reached_total: u64 = 0;
    var before: [rounds_max]u64 = undefined;
    var now: [rounds_max]u64 = undefined;
    const graph = spreading.Graph{ .offsets = offsets, .targets = targets, .weights = weights };
    const graph_before = spreading_before.Graph{ .offsets = offsets, .targets = targets, .weights = weights };
    for (0..rounds) |round| {
        // Odd rounds run the new kernel first: neither gains from going second.
        for (0..2) |turn| {
            var timer = try std.time.Timer.start();
            if ((round + turn) % 2 == 0) {
                for (0..queries) |q| {
                    const seeds = spreading_before.Seeds{ .nodes = seed_nodes[q * 3 ..][0..3], .activations = seed_activations[q * 3 ..][0..3] };
                    try arena_before.beginCall();
                    defer arena_before.endCall();
                    _ = try spreading_before.spread(arena_before, graph_before, seeds, .{
                        .hop_factors = &hop_factors,
                        .refractory_hops = 4,
                        .threshold = 0.01,
                    }, .{ .dense = .{ .activation = act_before, .first_hop = hop_before } });
                }
                before[round] = timer.read();
            } else {
                for (0..queries) |q| {
                    const seeds = spreading.Seeds{ .nodes = seed_nodes[q * 3 ..][0..3], .activations = seed_activations[q * 3 ..][0..3] };
                    try arena_now.beginCall();
                    defer arena_now.endCall();
                    reached_total += try spreading.spread(arena_now, graph, seeds, .{
                        .hop_factors = &hop_factors,
                        .refractory_hops = 4,
                        .threshold = 0.01,
                    }, .{ .dense = .{ .activation = act_now, .first_hop = hop_now } });
                }
                now[round] = timer.read();
            }
        }
    }
    // The last query of each: bit-identical.
    if (!std.mem.eql(u8, std.mem.sliceAsBytes(act_before), std.mem.sliceAsBytes(act_now)) or
        !std.mem.eql(i32, hop_before, hop_now)) return error.SpreadsDiffer;
    const b = least(before[0..rounds]);
    const w = least(now[0..rounds]);
    try stdout.print("spread, {d} nodes, {d} edges, {d} queries of 3 seeds, depth 4, dense; {d:.1} nodes reached per query\n", .{
        nodes,
        nodes * per_node,
        queries,
        @as(f64, @floatFromInt(reached_total)) / @as(f64, @floatFromInt(rounds * queries)),
    });
    try stdout.print("  least of {d} rounds, us per query: before {d:.3}, now {d:.3}, before/now {d:.2}x\n", .{
        rounds,
        @as(f64, @floatFromInt(b)) / 1e3 / queries,
        @as(f64, @floatFromInt(w)) / 1e3 / queries,
        @as(f64, @floatFromInt(b)) / @as(f64, @floatFromInt(w)),
    });
}
