//! Level-synchronous activation spreading over a CSR graph, in float32 and in
//! the exact order of the kernel contract, so that every implementation
//! returns bit-identical activations. No fused multiply-add: this file keeps
//! the default (strict) float mode and writes every product and sum apart.
//!
//! The work of a call is proportional to the seeds, the nodes reached and the
//! edges they fire along, never to the node count: the node tables live in
//! the arena's retained region, clean between calls, and each call cleans
//! only the entries it touched. Only the dense output fills every node.

const std = @import("std");
const allocator = @import("allocator.zig");
const Arena = allocator.Arena;

const assert = std.debug.assert;

pub const depth_max: u32 = 32;
/// Node ids travel as i32.
pub const node_count_max: u32 = std.math.maxInt(i32);
/// Offsets travel as i32.
pub const edge_count_max: u64 = std.math.maxInt(i32);
/// Bytes of node tables per node: activation f32, delta f32, fired u8.
pub const table_bytes_per_node = 9;

/// CSR adjacency: the edges of node u are `offsets[u]..offsets[u + 1]`. The
/// caller validated it once, but it may change under a running call, so the
/// traversal re-checks each part it follows.
pub const Graph = struct {
    offsets: []const i32,
    targets: []const i32,
    weights: []const f32,

    pub fn nodeCount(graph: Graph) u32 {
        assert(graph.offsets.len >= 1);
        assert(graph.targets.len == graph.weights.len);
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

/// The output modes; the numeric values are part of the ABI (`engram_spread`).
pub const Mode = enum(u32) { dense = 0, sparse = 1 };

pub const Output = union(Mode) {
    /// One entry per node: 0 and -1 for nodes never activated.
    dense: struct { activation: []f32, first_hop: []i32 },
    /// The first `capacity` nodes in activation order: seeds ascending, then
    /// the nodes first reached at hop 1 ascending, then hop 2, and so on.
    sparse: struct { node: []i32, activation: []f32, first_hop: []i32 },
};

pub const Error = error{ InvalidArgument, OutOfMemory, ArenaOverflow, ArenaPanic };

/// Writes `out` and returns the number of nodes with an activation above 0.
/// Every seed and every part of the graph the traversal follows is checked
/// as it is read; a failed check is `error.InvalidArgument`, with `out`
/// unspecified. Any other error leaves `out` untouched.
pub fn spread(arena: *Arena, graph: Graph, seeds: Seeds, params: Params, out: Output) Error!u32 {
    const node_count = graph.nodeCount();
    assert(node_count <= node_count_max);
    assert(params.hop_factors.len >= 1 and params.hop_factors.len <= depth_max);
    assert(seeds.nodes.len == seeds.activations.len);
    assertOutput(out, node_count);
    if (graph.offsets[0] != 0) return error.InvalidArgument;
    if (graph.offsets[node_count] != graph.targets.len) return error.InvalidArgument;
    if (node_count == 0) {
        // No node id is inside an empty graph.
        if (seeds.nodes.len != 0) return error.InvalidArgument;
        return 0;
    }

    var work = Work{
        .tables = try takeTables(arena, node_count),
        .lists = try Lists.init(arena, node_count),
        .node_count = node_count,
        .radix_passes = radixPasses(node_count),
    };
    arena.beginRetainedUse();
    defer {
        work.clean();
        arena.endRetainedUse();
    }
    try work.seed(seeds);
    for (params.hop_factors, 1..) |hop_factor, hop| {
        if (work.frontier_len == 0) break;
        try work.propagate(graph, hop_factor);
        work.apply(@intCast(hop), params);
    }
    work.write(out);
    const reached_count = work.reached_len;
    assert(reached_count <= node_count);
    return reached_count;
}

fn assertOutput(out: Output, node_count: u32) void {
    switch (out) {
        .dense => |dense| assert(dense.activation.len == node_count and dense.first_hop.len == node_count),
        .sparse => |sparse| {
            assert(sparse.activation.len == sparse.node.len and sparse.first_hop.len == sparse.node.len);
            assert(sparse.node.len <= std.math.maxInt(u32));
        },
    }
}

/// Sentinel of `Tables.fired` for a node that has not fired.
const fired_never: u8 = std.math.maxInt(u8);

comptime {
    assert(depth_max < fired_never);
}

/// The per-node state, clean (0, 0, `fired_never`) between calls.
const Tables = struct {
    activation: []f32,
    /// Activation each node receives in the current hop.
    delta: []f32,
    /// Hop at which each node last fired, or `fired_never`.
    fired: []u8,

    /// The tables of `capacity` nodes laid out in `bytes`, cut to `node_count`.
    fn in(bytes: []align(allocator.memory_alignment) u8, capacity: u32, node_count: u32) Tables {
        assert(node_count <= capacity);
        assert(bytes.len >= @as(usize, capacity) * table_bytes_per_node);
        const floats: [*]f32 = @ptrCast(bytes.ptr);
        const fired_start = @as(usize, capacity) * 2 * @sizeOf(f32);
        return .{
            .activation = floats[0..node_count],
            .delta = floats[capacity..][0..node_count],
            .fired = bytes[fired_start..][0..node_count],
        };
    }

    fn fill(tables: Tables) void {
        @memset(tables.activation, 0);
        @memset(tables.delta, 0);
        @memset(tables.fired, fired_never);
    }
};

/// The retained tables if they are big enough; else new ones, cleaned once.
fn takeTables(arena: *Arena, node_count: u32) Error!Tables {
    assert(node_count >= 1);
    const retained = arena.retained();
    const capacity = retained.len / table_bytes_per_node;
    if (capacity >= node_count) return Tables.in(retained, @intCast(capacity), node_count);
    const region = try arena.retain(@as(usize, node_count) * table_bytes_per_node);
    assert(region.retained == (arena.retained().len == region.bytes.len));
    const tables = Tables.in(region.bytes, node_count, node_count);
    tables.fill();
    arena.countCleaning();
    return tables;
}

/// The per-call lists, `node_count` entries each, from the arena's scratch.
const Lists = struct {
    /// Nodes firing at the current hop, ascending, and their energies. The
    /// next frontier overwrites it once the current one has propagated.
    frontier_node: []u32,
    frontier_energy: []f32,
    /// Nodes whose delta turned non-zero this hop (the seeds, at hop 0); and
    /// the other buffer of its radix sort.
    touched: []u32,
    spare: []u32,
    /// Every node activated, in activation order, and the hop it was first reached at.
    reached_node: []u32,
    reached_hop: []u8,

    fn init(arena: *Arena, node_count: u32) Error!Lists {
        assert(node_count >= 1);
        const lists = Lists{
            .frontier_node = try arena.alloc(u32, node_count),
            .frontier_energy = try arena.alloc(f32, node_count),
            .touched = try arena.alloc(u32, node_count),
            .spare = try arena.alloc(u32, node_count),
            .reached_node = try arena.alloc(u32, node_count),
            .reached_hop = try arena.alloc(u8, node_count),
        };
        assert(lists.touched.len == node_count and lists.reached_hop.len == node_count);
        return lists;
    }
};

const Work = struct {
    tables: Tables,
    lists: Lists,
    node_count: u32,
    radix_passes: u8,
    frontier_len: u32 = 0,
    touched_len: u32 = 0,
    reached_len: u32 = 0,

    /// Sums the seeds in the order given, then caps them and makes them the
    /// hop-0 frontier in ascending node order.
    fn seed(work: *Work, seeds: Seeds) error{InvalidArgument}!void {
        assert(work.touched_len == 0 and work.reached_len == 0);
        const activation = work.tables.activation;
        for (seeds.nodes, seeds.activations) |node_id, seed_activation| {
            if (node_id < 0 or node_id >= work.node_count) return error.InvalidArgument;
            if (!(seed_activation > 0 and seed_activation <= 1)) return error.InvalidArgument;
            const node: u32 = @intCast(node_id);
            // A seed's activation is above 0 once added, so no node is listed twice.
            if (activation[node] == 0) work.appendTouched(node);
            activation[node] += seed_activation;
        }
        work.sortTouched();
        for (work.lists.touched[0..work.touched_len]) |node| {
            activation[node] = capAtOne(activation[node]);
            work.tables.fired[node] = 0;
            work.appendReached(node, 0);
            work.appendFrontier(node, activation[node]);
        }
        work.touched_len = 0;
    }

    /// Sends each frontier node's energy along its edges, in CSR order.
    fn propagate(work: *Work, graph: Graph, hop_factor: f32) error{InvalidArgument}!void {
        assert(work.frontier_len >= 1 and work.touched_len == 0);
        const edge_count = graph.targets.len;
        const frontier = work.lists.frontier_node[0..work.frontier_len];
        for (frontier, work.lists.frontier_energy[0..work.frontier_len], 0..) |node, energy, i| {
            prefetchRows(graph, frontier, i);
            const begin = graph.offsets[node];
            const end = graph.offsets[node + 1];
            if (!(begin >= 0 and begin <= end and end <= edge_count)) return error.InvalidArgument;
            const edges_begin: usize = @intCast(begin);
            const edges_end: usize = @intCast(end);
            try work.fire(graph.targets[edges_begin..edges_end], graph.weights[edges_begin..edges_end], energy, hop_factor);
        }
    }

    /// Frontier nodes ahead of the one firing: the offsets of the node
    /// `offsets_ahead` on, and the rows (targets and weights) of the node
    /// `rows_ahead` on, whose offsets an earlier prefetch brought in. A
    /// prefetch never faults, and an offset a caller changed only sends one
    /// to the wrong place: both are clamped into the arrays all the same.
    const offsets_ahead = 16;
    const rows_ahead = 8;

    fn prefetchRows(graph: Graph, frontier: []const u32, i: usize) void {
        if (i + offsets_ahead < frontier.len) {
            @prefetch(&graph.offsets[frontier[i + offsets_ahead]], .{});
        }
        if (i + rows_ahead < frontier.len and graph.targets.len != 0) {
            const begin: u32 = @bitCast(graph.offsets[frontier[i + rows_ahead]]);
            const edge = @min(begin, graph.targets.len - 1);
            @prefetch(&graph.targets[edge], .{});
            @prefetch(&graph.weights[edge], .{});
        }
    }

    fn fire(work: *Work, targets: []const i32, weights: []const f32, energy: f32, hop_factor: f32) error{InvalidArgument}!void {
        assert(targets.len == weights.len);
        const delta = work.tables.delta;
        for (targets, weights) |target_id, weight| {
            if (target_id < 0 or target_id >= work.node_count) return error.InvalidArgument;
            // A weight the caller changed after the graph was validated would spread
            // numbers the contract does not define: refused, like a bad target.
            if (!(weight >= 0 and weight <= 1)) return error.InvalidArgument;
            const target: u32 = @intCast(target_id);
            const contribution = (energy * weight) * hop_factor;
            // With valid weights `!= 0` is `> 0`; kept as `!= 0` so that, whatever
            // the numbers, a node whose delta moves away from 0 is listed and cleaned.
            // Without a branch: whether a node is new this hop is a coin toss
            // the branch predictor loses.
            const first = @intFromBool(delta[target] == 0) & @intFromBool(contribution != 0);
            if (work.touched_len == work.node_count and first == 1) return error.InvalidArgument;
            work.appendTouchedIf(target, first);
            delta[target] += contribution;
        }
    }

    /// Applies the deltas of `hop` in ascending node order and builds the
    /// next frontier.
    fn apply(work: *Work, hop: u8, params: Params) void {
        assert(hop >= 1 and hop <= depth_max);
        assert(work.touched_len <= work.node_count);
        work.sortTouched();
        const tables = work.tables;
        work.frontier_len = 0;
        for (work.lists.touched[0..work.touched_len]) |node| {
            const delta = tables.delta[node];
            tables.delta[node] = 0;
            // Always true for valid weights; a node listed twice gets 0 the second time.
            if (!(delta > 0)) continue;
            const before = tables.activation[node];
            const applied = capAtOne(before + delta) - before;
            tables.activation[node] = before + applied;
            // Without branches, as in `fire`.
            work.appendReachedIf(node, hop, @intFromBool(before == 0));
            const fired = tables.fired[node];
            const fires = @intFromBool(applied >= params.threshold) & ~isRefractory(fired, hop, params.refractory_hops);
            tables.fired[node] = if (fires == 1) hop else fired;
            work.appendFrontierIf(node, applied, fires);
        }
        work.touched_len = 0;
    }

    fn write(work: *const Work, out: Output) void {
        const reached = work.lists.reached_node[0..work.reached_len];
        const hops = work.lists.reached_hop[0..work.reached_len];
        const activation = work.tables.activation;
        switch (out) {
            .dense => |dense| {
                // The activation table is the dense activation: the reached
                // nodes' values and +0.0 elsewhere. A copy in order costs
                // less than a fill and a scatter to random nodes.
                copy(f32, dense.activation, activation);
                fill(i32, dense.first_hop, -1);
                for (reached, hops) |node, hop| dense.first_hop[node] = hop;
            },
            .sparse => |sparse| {
                const written = @min(sparse.node.len, reached.len);
                for (reached[0..written], hops[0..written], 0..) |node, hop, i| {
                    sparse.node[i] = @intCast(node);
                    sparse.activation[i] = activation[node];
                    sparse.first_hop[i] = hop;
                }
            },
        }
    }

    /// Puts back every table entry the call changed: those of the reached
    /// nodes and of the nodes touched in an unfinished hop (or seeding).
    fn clean(work: *Work) void {
        assert(work.reached_len <= work.node_count and work.touched_len <= work.node_count);
        const tables = work.tables;
        for (work.lists.reached_node[0..work.reached_len]) |node| {
            tables.activation[node] = 0;
            tables.fired[node] = fired_never;
        }
        for (work.lists.touched[0..work.touched_len]) |node| {
            tables.activation[node] = 0;
            tables.delta[node] = 0;
        }
        work.reached_len = 0;
        work.touched_len = 0;
    }

    fn appendTouched(work: *Work, node: u32) void {
        assert(work.touched_len < work.node_count);
        work.lists.touched[work.touched_len] = node;
        work.touched_len += 1;
    }

    /// Writes `node` past the end of the list and counts it only if
    /// `counted` is 1. A full list (every node in it, so nothing more to
    /// count) takes no write: a branch the predictor always wins.
    fn appendTouchedIf(work: *Work, node: u32, counted: u1) void {
        if (work.touched_len == work.node_count) {
            assert(counted == 0);
            return;
        }
        work.lists.touched[work.touched_len] = node;
        work.touched_len += counted;
    }

    fn appendReachedIf(work: *Work, node: u32, hop: u8, counted: u1) void {
        if (work.reached_len == work.node_count) {
            assert(counted == 0);
            return;
        }
        work.lists.reached_node[work.reached_len] = node;
        work.lists.reached_hop[work.reached_len] = hop;
        work.reached_len += counted;
    }

    fn appendFrontierIf(work: *Work, node: u32, energy: f32, counted: u1) void {
        if (work.frontier_len == work.node_count) {
            assert(counted == 0);
            return;
        }
        work.lists.frontier_node[work.frontier_len] = node;
        work.lists.frontier_energy[work.frontier_len] = energy;
        work.frontier_len += counted;
    }

    fn appendReached(work: *Work, node: u32, hop: u8) void {
        // A node is reached once: when its activation leaves 0, which it never returns to.
        assert(work.reached_len < work.node_count);
        work.lists.reached_node[work.reached_len] = node;
        work.lists.reached_hop[work.reached_len] = hop;
        work.reached_len += 1;
    }

    fn appendFrontier(work: *Work, node: u32, energy: f32) void {
        assert(work.frontier_len < work.node_count);
        work.lists.frontier_node[work.frontier_len] = node;
        work.lists.frontier_energy[work.frontier_len] = energy;
        work.frontier_len += 1;
    }

    fn sortTouched(work: *Work) void {
        const touched = work.lists.touched[0..work.touched_len];
        const sorted = sortAscending(touched, work.lists.spare[0..work.touched_len], work.radix_passes);
        if (sorted.ptr == work.lists.spare.ptr) std.mem.swap([]u32, &work.lists.touched, &work.lists.spare);
        assert(work.lists.touched.ptr == sorted.ptr);
    }
};

/// `@memset` in vector stores. The library links no libc, and the memset of
/// compiler_rt that @memset calls stores one byte at a time: a tenth of a
/// spread over 10,000 nodes went there. (Volatile stores, so that LLVM does
/// not turn the loop back into that call.)
fn fill(comptime T: type, slice: []T, value: T) void {
    const lanes = 64 / @sizeOf(T);
    const Chunk = @Vector(lanes, T);
    const chunk: Chunk = @splat(value);
    const whole = slice.len - slice.len % lanes;
    var i: usize = 0;
    while (i < whole) : (i += lanes) {
        const target: *align(@alignOf(T)) volatile Chunk = @ptrCast(slice[i..].ptr);
        target.* = chunk;
    }
    for (slice[whole..]) |*x| x.* = value;
}

/// `@memcpy` in vector loads and stores, for the reason of `fill`.
fn copy(comptime T: type, to: []T, from: []const T) void {
    assert(to.len == from.len);
    const lanes = 64 / @sizeOf(T);
    const Chunk = @Vector(lanes, T);
    const whole = to.len - to.len % lanes;
    var i: usize = 0;
    while (i < whole) : (i += lanes) {
        const target: *align(@alignOf(T)) volatile Chunk = @ptrCast(to[i..].ptr);
        target.* = from[i..][0..lanes].*;
    }
    for (to[whole..], from[whole..]) |*x, y| x.* = y;
}

/// Lists up to this long are sorted by insertion, longer ones by radix.
const insertion_sort_len_max = 64;

/// Digits of 8 bits that the largest node id needs, at least 1.
fn radixPasses(node_count: u32) u8 {
    assert(node_count >= 1);
    const largest = node_count - 1;
    const bits: u8 = 32 - @clz(largest);
    const passes = @max(1, (bits + 7) / 8);
    assert(passes >= 1 and passes <= 4);
    return passes;
}

/// Sorts `keys` ascending, each below 2^(8 * passes); returns the buffer that
/// holds the result, `keys` or `spare`.
fn sortAscending(keys: []u32, spare: []u32, passes: u8) []u32 {
    assert(keys.len == spare.len);
    assert(passes >= 1 and passes <= 4);
    if (keys.len <= insertion_sort_len_max) {
        std.sort.insertion(u32, keys, {}, std.sort.asc(u32));
        return keys;
    }
    var from = keys;
    var to = spare;
    for (0..passes) |pass| {
        radixPass(from, to, @intCast(pass * 8));
        std.mem.swap([]u32, &from, &to);
    }
    return from;
}

/// One stable counting pass of an LSD radix sort, on the byte at `shift`.
fn radixPass(from: []const u32, to: []u32, shift: u5) void {
    assert(from.len == to.len);
    assert(shift % 8 == 0);
    var counts = [_]u32{0} ** 256;
    for (from) |key| counts[(key >> shift) & 0xff] += 1;
    var start: u32 = 0;
    for (&counts) |*count| {
        const n = count.*;
        count.* = start;
        start += n;
    }
    assert(start == from.len);
    for (from) |key| {
        const digit = (key >> shift) & 0xff;
        to[counts[digit]] = key;
        counts[digit] += 1;
    }
}

/// `min(1, x)` as Java's `Math.min(1f, x)` computes it, NaN included.
fn capAtOne(x: f32) f32 {
    return if (x > 1) 1 else x;
}

/// 1 if a node that last fired at `fired_hop` may not fire at `hop`; without
/// a branch.
fn isRefractory(fired_hop: u8, hop: u8, refractory_hops: u32) u1 {
    assert(fired_hop == fired_never or fired_hop < hop);
    const has_fired = @intFromBool(fired_hop != fired_never);
    return has_fired & @intFromBool(@as(u64, hop) < @as(u64, fired_hop) + @as(u64, refractory_hops) + 1);
}

const testing = std.testing;
const arena_config = @import("arena_config.zig");

const Result = struct {
    activation: []f32,
    first_hop: []i32,
    activated_count: u32,

    fn deinit(result: Result) void {
        testing.allocator.free(result.activation);
        testing.allocator.free(result.first_hop);
    }
};

fn testArena(capacity_bytes: u64, overflow: arena_config.Overflow) !*Arena {
    return Arena.create(.{ .capacity_bytes = capacity_bytes, .overflow = overflow });
}

/// One call on `arena`, owning it as an exported entry point does.
fn spreadOn(arena: *Arena, graph: Graph, seeds: Seeds, params: Params, out: Output) Error!u32 {
    arena.beginCall() catch unreachable;
    defer arena.endCall();
    return spread(arena, graph, seeds, params, out);
}

/// The dense result, on an arena of its own.
fn run(graph: Graph, seeds: Seeds, params: Params) !Result {
    const node_count = graph.nodeCount();
    var result = Result{
        .activation = try testing.allocator.alloc(f32, node_count),
        .first_hop = try testing.allocator.alloc(i32, node_count),
        .activated_count = 0,
    };
    errdefer result.deinit();
    const arena = try testArena(arena_config.capacity_bytes_min, .@"error");
    defer arena.destroy() catch unreachable;
    result.activated_count = try spreadOn(arena, graph, seeds, params, .{ .dense = .{
        .activation = result.activation,
        .first_hop = result.first_hop,
    } });
    try expectTablesClean(arena);
    return result;
}

/// Every entry of the retained tables holds its clean value.
fn expectTablesClean(arena: *Arena) !void {
    const region = arena.memory[0..arena.retained_bytes];
    const capacity = region.len / table_bytes_per_node;
    try testing.expectEqual(region.len, capacity * table_bytes_per_node);
    // Activations and deltas (+0.0, all bits clear), then the fired hops.
    try testing.expect(std.mem.allEqual(u8, region[0 .. 8 * capacity], 0));
    try testing.expect(std.mem.allEqual(u8, region[8 * capacity ..], fired_never));
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
/// the tables and lists of `spread`.
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

/// A random graph of at most `RandomCase.nodes_max` nodes, with cycles,
/// self-loops and parallel edges, random seeds and parameters.
const RandomCase = struct {
    const nodes_max = 64;
    const refractory_choices = [_]u32{ 0, 1, 2, 3, 5, depth_max, std.math.maxInt(u32) };

    offsets: [nodes_max + 1]i32 = undefined,
    targets: [6 * nodes_max]i32 = undefined,
    weights: [6 * nodes_max]f32 = undefined,
    seed_nodes: [12]i32 = undefined,
    seed_activations: [12]f32 = undefined,
    hop_factors: [depth_max]f32 = undefined,
    graph: Graph = undefined,
    seeds: Seeds = undefined,
    params: Params = undefined,

    fn generate(case: *RandomCase, random: std.Random) void {
        const node_count = random.intRangeAtMost(u32, 1, nodes_max);
        case.offsets[0] = 0;
        for (1..node_count + 1) |u| case.offsets[u] = case.offsets[u - 1] + random.intRangeAtMost(i32, 0, 6);
        const edge_count: usize = @intCast(case.offsets[node_count]);
        for (case.targets[0..edge_count], case.weights[0..edge_count]) |*target, *weight| {
            target.* = random.intRangeLessThan(i32, 0, @intCast(node_count));
            weight.* = switch (random.uintLessThan(u8, 8)) {
                0 => 0,
                1 => 1,
                else => random.float(f32),
            };
        }
        const seed_count = random.uintAtMost(usize, case.seed_nodes.len);
        for (case.seed_nodes[0..seed_count], case.seed_activations[0..seed_count]) |*node, *a| {
            node.* = random.intRangeLessThan(i32, 0, @intCast(node_count));
            a.* = if (random.boolean()) 1 else 1 - random.float(f32);
        }
        const max_depth = random.intRangeAtMost(u32, 1, depth_max);
        const rate = random.float(f32);
        for (case.hop_factors[0..max_depth], 1..) |*factor, hop| factor.* = @exp(-rate * @as(f32, @floatFromInt(hop)));
        case.graph = .{
            .offsets = case.offsets[0 .. node_count + 1],
            .targets = case.targets[0..edge_count],
            .weights = case.weights[0..edge_count],
        };
        case.seeds = .{ .nodes = case.seed_nodes[0..seed_count], .activations = case.seed_activations[0..seed_count] };
        case.params = .{
            .hop_factors = case.hop_factors[0..max_depth],
            .refractory_hops = refractory_choices[random.uintLessThan(usize, refractory_choices.len)],
            .threshold = switch (random.uintLessThan(u8, 4)) {
                0 => 0,
                1 => 0.01,
                2 => random.float(f32) * 0.2,
                else => 0.25,
            },
        };
    }
};

/// The reference's reached nodes in activation order: by first hop, then node id.
fn activationOrder(first_hop: []const i32, order: []i32) []i32 {
    var len: usize = 0;
    for (0..depth_max + 1) |hop| {
        for (first_hop, 0..) |node_hop, node| {
            if (node_hop != hop) continue;
            order[len] = @intCast(node);
            len += 1;
        }
    }
    return order[0..len];
}

const sentinel_node: i32 = -7;
const sentinel_activation: f32 = -3.5;
const sentinel_hop: i32 = -9;

/// The first `capacity` entries of the sparse output must be the reference's
/// reached nodes in activation order, and nothing after them may be written.
fn expectSparse(
    arena: *Arena,
    case: *const RandomCase,
    capacity: usize,
    activation: []const f32,
    first_hop: []const i32,
    reached: []const i32,
) !void {
    var node: [RandomCase.nodes_max + 1]i32 = undefined;
    var sparse_activation: [RandomCase.nodes_max + 1]f32 = undefined;
    var sparse_first_hop: [RandomCase.nodes_max + 1]i32 = undefined;
    @memset(&node, sentinel_node);
    @memset(&sparse_activation, sentinel_activation);
    @memset(&sparse_first_hop, sentinel_hop);
    const count = try spreadOn(arena, case.graph, case.seeds, case.params, .{ .sparse = .{
        .node = node[0..capacity],
        .activation = sparse_activation[0..capacity],
        .first_hop = sparse_first_hop[0..capacity],
    } });
    try testing.expectEqual(reached.len, count);
    const written = @min(capacity, reached.len);
    for (reached[0..written], 0..) |want, i| {
        const v: usize = @intCast(want);
        try testing.expectEqual(want, node[i]);
        try testing.expectEqual(@as(u32, @bitCast(activation[v])), @as(u32, @bitCast(sparse_activation[i])));
        try testing.expectEqual(first_hop[v], sparse_first_hop[i]);
    }
    for (written..node.len) |i| {
        try testing.expectEqual(sentinel_node, node[i]);
        try testing.expectEqual(sentinel_activation, sparse_activation[i]);
        try testing.expectEqual(sentinel_hop, sparse_first_hop[i]);
    }
}

test "random graphs, many calls on one arena: both modes match the dense reference bit for bit" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0003);
    const random = prng.random();
    const arena = try testArena(arena_config.capacity_bytes_min, .@"error");
    defer arena.destroy() catch unreachable;
    var case = RandomCase{};
    var activation: [RandomCase.nodes_max]f32 = undefined;
    var first_hop: [RandomCase.nodes_max]i32 = undefined;
    var dense_activation: [RandomCase.nodes_max]f32 = undefined;
    var dense_first_hop: [RandomCase.nodes_max]i32 = undefined;
    var order: [RandomCase.nodes_max]i32 = undefined;
    var truncated: u32 = 0;
    for (0..1500) |_| {
        case.generate(random);
        const node_count = case.graph.nodeCount();
        const expected_count = try referenceSpread(case.graph, case.seeds, case.params, activation[0..node_count], first_hop[0..node_count]);
        const count = try spreadOn(arena, case.graph, case.seeds, case.params, .{ .dense = .{
            .activation = dense_activation[0..node_count],
            .first_hop = dense_first_hop[0..node_count],
        } });
        try testing.expectEqualSlices(u8, std.mem.sliceAsBytes(activation[0..node_count]), std.mem.sliceAsBytes(dense_activation[0..node_count]));
        try testing.expectEqualSlices(i32, first_hop[0..node_count], dense_first_hop[0..node_count]);
        try testing.expectEqual(expected_count, count);

        const reached = activationOrder(first_hop[0..node_count], &order);
        try testing.expectEqual(expected_count, reached.len);
        try expectSparse(arena, &case, node_count, &activation, &first_hop, reached);
        if (reached.len >= 1) {
            try expectSparse(arena, &case, random.uintLessThan(usize, reached.len), &activation, &first_hop, reached);
            truncated += 1;
        }
        try expectTablesClean(arena);
    }
    try testing.expect(truncated > 1000);
    // The tables grew to the largest graph once, and only when they grew.
    try testing.expect(arena.retained_cleanings <= RandomCase.nodes_max);
    try testing.expectEqual(@as(u64, RandomCase.nodes_max * table_bytes_per_node), arena.metrics.snapshot().retained_bytes);
}

test "the radix sort orders lists of every length and digit count" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0009);
    const random = prng.random();
    var keys: [3000]u32 = undefined;
    var spare: [3000]u32 = undefined;
    var expected: [3000]u32 = undefined;
    for ([_]u32{ 1, 2, 255, 256, 257, 65536, 65537, 1 << 24, (1 << 24) + 1, node_count_max }) |node_count| {
        for ([_]usize{ 0, 1, 2, 63, 64, 65, 200, 3000 }) |len| {
            for (keys[0..len]) |*key| key.* = random.uintLessThan(u32, node_count);
            @memcpy(expected[0..len], keys[0..len]);
            std.sort.pdq(u32, expected[0..len], {}, std.sort.asc(u32));
            const sorted = sortAscending(keys[0..len], spare[0..len], radixPasses(node_count));
            try testing.expectEqualSlices(u32, expected[0..len], sorted);
        }
    }
    try testing.expectEqual(@as(u8, 1), radixPasses(1));
    try testing.expectEqual(@as(u8, 1), radixPasses(256));
    try testing.expectEqual(@as(u8, 2), radixPasses(257));
    try testing.expectEqual(@as(u8, 3), radixPasses(65537));
    try testing.expectEqual(@as(u8, 4), radixPasses(node_count_max));
}

