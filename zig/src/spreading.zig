//! Level-synchronous activation spreading over a CSR graph, in float32 and in
//! the exact order of the kernel contract, so that every implementation
//! returns bit-identical activations. No fused multiply-add: this file keeps
//! the default (strict) float mode and writes every product and sum apart.

const std = @import("std");
const ScratchArena = @import("allocator.zig").ScratchArena;

const assert = std.debug.assert;

pub const depth_max: u32 = 32;
/// Node ids travel as i32.
pub const node_count_max: u32 = std.math.maxInt(i32);

/// CSR adjacency: the edges of node u are `offsets[u]..offsets[u + 1]`.
pub const Graph = struct {
    offsets: []const i32,
    targets: []const i32,
    weights: []const f32,

    pub fn nodeCount(graph: Graph) u32 {
        assert(graph.offsets.len >= 1);
        return @intCast(graph.offsets.len - 1);
    }
};

pub const Seeds = struct {
    nodes: []const i32,
    activations: []const f32,
};

pub const Params = struct {
    /// Factor for hop h at index h - 1; its length is the maximum depth.
    hop_factors: []const f32,
    /// A node that fired at hop f may fire again from hop f + refractory_hops + 1.
    refractory_hops: u32,
    /// Least activation a node must gain in a hop to fire at that hop.
    threshold: f32,
};

pub const Output = struct {
    activation: []f32,
    /// Hop at which each node was first reached; -1 for nodes never reached.
    first_hop: []i32,
};

pub const Error = error{ InvalidArgument, OutOfMemory };

/// Fills `out` and returns the number of nodes with an activation above 0.
/// The graph must be valid (the caller checked it once, when it was built).
/// Each seed is read exactly once and checked as it is read, since the seed
/// buffer belongs to the caller: a seed outside 0..node_count-1 or an
/// activation outside (0, 1] fails with `error.InvalidArgument`, leaving
/// `out` unspecified.
pub fn spread(scratch: *ScratchArena, graph: Graph, seeds: Seeds, params: Params, out: Output) Error!u32 {
    const node_count = graph.nodeCount();
    assert(node_count <= node_count_max);
    assert(out.activation.len == node_count and out.first_hop.len == node_count);
    assert(params.hop_factors.len >= 1 and params.hop_factors.len <= depth_max);
    assert(seeds.nodes.len == seeds.activations.len);
    if (std.debug.runtime_safety) assertValid(graph);

    @memset(out.activation, 0);
    @memset(out.first_hop, -1);
    if (node_count == 0) {
        // No node id is inside an empty graph.
        if (seeds.nodes.len != 0) return error.InvalidArgument;
        return 0;
    }

    var work = try Work.init(scratch, node_count);
    var frontier_len = try work.seed(seeds, out);
    for (params.hop_factors, 1..) |hop_factor, hop| {
        if (frontier_len == 0) break;
        work.propagate(graph, frontier_len, hop_factor);
        frontier_len = work.apply(@intCast(hop), params, out);
    }
    return countActivated(out.activation);
}

/// Sentinel of `Work.fired_hop` for a node that has not fired.
const fired_never: u8 = std.math.maxInt(u8);

comptime {
    assert(depth_max < fired_never);
}

