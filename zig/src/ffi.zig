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

pub export fn engram_abi_version() u32 {
    return abi_version;
}

pub export fn engram_isa() u32 {
    return @intFromEnum(simd.isa);
}

pub export fn engram_isa_name() [*:0]const u8 {
    return simd.isa.name();
}

pub export fn engram_cosine(
    query: ?[*]align(1) const f32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    rows: u64,
    norms: ?[*]align(1) const f32,
    out: ?[*]align(1) f32,
) c_int {
    return statusOf(cosine(query, dimensions, matrix, rows, norms, out));
}

pub export fn engram_cosine_topk(
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

pub export fn engram_spread(
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

pub export fn engram_decay(
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

test {
    // The unit tests of every kernel run with those of the ABI.
    _ = allocator;
    _ = decay_kernel;
    _ = simd;
    _ = similarity;
    _ = spreading;
}

const testing = std.testing;
const status_ok: c_int = @intFromEnum(Status.ok);
const status_invalid: c_int = @intFromEnum(Status.invalid_argument);

/// Never dereferenced: stands for the any-value pointer of a count of 0.
fn dangling(comptime T: type) [*]T {
    return @ptrFromInt(0x10);
}

fn misaligned(comptime T: type, items: []T) [*]align(1) T {
    return @ptrFromInt(@intFromPtr(items.ptr) + 1);
}

test "the library reports its version and instruction set" {
    try testing.expectEqual(@as(u32, 1), engram_abi_version());
    const isa = std.meta.intToEnum(simd.Isa, engram_isa()) catch unreachable;
    try testing.expectEqualStrings(std.mem.span(isa.name()), std.mem.span(engram_isa_name()));
}

test "errors map to their status codes" {
    try testing.expectEqual(@as(c_int, 0), statusOf({}));
    try testing.expectEqual(@as(c_int, 1), statusOf(error.InvalidArgument));
    try testing.expectEqual(@as(c_int, 2), statusOf(error.OutOfMemory));
}

test "engram_cosine computes and refuses bad shapes" {
    const query = [_]f32{ 1, 0 };
    const matrix = [_]f32{ 0, 1, 2, 0, -1, 0 };
    var out: [3]f32 = undefined;
    try testing.expectEqual(status_ok, engram_cosine(&query, 2, &matrix, 3, null, &out));
    try testing.expectEqualSlices(f32, &.{ 0, 1, -1 }, &out);
    const norms = [_]f32{ 1, 4, 1 };
    try testing.expectEqual(status_ok, engram_cosine(&query, 2, &matrix, 3, &norms, &out));
    try testing.expectEqualSlices(f32, &.{ 0, 0.5, -1 }, &out);

    try testing.expectEqual(status_ok, engram_cosine(dangling(f32), 2, null, 0, null, null));
    try testing.expectEqual(status_invalid, engram_cosine(&query, 0, &matrix, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(&query, 4097, &matrix, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(&query, 2, &matrix, 1 << 31, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(null, 2, &matrix, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(&query, 2, null, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(&query, 2, &matrix, 3, null, null));
    var bytes: [16]f32 = undefined;
    try testing.expectEqual(status_invalid, engram_cosine(&query, 2, &matrix, 3, null, misaligned(f32, &bytes)));
}

test "engram_cosine_topk ranks and refuses k outside 1..rows" {
    const query = [_]f32{ 1, 0 };
    const matrix = [_]f32{ 0, 1, 2, 0, -1, 0, 1, 0 };
    var index: [4]i32 = undefined;
    var score: [4]f32 = undefined;
    try testing.expectEqual(status_ok, engram_cosine_topk(&query, 2, &matrix, 4, null, 3, &index, &score));
    try testing.expectEqualSlices(i32, &.{ 1, 3, 0 }, index[0..3]);
    try testing.expectEqualSlices(f32, &.{ 1, 1, 0 }, score[0..3]);

    try testing.expectEqual(status_invalid, engram_cosine_topk(&query, 2, &matrix, 4, null, 0, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(&query, 2, &matrix, 4, null, 5, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(&query, 2, null, 0, null, 1, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(&query, 0, &matrix, 4, null, 1, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(&query, 2, &matrix, 4, null, 1, null, &score));
}

fn spreadParams(max_depth: u32, refractory_hops: u32, threshold: f32, hop_factor: f32) SpreadParams {
    return .{
        .max_depth = max_depth,
        .refractory_hops = refractory_hops,
        .threshold = threshold,
        .reserved = 0,
        .hop_factors = [_]f32{hop_factor} ** spreading.depth_max,
    };
}

test "engram_spread runs the chain and reports the activated count" {
    const offsets = [_]i32{ 0, 1, 2, 3, 3 };
    const targets = [_]i32{ 1, 2, 3 };
    const weights = [_]f32{ 0.5, 0.5, 0.5 };
    const params = spreadParams(3, 3, 0, 0.5);
    var activation: [4]f32 = undefined;
    var first_hop: [4]i32 = undefined;
    var activated_count: u32 = undefined;
    try testing.expectEqual(status_ok, engram_spread(4, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &params, &activation, &first_hop, &activated_count));
    try testing.expectEqualSlices(f32, &.{ 1, 0.25, 0.0625, 0.015625 }, &activation);
    try testing.expectEqualSlices(i32, &.{ 0, 1, 2, 3 }, &first_hop);
    try testing.expectEqual(@as(u32, 4), activated_count);
}

test "engram_spread on an empty graph touches no array" {
    const params = spreadParams(1, 1, 0, 1);
    var activated_count: u32 = 99;
    try testing.expectEqual(status_ok, engram_spread(0, dangling(i32), null, null, null, null, 0, &params, null, dangling(i32), &activated_count));
    try testing.expectEqual(@as(u32, 0), activated_count);
    try testing.expectEqual(status_invalid, engram_spread(0, null, null, null, &.{0}, &.{1}, 1, &params, null, null, &activated_count));
}

test "engram_spread refuses bad depths, seeds and pointers" {
    const offsets = [_]i32{ 0, 1, 1 };
    const targets = [_]i32{1};
    const weights = [_]f32{1};
    var activation: [2]f32 = undefined;
    var first_hop: [2]i32 = undefined;
    var activated_count: u32 = undefined;
    const good = spreadParams(2, 2, 0, 1);
    const Case = struct { params: SpreadParams, node: i32, activation: f32 };
    const cases = [_]Case{
        .{ .params = spreadParams(0, 0, 0, 1), .node = 0, .activation = 1 },
        .{ .params = spreadParams(33, 0, 0, 1), .node = 0, .activation = 1 },
        .{ .params = good, .node = -1, .activation = 1 },
        .{ .params = good, .node = 2, .activation = 1 },
        .{ .params = good, .node = 0, .activation = 0 },
        .{ .params = good, .node = 0, .activation = 1.5 },
        .{ .params = good, .node = 0, .activation = std.math.nan(f32) },
    };
    for (cases) |case| {
        try testing.expectEqual(status_invalid, engram_spread(2, &offsets, &targets, &weights, &.{case.node}, &.{case.activation}, 1, &case.params, &activation, &first_hop, &activated_count));
    }
    try testing.expectEqual(status_invalid, engram_spread(2, &offsets, &targets, &weights, &.{0}, &.{1}, 1, null, &activation, &first_hop, &activated_count));
    try testing.expectEqual(status_invalid, engram_spread(2, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &good, &activation, &first_hop, null));
    try testing.expectEqual(status_invalid, engram_spread(2, &offsets, &targets, &weights, null, &.{1}, 1, &good, &activation, &first_hop, &activated_count));
    try testing.expectEqual(status_invalid, engram_spread(2, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &good, null, &first_hop, &activated_count));
    try testing.expectEqual(status_invalid, engram_spread(1 << 31, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &good, &activation, &first_hop, &activated_count));
    try testing.expectEqual(status_ok, engram_spread(2, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &good, &activation, &first_hop, &activated_count));
    try testing.expectEqual(@as(u32, 2), activated_count);
}

test "engram_spread gives the same answer on many threads at once" {
    const node_count = 5000;
    var offsets: [node_count + 1]i32 = undefined;
    var targets: [4 * node_count]i32 = undefined;
    var weights: [4 * node_count]f32 = undefined;
    var prng = std.Random.DefaultPrng.init(0x5eed_0005);
    const random = prng.random();
    for (&offsets, 0..) |*offset, u| offset.* = @intCast(4 * u);
    for (&targets, &weights) |*target, *weight| {
        target.* = random.intRangeLessThan(i32, 0, node_count);
        weight.* = random.float(f32);
    }
    const Call = struct {
        offsets: []const i32,
        targets: []const i32,
        weights: []const f32,
        activation: [node_count]f32 = undefined,
        first_hop: [node_count]i32 = undefined,
        activated_count: u32 = 0,
        status: c_int = -1,

        fn run(call: *@This()) void {
            const params = spreadParams(6, 6, 0.001, 0.7);
            call.status = engram_spread(node_count, call.offsets.ptr, call.targets.ptr, call.weights.ptr, &.{ 7, 4000, 7 }, &.{ 0.5, 1, 0.25 }, 3, &params, &call.activation, &call.first_hop, &call.activated_count);
        }
    };
    const thread_count = 6;
    const calls = try testing.allocator.alloc(Call, thread_count);
    defer testing.allocator.free(calls);
    for (calls) |*call| call.* = .{ .offsets = &offsets, .targets = &targets, .weights = &weights };
    var threads: [thread_count]std.Thread = undefined;
    for (&threads, calls) |*thread, *call| thread.* = try std.Thread.spawn(.{}, Call.run, .{call});
    for (threads) |thread| thread.join();
    for (calls) |*call| {
        try testing.expectEqual(status_ok, call.status);
        try testing.expectEqualSlices(u8, std.mem.asBytes(&calls[0].activation), std.mem.asBytes(&call.activation));
        try testing.expectEqualSlices(i32, &calls[0].first_hop, &call.first_hop);
        try testing.expectEqual(calls[0].activated_count, call.activated_count);
    }
    try testing.expect(calls[0].activated_count > 100);
}

fn decayParams(curve: u32) DecayParams {
    return .{
        .curve = curve,
        .consolidation_access_count = 3,
        .floor = 0,
        .reserved = 0,
        .half_life_seconds = 86400,
        .power_scale_seconds = 3600,
        .power_beta = 0.18,
        .tau_seconds = 1.96 * 3600,
        .neocortical_scale_seconds = 86400,
        .neocortical_beta = 0.18,
        .ebbinghaus_k = 1.84,
        .ebbinghaus_c = 1.25,
    };
}

test "engram_decay decays in place and refuses an unknown curve" {
    var strength = [_]f32{ 0.8, 0.6, 1 };
    const age_seconds = [_]f32{ 86400, 0, 2 * 86400 };
    const exponential = decayParams(0);
    try testing.expectEqual(status_ok, engram_decay(&strength, &age_seconds, null, 3, &exponential, &strength));
    try testing.expectEqualSlices(f32, &.{ 0.4, 0.6, 0.25 }, &strength);

    var out: [1]f32 = undefined;
    const ebbinghaus = decayParams(3);
    try testing.expectEqual(status_ok, engram_decay(&.{0.7}, &.{60}, &.{0}, 1, &ebbinghaus, &out));
    try testing.expectEqual(@as(f32, 0.7), out[0]);

    try testing.expectEqual(status_ok, engram_decay(null, dangling(f32), null, 0, &exponential, null));
    const unknown = decayParams(4);
    try testing.expectEqual(status_invalid, engram_decay(&strength, &age_seconds, null, 3, &unknown, &strength));
    try testing.expectEqual(status_invalid, engram_decay(&strength, &age_seconds, null, 0, &unknown, &strength));
    try testing.expectEqual(status_invalid, engram_decay(&strength, &age_seconds, null, 3, null, &strength));
    try testing.expectEqual(status_invalid, engram_decay(&strength, null, null, 3, &exponential, &strength));
    try testing.expectEqual(status_invalid, engram_decay(&strength, &age_seconds, null, 1 << 62, &exponential, &strength));
    var params_bytes: [2 * @sizeOf(DecayParams)]u8 align(8) = undefined;
    const shifted: *align(1) const DecayParams = @ptrCast(&params_bytes[4]);
    try testing.expectEqual(status_invalid, engram_decay(&strength, &age_seconds, null, 3, shifted, &strength));
}