/// A graph whose node `u` has edges to `u + 1` and `u + 2` (mod n), weights 0.5.
const TwoStepGraph = struct {
    offsets: []i32,
    targets: []i32,
    weights: []f32,

    fn init(node_count: u32) !TwoStepGraph {
        const graph = TwoStepGraph{
            .offsets = try testing.allocator.alloc(i32, node_count + 1),
            .targets = try testing.allocator.alloc(i32, 2 * node_count),
            .weights = try testing.allocator.alloc(f32, 2 * node_count),
        };
        for (graph.offsets, 0..) |*offset, u| offset.* = @intCast(2 * u);
        for (0..node_count) |u| {
            graph.targets[2 * u] = @intCast((u + 1) % node_count);
            graph.targets[2 * u + 1] = @intCast((u + 2) % node_count);
        }
        @memset(graph.weights, 0.5);
        return graph;
    }

    fn deinit(graph: TwoStepGraph) void {
        testing.allocator.free(graph.offsets);
        testing.allocator.free(graph.targets);
        testing.allocator.free(graph.weights);
    }

    fn csr(graph: TwoStepGraph) Graph {
        return .{ .offsets = graph.offsets, .targets = graph.targets, .weights = graph.weights };
    }
};

test "a call on a million nodes cleans the tables once, when they grow, and then never again" {
    const node_count = 1_000_000;
    const big = try TwoStepGraph.init(node_count);
    defer big.deinit();
    const arena = try testArena(32 << 20, .@"error");
    defer arena.destroy() catch unreachable;
    const seeds = Seeds{ .nodes = &.{ 10, 500_000, 999_999 }, .activations = &.{ 1, 0.5, 0.75 } };
    const params = Params{ .hop_factors = halves[0..4], .refractory_hops = depth_max, .threshold = 0 };
    var node: [2][100]i32 = undefined;
    var activation: [2][100]f32 = undefined;
    var first_hop: [2][100]i32 = undefined;
    var counts: [2]u32 = undefined;
    for (0..2) |call| {
        counts[call] = try spreadOn(arena, big.csr(), seeds, params, .{ .sparse = .{
            .node = &node[call],
            .activation = &activation[call],
            .first_hop = &first_hop[call],
        } });
        try testing.expectEqual(@as(u64, 1), arena.retained_cleanings);
    }
    // Each seed reaches 2 new nodes per hop: 3 * (1 + 4 * 2).
    try testing.expectEqual(@as(u32, 27), counts[0]);
    try testing.expectEqual(counts[0], counts[1]);
    try testing.expectEqualSlices(i32, node[0][0..27], node[1][0..27]);
    try testing.expectEqualSlices(u8, std.mem.sliceAsBytes(activation[0][0..27]), std.mem.sliceAsBytes(activation[1][0..27]));
    try testing.expectEqualSlices(i32, first_hop[0][0..27], first_hop[1][0..27]);
    try testing.expectEqualSlices(i32, &.{ 10, 500_000, 999_999, 0, 1, 11, 12, 500_001, 500_002 }, node[0][0..9]);
    try testing.expectEqual(@as(u64, 9 * node_count), arena.metrics.snapshot().retained_bytes);

    // A smaller graph fits the tables as they are.
    const small = try TwoStepGraph.init(1000);
    defer small.deinit();
    _ = try spreadOn(arena, small.csr(), .{ .nodes = &.{3}, .activations = &.{1} }, params, .{ .sparse = .{
        .node = &node[0],
        .activation = &activation[0],
        .first_hop = &first_hop[0],
    } });
    try testing.expectEqual(@as(u64, 1), arena.retained_cleanings);
    try expectTablesClean(arena);
}