/// Per-call scratch, all of it from the call's arena.
const Work = struct {
    /// Activation each node receives in the current hop.
    delta: []f32,
    /// One bit per node that received an edge this hop (or a seed at hop 0);
    /// scanning it yields those nodes in ascending order.
    touched: []u64,
    /// Nodes firing at the current hop, ascending, and their energies. The
    /// next frontier overwrites it once the current one has propagated.
    frontier_node: []u32,
    frontier_energy: []f32,
    /// Hop at which each node last fired, or `fired_never`.
    fired_hop: []u8,

    fn init(scratch: *ScratchArena, node_count: u32) error{OutOfMemory}!Work {
        assert(node_count >= 1);
        const work = Work{
            .delta = try scratch.alloc(f32, node_count),
            .touched = try scratch.alloc(u64, (node_count + 63) / 64),
            .frontier_node = try scratch.alloc(u32, node_count),
            .frontier_energy = try scratch.alloc(f32, node_count),
            .fired_hop = try scratch.alloc(u8, node_count),
        };
        @memset(work.delta, 0);
        @memset(work.touched, 0);
        @memset(work.fired_hop, fired_never);
        return work;
    }

    fn markTouched(work: *Work, node: u32) void {
        work.touched[node / 64] |= @as(u64, 1) << @intCast(node % 64);
    }

    /// Sums and caps the seeds; returns the size of the hop-0 frontier.
    fn seed(work: *Work, seeds: Seeds, out: Output) error{InvalidArgument}!u32 {
        const node_count = out.activation.len;
        for (seeds.nodes, seeds.activations) |node_id, activation| {
            if (node_id < 0 or node_id >= node_count) return error.InvalidArgument;
            if (!(activation > 0 and activation <= 1)) return error.InvalidArgument;
            const node: u32 = @intCast(node_id);
            out.activation[node] += activation;
            work.markTouched(node);
        }
        var frontier_len: u32 = 0;
        for (work.touched, 0..) |*word, word_index| {
            var bits = word.*;
            word.* = 0;
            while (bits != 0) : (bits &= bits - 1) {
                const node: u32 = @intCast(word_index * 64 + @ctz(bits));
                const activation = capAtOne(out.activation[node]);
                out.activation[node] = activation;
                out.first_hop[node] = 0;
                work.fired_hop[node] = 0;
                work.frontier_node[frontier_len] = node;
                work.frontier_energy[frontier_len] = activation;
                frontier_len += 1;
            }
        }
        assert(frontier_len >= 1 or seeds.nodes.len == 0);
        return frontier_len;
    }

    fn propagate(work: *Work, graph: Graph, frontier_len: u32, hop_factor: f32) void {
        assert(frontier_len >= 1 and frontier_len <= work.frontier_node.len);
        for (work.frontier_node[0..frontier_len], work.frontier_energy[0..frontier_len]) |node, energy| {
            const edges_begin: usize = @intCast(graph.offsets[node]);
            const edges_end: usize = @intCast(graph.offsets[node + 1]);
            const targets = graph.targets[edges_begin..edges_end];
            for (targets, graph.weights[edges_begin..edges_end]) |target_id, weight| {
                const target: u32 = @intCast(target_id);
                const contribution = (energy * weight) * hop_factor;
                work.delta[target] += contribution;
                work.markTouched(target);
            }
        }
    }

    /// Applies the deltas of `hop` in ascending node order; returns the size
    /// of the next frontier.
    fn apply(work: *Work, hop: u8, params: Params, out: Output) u32 {
        assert(hop >= 1 and hop <= depth_max);
        var frontier_len: u32 = 0;
        for (work.touched, 0..) |*word, word_index| {
            var bits = word.*;
            word.* = 0;
            while (bits != 0) : (bits &= bits - 1) {
                const node: u32 = @intCast(word_index * 64 + @ctz(bits));
                const delta = work.delta[node];
                work.delta[node] = 0;
                if (!(delta > 0)) continue;
                const before = out.activation[node];
                const applied = capAtOne(before + delta) - before;
                out.activation[node] = before + applied;
                if (out.first_hop[node] == -1) out.first_hop[node] = hop;
                if (applied >= params.threshold and !isRefractory(work.fired_hop[node], hop, params.refractory_hops)) {
                    work.fired_hop[node] = hop;
                    work.frontier_node[frontier_len] = node;
                    work.frontier_energy[frontier_len] = applied;
                    frontier_len += 1;
                }
            }
        }
        assert(frontier_len <= work.frontier_node.len);
        return frontier_len;
    }
};

/// `min(1, x)` as Java's `Math.min(1f, x)` computes it, NaN included.
fn capAtOne(x: f32) f32 {
    return if (x > 1) 1 else x;
}

fn isRefractory(fired_hop: u8, hop: u8, refractory_hops: u32) bool {
    if (fired_hop == fired_never) return false;
    assert(fired_hop < hop);
    return @as(u64, hop) < @as(u64, fired_hop) + @as(u64, refractory_hops) + 1;
}

fn countActivated(activation: []const f32) u32 {
    var count: u32 = 0;
    for (activation) |a| count += @intFromBool(a > 0);
    return count;
}

/// The graph invariants the Java side establishes once per graph; checked
/// again here only in builds with runtime safety, as it costs O(n + m).
fn assertValid(graph: Graph) void {
    const node_count = graph.nodeCount();
    assert(graph.offsets[0] == 0);
    for (graph.offsets[0..node_count], graph.offsets[1..]) |begin, end| assert(begin <= end);
    const edge_count: usize = @intCast(graph.offsets[node_count]);
    assert(graph.targets.len == edge_count and graph.weights.len == edge_count);
    for (graph.targets) |target| assert(target >= 0 and target < node_count);
    for (graph.weights) |weight| assert(weight >= 0 and weight <= 1);
}

