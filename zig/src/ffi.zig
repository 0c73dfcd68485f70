//! The C ABI of engram_kernels: every exported symbol, the extern structs the
//! caller fills, and the mapping from errors to status codes. Nothing here
//! panics: each check that can fail returns `Status.invalid_argument`.
//!
//! Pointer parameters are declared optional and byte-aligned, which is the
//! same C ABI as the plain pointers of the contract, so that a null, dangling
//! or misaligned pointer is something this file can test for and refuse
//! rather than something the compiler may assume away. A pointer whose count
//! is 0 is never dereferenced, nor checked.

const std = @import("std");
const simd = @import("simd.zig");
const similarity = @import("similarity.zig");
const spreading = @import("spreading.zig");
const decay_kernel = @import("decay.zig");
const allocator = @import("allocator.zig");

const assert = std.debug.assert;

pub const abi_version: u32 = 1;

pub const Status = enum(c_int) {
    ok = 0,
    invalid_argument = 1,
    out_of_memory = 2,
};

const Error = error{ InvalidArgument, OutOfMemory };

fn statusOf(result: Error!void) c_int {
    const status: Status = if (result) |_| .ok else |err| switch (err) {
        error.InvalidArgument => .invalid_argument,
        error.OutOfMemory => .out_of_memory,
    };
    return @intFromEnum(status);
}

pub const SpreadParams = extern struct {
    max_depth: u32,
    refractory_hops: u32,
    threshold: f32,
    reserved: u32,
    /// `hop_factors[h - 1]` is the factor of hop h, for h = 1..max_depth.
    hop_factors: [spreading.depth_max]f32,
};

comptime {
    assert(@sizeOf(SpreadParams) == 144);
    assert(@alignOf(SpreadParams) == 4);
    assert(@offsetOf(SpreadParams, "max_depth") == 0);
    assert(@offsetOf(SpreadParams, "refractory_hops") == 4);
    assert(@offsetOf(SpreadParams, "threshold") == 8);
    assert(@offsetOf(SpreadParams, "reserved") == 12);
    assert(@offsetOf(SpreadParams, "hop_factors") == 16);
}

pub const DecayCurve = enum(u32) {
    exponential = 0,
    power_law = 1,
    two_component = 2,
    ebbinghaus = 3,
};

pub const DecayParams = extern struct {
    /// A `DecayCurve`, kept as a plain u32: any value may arrive.
    curve: u32,
    consolidation_access_count: i32,
    floor: f32,
    reserved: u32,
    half_life_seconds: f64,
    power_scale_seconds: f64,
    power_beta: f64,
    tau_seconds: f64,
    neocortical_scale_seconds: f64,
    neocortical_beta: f64,
    ebbinghaus_k: f64,
    ebbinghaus_c: f64,
};

comptime {
    assert(@sizeOf(DecayParams) == 80);
    assert(@alignOf(DecayParams) == 8);
    assert(@offsetOf(DecayParams, "curve") == 0);
    assert(@offsetOf(DecayParams, "consolidation_access_count") == 4);
    assert(@offsetOf(DecayParams, "floor") == 8);
    assert(@offsetOf(DecayParams, "reserved") == 12);
    assert(@offsetOf(DecayParams, "half_life_seconds") == 16);
    assert(@offsetOf(DecayParams, "power_scale_seconds") == 24);
    assert(@offsetOf(DecayParams, "power_beta") == 32);
    assert(@offsetOf(DecayParams, "tau_seconds") == 40);
    assert(@offsetOf(DecayParams, "neocortical_scale_seconds") == 48);
    assert(@offsetOf(DecayParams, "neocortical_beta") == 56);
    assert(@offsetOf(DecayParams, "ebbinghaus_k") == 64);
    assert(@offsetOf(DecayParams, "ebbinghaus_c") == 72);
}

export fn engram_abi_version() u32 {
    return abi_version;
}

export fn engram_isa() u32 {
    return @intFromEnum(simd.isa);
}

export fn engram_isa_name() [*:0]const u8 {
    return simd.isa.name();
}

export fn engram_cosine(
    query: ?[*]align(1) const f32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    rows: u64,
    norms: ?[*]align(1) const f32,
    out: ?[*]align(1) f32,
) c_int {
    return statusOf(cosine(query, dimensions, matrix, rows, norms, out));
}