test "each failed graph re-check is refused, and leaves the tables clean" {
    const arena = try testArena(arena_config.capacity_bytes_min, .@"error");
    defer arena.destroy() catch unreachable;
    var activation: [4]f32 = undefined;
    var first_hop: [4]i32 = undefined;
    const out = Output{ .dense = .{ .activation = &activation, .first_hop = &first_hop } };
    const seeds = Seeds{ .nodes = &.{ 1, 0 }, .activations = &.{ 1, 0.5 } };
    const params = Params{ .hop_factors = halves[0..3], .refractory_hops = 3, .threshold = 0 };
    const Case = struct { graph: Graph, seeds: Seeds = seeds };
    const bad_cases = [_]Case{
        // offsets[n] is not the edge count.
        .{ .graph = .{ .offsets = &.{ 0, 1, 2, 3, 2 }, .targets = &.{ 1, 2, 3 }, .weights = &.{ 1, 1, 1 } } },
        // offsets[0] is not 0.
        .{ .graph = .{ .offsets = &.{ 1, 1, 2, 3, 3 }, .targets = &.{ 1, 2, 3 }, .weights = &.{ 1, 1, 1 } } },
        // A frontier node's offsets decrease, at hop 1 and at hop 2.
        .{ .graph = .{ .offsets = &.{ 0, 2, 1, 3, 3 }, .targets = &.{ 1, 2, 3 }, .weights = &.{ 1, 1, 1 } } },
        .{ .graph = .{ .offsets = &.{ 0, 1, 2, 1, 3 }, .targets = &.{ 2, 3, 3 }, .weights = &.{ 1, 1, 1 } } },
        // A frontier node's edges run past the edge count, or start below 0.
        .{ .graph = .{ .offsets = &.{ 0, 1, 9, 3, 3 }, .targets = &.{ 2, 2, 3 }, .weights = &.{ 1, 1, 1 } } },
        .{
            .graph = .{ .offsets = &.{ 0, -1, 2, 3, 3 }, .targets = &.{ 2, 2, 3 }, .weights = &.{ 1, 1, 1 } },
            .seeds = .{ .nodes = &.{1}, .activations = &.{1} },
        },
        // A target outside the graph, at hop 1 and at hop 2.
        .{ .graph = .{ .offsets = &.{ 0, 1, 2, 3, 3 }, .targets = &.{ 4, 2, 3 }, .weights = &.{ 1, 1, 1 } } },
        .{ .graph = .{ .offsets = &.{ 0, 1, 2, 3, 3 }, .targets = &.{ 1, 2, -1 }, .weights = &.{ 1, 1, 1 } } },
        // Weights outside [0, 1]: negative, NaN, above 1, at hop 1 and at hop 2.
        .{ .graph = .{ .offsets = &.{ 0, 5, 5 }, .targets = &.{ 1, 1, 1, 1, 1 }, .weights = &.{ 0.5, -0.5, 0.5, -0.5, 0.5 } } },
        .{ .graph = .{ .offsets = &.{ 0, 2, 3, 3, 3 }, .targets = &.{ 2, 3, 3 }, .weights = &.{ std.math.nan(f32), 1, 1 } } },
        .{ .graph = .{ .offsets = &.{ 0, 1, 2, 3, 3 }, .targets = &.{ 1, 2, 3 }, .weights = &.{ 1, 1.5, 1 } } },
    };
    for (bad_cases) |case| {
        const node_count = case.graph.nodeCount();
        const cut = Output{ .dense = .{ .activation = activation[0..node_count], .first_hop = first_hop[0..node_count] } };
        try testing.expectError(error.InvalidArgument, spreadOn(arena, case.graph, case.seeds, params, cut));
        try expectTablesClean(arena);
        const result = try spreadOn(arena, chain, seeds, params, out);
        try testing.expectEqual(@as(u32, 4), result);
        try testing.expectEqualSlices(f32, &.{ 0.5, 1, 0.25, 0.0625 }, &activation);
    }
}