const testing = std.testing;
const allocator_module = @import("allocator.zig");

const Result = struct {
    activation: []f32,
    first_hop: []i32,
    activated_count: u32,

    fn deinit(result: Result) void {
        testing.allocator.free(result.activation);
        testing.allocator.free(result.first_hop);
    }
};

fn run(graph: Graph, seeds: Seeds, params: Params) !Result {
    const node_count = graph.nodeCount();
    var result = Result{
        .activation = try testing.allocator.alloc(f32, node_count),
        .first_hop = try testing.allocator.alloc(i32, node_count),
        .activated_count = 0,
    };
    errdefer result.deinit();
    var scratch = ScratchArena.init(allocator_module.capacity_bytes_default);
    defer scratch.deinit();
    result.activated_count = try spread(&scratch, graph, seeds, params, .{
        .activation = result.activation,
        .first_hop = result.first_hop,
    });
    return result;
}

fn expectResult(result: Result, activation: []const f32, first_hop: []const i32, activated_count: u32) !void {
    try testing.expectEqualSlices(f32, activation, result.activation);
    try testing.expectEqualSlices(i32, first_hop, result.first_hop);
    try testing.expectEqual(activated_count, result.activated_count);
}

const halves = [_]f32{0.5} ** depth_max;

/// 0 -> 1 -> 2 -> 3, every weight 0.5.
const chain = Graph{
    .offsets = &.{ 0, 1, 2, 3, 3 },
    .targets = &.{ 1, 2, 3 },
    .weights = &.{ 0.5, 0.5, 0.5 },
};

test "a four-node chain loses a factor 4 per hop" {
    const seeds = Seeds{ .nodes = &.{0}, .activations = &.{1} };
    const full = try run(chain, seeds, .{ .hop_factors = halves[0..3], .refractory_hops = 3, .threshold = 0 });
    defer full.deinit();
    try expectResult(full, &.{ 1, 0.25, 0.0625, 0.015625 }, &.{ 0, 1, 2, 3 }, 4);

    const shallow = try run(chain, seeds, .{ .hop_factors = halves[0..2], .refractory_hops = 2, .threshold = 0 });
    defer shallow.deinit();
    try expectResult(shallow, &.{ 1, 0.25, 0.0625, 0 }, &.{ 0, 1, 2, -1 }, 3);
}

test "a four-node chain with non-dyadic factors gives the float32 products" {
    const graph = Graph{
        .offsets = &.{ 0, 1, 2, 3, 3 },
        .targets = &.{ 1, 2, 3 },
        .weights = &.{ 0.9, 0.7, 0.3 },
    };
    const hop_factors = [_]f32{ 0.8, 0.6, 0.4 };
    const result = try run(graph, .{ .nodes = &.{0}, .activations = &.{0.75} }, .{
        .hop_factors = &hop_factors,
        .refractory_hops = 3,
        .threshold = 0,
    });
    defer result.deinit();
    // Each product is rounded to float32 before the next: node 1 holds
    // 0x3F0A3D70, one ulp below the float32 nearest to 0.54.
    try expectResult(result, &.{
        0.75,
        @bitCast(@as(u32, 0x3F0A3D70)),
        @bitCast(@as(u32, 0x3E683E41)),
        @bitCast(@as(u32, 0x3CDEF417)),
    }, &.{ 0, 1, 2, 3 }, 4);
}

test "two contributions to one node are multiplied and added apart, never fused" {
    // 0 -> 2 and 1 -> 2. A fused multiply-add of the second contribution
    // would give 0x3EDD0E57 instead of 0x3EDD0E56.
    const graph = Graph{ .offsets = &.{ 0, 1, 2, 2 }, .targets = &.{ 2, 2 }, .weights = &.{ 0.9, 0.7 } };
    const hop_factors = [_]f32{0.55};
    const result = try run(graph, .{ .nodes = &.{ 0, 1 }, .activations = &.{ 0.6, 0.35 } }, .{
        .hop_factors = &hop_factors,
        .refractory_hops = 1,
        .threshold = 0,
    });
    defer result.deinit();
    try testing.expectEqual(@as(u32, 0x3EDD0E56), @as(u32, @bitCast(result.activation[2])));
}