export fn engram_cosine_topk(
    query: ?[*]align(1) const f32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    rows: u64,
    norms: ?[*]align(1) const f32,
    k: u32,
    out_index: ?[*]align(1) i32,
    out_score: ?[*]align(1) f32,
) c_int {
    return statusOf(cosineTopK(query, dimensions, matrix, rows, norms, k, out_index, out_score));
}

export fn engram_spread(
    node_count: u32,
    offsets: ?[*]align(1) const i32,
    targets: ?[*]align(1) const i32,
    weights: ?[*]align(1) const f32,
    seed_nodes: ?[*]align(1) const i32,
    seed_activations: ?[*]align(1) const f32,
    seed_count: u32,
    params: ?*align(1) const SpreadParams,
    out_activation: ?[*]align(1) f32,
    out_first_hop: ?[*]align(1) i32,
    out_activated_count: ?*align(1) u32,
) c_int {
    const graph = GraphPointers{ .offsets = offsets, .targets = targets, .weights = weights };
    const seeds = SeedPointers{ .nodes = seed_nodes, .activations = seed_activations, .count = seed_count };
    const out = SpreadOutPointers{
        .activation = out_activation,
        .first_hop = out_first_hop,
        .activated_count = out_activated_count,
    };
    return statusOf(spread(node_count, graph, seeds, params, out));
}

export fn engram_decay(
    strength: ?[*]align(1) const f32,
    age_seconds: ?[*]align(1) const f32,
    access_count: ?[*]align(1) const i32,
    count: u64,
    params: ?*align(1) const DecayParams,
    out: ?[*]align(1) f32,
) c_int {
    return statusOf(decay(strength, age_seconds, access_count, count, params, out));
}

fn check(ok: bool) error{InvalidArgument}!void {
    if (!ok) return error.InvalidArgument;
}

/// The `len` items at `items`, which must then be non-null and aligned for T.
fn constSlice(comptime T: type, items: ?[*]align(1) const T, len: u64) error{InvalidArgument}![]const T {
    if (len == 0) return &.{};
    const address = @intFromPtr(items orelse return error.InvalidArgument);
    try check(address % @alignOf(T) == 0);
    const aligned: [*]const T = @ptrFromInt(address);
    return aligned[0..@intCast(len)];
}

fn mutableSlice(comptime T: type, items: ?[*]align(1) T, len: u64) error{InvalidArgument}![]T {
    assert(len >= 1);
    const address = @intFromPtr(items orelse return error.InvalidArgument);
    try check(address % @alignOf(T) == 0);
    const aligned: [*]T = @ptrFromInt(address);
    return aligned[0..@intCast(len)];
}

fn optionalConstSlice(comptime T: type, items: ?[*]align(1) const T, len: u64) error{InvalidArgument}!?[]const T {
    if (items == null) return null;
    return try constSlice(T, items, len);
}

/// A copy of the caller's struct, so that it is read exactly once.
fn copyOf(comptime T: type, item: ?*align(1) const T) error{InvalidArgument}!T {
    const address = @intFromPtr(item orelse return error.InvalidArgument);
    try check(address % @alignOf(T) == 0);
    const aligned: *const T = @ptrFromInt(address);
    return aligned.*;
}

fn checkSimilarityShape(dimensions: u32, rows: u64) error{InvalidArgument}!void {
    try check(dimensions >= 1 and dimensions <= similarity.dimensions_max);
    try check(rows <= similarity.rows_max);
}

fn cosine(
    query: ?[*]align(1) const f32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    rows: u64,
    norms: ?[*]align(1) const f32,
    out: ?[*]align(1) f32,
) Error!void {
    try checkSimilarityShape(dimensions, rows);
    if (rows == 0) return;
    similarity.cosine(
        try constSlice(f32, query, dimensions),
        try constSlice(f32, matrix, rows * dimensions),
        try optionalConstSlice(f32, norms, rows),
        try mutableSlice(f32, out, rows),
    );
}

fn cosineTopK(
    query: ?[*]align(1) const f32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    rows: u64,
    norms: ?[*]align(1) const f32,
    k: u32,
    out_index: ?[*]align(1) i32,
    out_score: ?[*]align(1) f32,
) Error!void {
    try checkSimilarityShape(dimensions, rows);
    try check(k >= 1 and k <= rows);
    similarity.cosineTopK(
        try constSlice(f32, query, dimensions),
        try constSlice(f32, matrix, rows * dimensions),
        try optionalConstSlice(f32, norms, rows),
        try mutableSlice(i32, out_index, k),
        try mutableSlice(f32, out_score, k),
    );
}

