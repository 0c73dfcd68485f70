//! The spreading kernel as it was before the perf-decay branch changed it
//! (commit 1dbcfee), tests left out: what bench.zig measures the new one against.

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
        for (frontier, work.lists.frontier_energy[0..work.frontier_len]) |node, energy| {
            const begin = graph.offsets[node];
            const end = graph.offsets[node + 1];
            if (!(begin >= 0 and begin <= end and end <= edge_count)) return error.InvalidArgument;
            const edges_begin: usize = @intCast(begin);
            const edges_end: usize = @intCast(end);
            try work.fire(graph.targets[edges_begin..edges_end], graph.weights[edges_begin..edges_end], energy, hop_factor);
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
            if (delta[target] == 0 and contribution != 0) {
                if (work.touched_len == work.node_count) return error.InvalidArgument;
                work.appendTouched(target);
            }
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
            if (before == 0) work.appendReached(node, hop);
            if (applied >= params.threshold and !isRefractory(tables.fired[node], hop, params.refractory_hops)) {
                tables.fired[node] = hop;
                work.appendFrontier(node, applied);
            }
        }
        work.touched_len = 0;
    }

    fn write(work: *const Work, out: Output) void {
        const reached = work.lists.reached_node[0..work.reached_len];
        const hops = work.lists.reached_hop[0..work.reached_len];
        const activation = work.tables.activation;
        switch (out) {
            .dense => |dense| {
                @memset(dense.activation, 0);
                @memset(dense.first_hop, -1);
                for (reached, hops) |node, hop| {
                    dense.activation[node] = activation[node];
                    dense.first_hop[node] = hop;
                }
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

fn isRefractory(fired_hop: u8, hop: u8, refractory_hops: u32) bool {
    if (fired_hop == fired_never) return false;
    assert(fired_hop < hop);
    return @as(u64, hop) < @as(u64, fired_hop) + @as(u64, refractory_hops) + 1;
}