test "seeds are summed, capped at 1, and fire once each" {
    const seeds = Seeds{ .nodes = &.{ 2, 0, 2, 0 }, .activations = &.{ 0.75, 0.5, 0.75, 0.25 } };
    const result = try run(chain, seeds, .{ .hop_factors = halves[0..1], .refractory_hops = 1, .threshold = 0 });
    defer result.deinit();
    // Node 0 fires 0.75 into node 1; node 2 fires 1 into node 3.
    try expectResult(result, &.{ 0.75, 0.1875, 1, 0.25 }, &.{ 0, 1, 0, 1 }, 4);
}

test "activation saturates at 1" {
    // 0 -> 2, 1 -> 2, 2 -> 3, weights 1, factors 1.
    const graph = Graph{
        .offsets = &.{ 0, 1, 2, 3, 3 },
        .targets = &.{ 2, 2, 3 },
        .weights = &.{ 1, 1, 1 },
    };
    const ones = [_]f32{ 1, 1 };
    const seeds = Seeds{ .nodes = &.{ 0, 1 }, .activations = &.{ 1, 1 } };
    const result = try run(graph, seeds, .{ .hop_factors = &ones, .refractory_hops = 2, .threshold = 0 });
    defer result.deinit();
    try expectResult(result, &.{ 1, 1, 1, 1 }, &.{ 0, 0, 1, 2 }, 4);

    // Node 2 already holds 0.75: it gains only 0.25, and passes only that on.
    const partly = Seeds{ .nodes = &.{ 0, 1, 2 }, .activations = &.{ 1, 1, 0.75 } };
    const capped = try run(graph, partly, .{ .hop_factors = &ones, .refractory_hops = 0, .threshold = 0 });
    defer capped.deinit();
    try expectResult(capped, &.{ 1, 1, 1, 1 }, &.{ 0, 0, 0, 1 }, 4);
    const first = try run(graph, partly, .{ .hop_factors = ones[0..1], .refractory_hops = 0, .threshold = 0 });
    defer first.deinit();
    try expectResult(first, &.{ 1, 1, 1, 0.75 }, &.{ 0, 0, 0, 1 }, 4);
}

test "a self-loop refires with refractory 0 and not with the default" {
    const loop = Graph{ .offsets = &.{ 0, 1 }, .targets = &.{0}, .weights = &.{1} };
    const seeds = Seeds{ .nodes = &.{0}, .activations = &.{0.5} };
    const again = try run(loop, seeds, .{ .hop_factors = halves[0..3], .refractory_hops = 0, .threshold = 0 });
    defer again.deinit();
    // 0.5, then +0.25, +0.125, +0.0625 as the node refires every hop.
    try expectResult(again, &.{0.9375}, &.{0}, 1);

    const once = try run(loop, seeds, .{ .hop_factors = halves[0..3], .refractory_hops = 3, .threshold = 0 });
    defer once.deinit();
    try expectResult(once, &.{0.75}, &.{0}, 1);

    const widest = try run(loop, seeds, .{ .hop_factors = halves[0..3], .refractory_hops = std.math.maxInt(u32), .threshold = 0 });
    defer widest.deinit();
    try expectResult(widest, &.{0.75}, &.{0}, 1);

    // Refractory 1: fired at hop 0, may fire again from hop 2; it gets
    // nothing at hop 2 because it did not fire at hop 1.
    const one = try run(loop, seeds, .{ .hop_factors = halves[0..3], .refractory_hops = 1, .threshold = 0 });
    defer one.deinit();
    try expectResult(one, &.{0.75}, &.{0}, 1);
}

test "a two-node cycle: each node refires after the refractory period" {
    const cycle = Graph{ .offsets = &.{ 0, 1, 2 }, .targets = &.{ 1, 0 }, .weights = &.{ 1, 1 } };
    const seeds = Seeds{ .nodes = &.{0}, .activations = &.{0.5} };
    const refiring = try run(cycle, seeds, .{ .hop_factors = halves[0..4], .refractory_hops = 1, .threshold = 0 });
    defer refiring.deinit();
    // Hops: 1 -> node 1 +0.25; 2 -> node 0 +0.125; 3 -> node 1 +0.0625; 4 -> node 0 +0.03125.
    try expectResult(refiring, &.{ 0.65625, 0.3125 }, &.{ 0, 1 }, 2);

    const once = try run(cycle, seeds, .{ .hop_factors = halves[0..4], .refractory_hops = 4, .threshold = 0 });
    defer once.deinit();
    try expectResult(once, &.{ 0.625, 0.25 }, &.{ 0, 1 }, 2);
}