const GraphPointers = struct {
    offsets: ?[*]align(1) const i32,
    targets: ?[*]align(1) const i32,
    weights: ?[*]align(1) const f32,
};

const SeedPointers = struct {
    nodes: ?[*]align(1) const i32,
    activations: ?[*]align(1) const f32,
    count: u32,
};

const SpreadOutPointers = struct {
    activation: ?[*]align(1) f32,
    first_hop: ?[*]align(1) i32,
    activated_count: ?*align(1) u32,
};

fn spread(
    node_count: u32,
    graph_pointers: GraphPointers,
    seed_pointers: SeedPointers,
    params_pointer: ?*align(1) const SpreadParams,
    out: SpreadOutPointers,
) Error!void {
    const params = try copyOf(SpreadParams, params_pointer);
    try check(params.max_depth >= 1 and params.max_depth <= spreading.depth_max);
    try check(node_count <= spreading.node_count_max);
    const activated_count_address = @intFromPtr(out.activated_count orelse return error.InvalidArgument);
    try check(activated_count_address % @alignOf(u32) == 0);
    const activated_count: *u32 = @ptrFromInt(activated_count_address);
    const seeds = spreading.Seeds{
        .nodes = try constSlice(i32, seed_pointers.nodes, seed_pointers.count),
        .activations = try constSlice(f32, seed_pointers.activations, seed_pointers.count),
    };
    if (node_count == 0) {
        // Every seed lies outside an empty graph.
        try check(seed_pointers.count == 0);
        activated_count.* = 0;
        return;
    }
    const offsets = try constSlice(i32, graph_pointers.offsets, @as(u64, node_count) + 1);
    // The graph is trusted, but these two O(1) checks keep the edge count sane.
    try check(offsets[0] == 0 and offsets[node_count] >= 0);
    const edge_count: u64 = @intCast(offsets[node_count]);
    const graph = spreading.Graph{
        .offsets = offsets,
        .targets = try constSlice(i32, graph_pointers.targets, edge_count),
        .weights = try constSlice(f32, graph_pointers.weights, edge_count),
    };
    var scratch = allocator.ScratchArena.init(allocator.capacity_bytes_default);
    defer scratch.deinit();
    activated_count.* = try spreading.spread(&scratch, graph, seeds, .{
        .hop_factors = params.hop_factors[0..params.max_depth],
        .refractory_hops = params.refractory_hops,
        .threshold = params.threshold,
    }, .{
        .activation = try mutableSlice(f32, out.activation, node_count),
        .first_hop = try mutableSlice(i32, out.first_hop, node_count),
    });
}

fn decayCurve(params: DecayParams) error{InvalidArgument}!decay_kernel.Curve {
    const curve = std.meta.intToEnum(DecayCurve, params.curve) catch return error.InvalidArgument;
    return switch (curve) {
        .exponential => .{ .exponential = .{ .half_life_seconds = params.half_life_seconds } },
        .power_law => .{ .power_law = .{ .scale_seconds = params.power_scale_seconds, .beta = params.power_beta } },
        .two_component => .{ .two_component = .{
            .tau_seconds = params.tau_seconds,
            .consolidation_access_count = params.consolidation_access_count,
            .neocortical_scale_seconds = params.neocortical_scale_seconds,
            .neocortical_beta = params.neocortical_beta,
        } },
        .ebbinghaus => .{ .ebbinghaus = .{ .k = params.ebbinghaus_k, .c = params.ebbinghaus_c } },
    };
}

fn decay(
    strength: ?[*]align(1) const f32,
    age_seconds: ?[*]align(1) const f32,
    access_count: ?[*]align(1) const i32,
    count: u64,
    params_pointer: ?*align(1) const DecayParams,
    out: ?[*]align(1) f32,
) Error!void {
    const params = try copyOf(DecayParams, params_pointer);
    const curve = try decayCurve(params);
    try check(count <= decay_kernel.count_max);
    if (count == 0) return;
    decay_kernel.decay(
        try constSlice(f32, strength, count),
        try constSlice(f32, age_seconds, count),
        try optionalConstSlice(i32, access_count, count),
        .{ .curve = curve, .floor = params.floor },
        try mutableSlice(f32, out, count),
    );
}