test "tables that do not fit: overflow, or fallback tables that are not retained" {
    // 9 bytes of tables per node: more than 1 MiB.
    const node_count = 120_000;
    const graph = try TwoStepGraph.init(node_count);
    defer graph.deinit();
    const activation = try testing.allocator.alloc(f32, node_count);
    defer testing.allocator.free(activation);
    const first_hop = try testing.allocator.alloc(i32, node_count);
    defer testing.allocator.free(first_hop);
    const seeds = Seeds{ .nodes = &.{7}, .activations = &.{1} };
    const params = Params{ .hop_factors = halves[0..2], .refractory_hops = 2, .threshold = 0 };
    const out = Output{ .dense = .{ .activation = activation, .first_hop = first_hop } };

    @memset(activation, 9);
    const strict = try testArena(arena_config.capacity_bytes_min, .@"error");
    defer strict.destroy() catch unreachable;
    try testing.expectError(error.ArenaOverflow, spreadOn(strict, graph.csr(), seeds, params, out));
    for (activation) |a| try testing.expectEqual(@as(f32, 9), a);
    const panicking = try testArena(arena_config.capacity_bytes_min, .panic);
    defer panicking.destroy() catch unreachable;
    try testing.expectError(error.ArenaPanic, spreadOn(panicking, graph.csr(), seeds, params, out));
    for (activation) |a| try testing.expectEqual(@as(f32, 9), a);

    const lenient = try testArena(arena_config.capacity_bytes_min, .fallback);
    defer lenient.destroy() catch unreachable;
    for (1..3) |call| {
        try testing.expectEqual(@as(u32, 5), try spreadOn(lenient, graph.csr(), seeds, params, out));
        try testing.expectEqual(@as(u64, call), lenient.retained_cleanings);
    }
    try testing.expectEqualSlices(f32, &.{ 1, 0.25, 0.3125, 0.125, 0.0625 }, activation[7..12]);
    try testing.expectEqual(@as(f32, 0), activation[12]);
    try testing.expectEqual(@as(u64, 0), lenient.metrics.snapshot().retained_bytes);
    try testing.expect(lenient.metrics.snapshot().fallback_bytes >= 2 * 9 * node_count);
}