test "a gain exactly at the threshold fires, just below it does not" {
    const seeds = Seeds{ .nodes = &.{0}, .activations = &.{1} };
    const at = try run(chain, seeds, .{ .hop_factors = halves[0..3], .refractory_hops = 3, .threshold = 0.25 });
    defer at.deinit();
    try expectResult(at, &.{ 1, 0.25, 0.0625, 0 }, &.{ 0, 1, 2, -1 }, 3);

    const above = try run(chain, seeds, .{
        .hop_factors = halves[0..3],
        .refractory_hops = 3,
        .threshold = std.math.nextAfter(f32, 0.25, 1),
    });
    defer above.deinit();
    try expectResult(above, &.{ 1, 0.25, 0, 0 }, &.{ 0, 1, -1, -1 }, 2);
}

test "zero-weight edges and isolated nodes are not reached" {
    const graph = Graph{ .offsets = &.{ 0, 2, 2, 2 }, .targets = &.{ 1, 2 }, .weights = &.{ 0, 1 } };
    const result = try run(graph, .{ .nodes = &.{0}, .activations = &.{1} }, .{
        .hop_factors = halves[0..2],
        .refractory_hops = 2,
        .threshold = 0,
    });
    defer result.deinit();
    try expectResult(result, &.{ 1, 0, 0.5 }, &.{ 0, -1, 1 }, 2);
}

test "an empty graph and an empty seed list activate nothing" {
    const empty = Graph{ .offsets = &.{0}, .targets = &.{}, .weights = &.{} };
    const none = try run(empty, .{ .nodes = &.{}, .activations = &.{} }, .{
        .hop_factors = halves[0..1],
        .refractory_hops = 1,
        .threshold = 0,
    });
    defer none.deinit();
    try expectResult(none, &.{}, &.{}, 0);

    const unseeded = try run(chain, .{ .nodes = &.{}, .activations = &.{} }, .{
        .hop_factors = halves[0..3],
        .refractory_hops = 3,
        .threshold = 0,
    });
    defer unseeded.deinit();
    try expectResult(unseeded, &.{ 0, 0, 0, 0 }, &.{ -1, -1, -1, -1 }, 0);
}

/// The contract's algorithm written densely, node by node, as the oracle for
/// the frontier and bitset bookkeeping of `spread`.
fn referenceSpread(graph: Graph, seeds: Seeds, params: Params, activation: []f32, first_hop: []i32) !u32 {
    const node_count = graph.nodeCount();
    const energy = try testing.allocator.alloc(f32, node_count);
    defer testing.allocator.free(energy);
    const delta = try testing.allocator.alloc(f32, node_count);
    defer testing.allocator.free(delta);
    const fires = try testing.allocator.alloc(bool, node_count);
    defer testing.allocator.free(fires);
    const fired_at = try testing.allocator.alloc(i64, node_count);
    defer testing.allocator.free(fired_at);

    @memset(activation, 0);
    @memset(first_hop, -1);
    @memset(fires, false);
    @memset(fired_at, -1);
    for (seeds.nodes, seeds.activations) |node, a| activation[@intCast(node)] += a;
    for (seeds.nodes) |node_id| {
        const node: usize = @intCast(node_id);
        activation[node] = @min(1, activation[node]);
        first_hop[node] = 0;
        fires[node] = true;
        fired_at[node] = 0;
        energy[node] = activation[node];
    }
    for (params.hop_factors, 1..) |hop_factor, hop| {
        @memset(delta, 0);
        for (0..node_count) |u| {
            if (!fires[u]) continue;
            const begin: usize = @intCast(graph.offsets[u]);
            const end: usize = @intCast(graph.offsets[u + 1]);
            for (begin..end) |j| delta[@intCast(graph.targets[j])] += energy[u] * graph.weights[j] * hop_factor;
        }
        @memset(fires, false);
        var any = false;
        for (0..node_count) |v| {
            if (!(delta[v] > 0)) continue;
            const applied = @min(1, activation[v] + delta[v]) - activation[v];
            activation[v] += applied;
            if (first_hop[v] == -1) first_hop[v] = @intCast(hop);
            const refractory = fired_at[v] >= 0 and hop < fired_at[v] + @as(i64, params.refractory_hops) + 1;
            if (applied >= params.threshold and !refractory) {
                fires[v] = true;
                fired_at[v] = @intCast(hop);
                energy[v] = applied;
                any = true;
            }
        }
        if (!any) break;
    }
    var count: u32 = 0;
    for (activation) |a| count += @intFromBool(a > 0);
    return count;
}

test "a seed outside the graph or outside (0, 1] is refused" {
    const bad_seeds = [_]Seeds{
        .{ .nodes = &.{-1}, .activations = &.{1} },
        .{ .nodes = &.{4}, .activations = &.{1} },
        .{ .nodes = &.{ 0, 1 }, .activations = &.{ 1, 0 } },
        .{ .nodes = &.{0}, .activations = &.{-0.5} },
        .{ .nodes = &.{0}, .activations = &.{std.math.nextAfter(f32, 1, 2)} },
        .{ .nodes = &.{0}, .activations = &.{std.math.nan(f32)} },
        .{ .nodes = &.{0}, .activations = &.{std.math.inf(f32)} },
    };
    for (bad_seeds) |seeds| {
        try testing.expectError(error.InvalidArgument, run(chain, seeds, .{
            .hop_factors = halves[0..1],
            .refractory_hops = 1,
            .threshold = 0,
        }));
    }
    const empty = Graph{ .offsets = &.{0}, .targets = &.{}, .weights = &.{} };
    try testing.expectError(error.InvalidArgument, run(empty, .{ .nodes = &.{0}, .activations = &.{1} }, .{
        .hop_factors = halves[0..1],
        .refractory_hops = 1,
        .threshold = 0,
    }));
}

test "random graphs with cycles and self-loops match the dense reference bit for bit" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0003);
    const random = prng.random();
    const refractory_choices = [_]u32{ 0, 1, 2, 3, 5, depth_max, std.math.maxInt(u32) };
    var offsets: [65]i32 = undefined;
    var targets: [400]i32 = undefined;
    var weights: [400]f32 = undefined;
    var seed_nodes: [12]i32 = undefined;
    var seed_activations: [12]f32 = undefined;
    var hop_factors: [depth_max]f32 = undefined;
    var activation: [64]f32 = undefined;
    var first_hop: [64]i32 = undefined;

    for (0..1500) |_| {
        const node_count = random.intRangeAtMost(u32, 1, 64);
        offsets[0] = 0;
        for (1..node_count + 1) |u| {
            offsets[u] = offsets[u - 1] + random.intRangeAtMost(i32, 0, 6);
        }
        const edge_count: usize = @intCast(offsets[node_count]);
        for (targets[0..edge_count], weights[0..edge_count]) |*target, *weight| {
            target.* = random.intRangeLessThan(i32, 0, @intCast(node_count));
            weight.* = switch (random.uintLessThan(u8, 8)) {
                0 => 0,
                1 => 1,
                else => random.float(f32),
            };
        }
        const seed_count = random.uintAtMost(usize, seed_nodes.len);
        for (seed_nodes[0..seed_count], seed_activations[0..seed_count]) |*node, *a| {
            node.* = random.intRangeLessThan(i32, 0, @intCast(node_count));
            a.* = if (random.boolean()) 1 else 1 - random.float(f32);
        }
        const max_depth = random.intRangeAtMost(u32, 1, depth_max);
        const rate = random.float(f32);
        for (hop_factors[0..max_depth], 1..) |*factor, hop| {
            factor.* = @exp(-rate * @as(f32, @floatFromInt(hop)));
        }
        const graph = Graph{
            .offsets = offsets[0 .. node_count + 1],
            .targets = targets[0..edge_count],
            .weights = weights[0..edge_count],
        };
        const seeds = Seeds{ .nodes = seed_nodes[0..seed_count], .activations = seed_activations[0..seed_count] };
        const params = Params{
            .hop_factors = hop_factors[0..max_depth],
            .refractory_hops = refractory_choices[random.uintLessThan(usize, refractory_choices.len)],
            .threshold = switch (random.uintLessThan(u8, 4)) {
                0 => 0,
                1 => 0.01,
                2 => random.float(f32) * 0.2,
                else => 0.25,
            },
        };
        const expected_count = try referenceSpread(graph, seeds, params, activation[0..node_count], first_hop[0..node_count]);
        const result = try run(graph, seeds, params);
        defer result.deinit();
        for (activation[0..node_count], result.activation) |want, got| {
            try testing.expectEqual(@as(u32, @bitCast(want)), @as(u32, @bitCast(got)));
        }
        try testing.expectEqualSlices(i32, first_hop[0..node_count], result.first_hop);
        try testing.expectEqual(expected_count, result.activated_count);
    }
}
