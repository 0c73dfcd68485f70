//! The C ABI of engram_kernels, version 2 (docs/internal/native-abi.md):
//! every exported symbol, the extern structs the two sides share, and the
//! mapping from errors to status codes. Nothing here panics: each check that
//! can fail returns a status.
//!
//! Pointer parameters are declared optional and byte-aligned, which is the
//! same C ABI as the plain pointers of the contract, so that a null, dangling
//! or misaligned pointer is something this file can test for and refuse
//! rather than something the compiler may assume away. A pointer whose count
//! is 0 is never dereferenced, nor checked.
//!
//! Every kernel takes an arena first and owns it for the call: it takes the
//! arena's busy flag on entry and, whatever the outcome, gives it back on
//! exit with the scratch forgotten and any fallback block unmapped.

const std = @import("std");
const simd = @import("simd.zig");
const similarity = @import("similarity.zig");
const spreading = @import("spreading.zig");
const decay_kernel = @import("decay.zig");
const allocator = @import("allocator.zig");
const arena_config = @import("arena_config.zig");
const arena_metrics = @import("arena_metrics.zig");

const assert = std.debug.assert;

pub const abi_version: u32 = 2;

pub const Status = enum(c_int) {
    ok = 0,
    invalid_argument = 1,
    out_of_memory = 2,
    arena_overflow = 3,
    arena_panic = 4,
    arena_busy = 5,
};

const Error = error{ InvalidArgument, OutOfMemory, ArenaOverflow, ArenaPanic, ArenaBusy };

fn statusOf(result: Error!void) c_int {
    const status: Status = if (result) |_| .ok else |err| switch (err) {
        error.InvalidArgument => .invalid_argument,
        error.OutOfMemory => .out_of_memory,
        error.ArenaOverflow => .arena_overflow,
        error.ArenaPanic => .arena_panic,
        error.ArenaBusy => .arena_busy,
    };
    return @intFromEnum(status);
}

/// What the caller holds of an arena: the address of an `allocator.Arena`.
pub const Arena = opaque {};

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

pub const ArenaMetrics = extern struct {
    /// As created.
    capacity_bytes: u64,
    /// The retained region plus, during a call, the call's scratch.
    in_use_bytes: u64,
    /// The most in use at once, fallback blocks included.
    high_water_bytes: u64,
    /// Requests that did not fit, over the arena's life.
    overflows: u64,
    /// Bytes served by the page allocator, over the arena's life.
    fallback_bytes: u64,
    /// Calls ended.
    resets: u64,
    /// Size of the last request that did not fit; 0 if none.
    last_overflow_bytes: u64,
    /// Node tables kept between calls.
    retained_bytes: u64,
};

comptime {
    assert(@sizeOf(ArenaMetrics) == 64);
    assert(@alignOf(ArenaMetrics) == 8);
    assert(@offsetOf(ArenaMetrics, "capacity_bytes") == 0);
    assert(@offsetOf(ArenaMetrics, "in_use_bytes") == 8);
    assert(@offsetOf(ArenaMetrics, "high_water_bytes") == 16);
    assert(@offsetOf(ArenaMetrics, "overflows") == 24);
    assert(@offsetOf(ArenaMetrics, "fallback_bytes") == 32);
    assert(@offsetOf(ArenaMetrics, "resets") == 40);
    assert(@offsetOf(ArenaMetrics, "last_overflow_bytes") == 48);
    assert(@offsetOf(ArenaMetrics, "retained_bytes") == 56);
    assertSameFields(ArenaMetrics, arena_metrics.Snapshot);
}

/// Process-wide, over every arena.
pub const ArenaTotals = extern struct {
    /// Created and not destroyed.
    live_arenas: u64,
    /// Bytes mapped now: arena blocks and live fallback blocks.
    mapped_bytes: u64,
    arenas_created: u64,
    arenas_destroyed: u64,
};

comptime {
    assert(@sizeOf(ArenaTotals) == 32);
    assert(@alignOf(ArenaTotals) == 8);
    assert(@offsetOf(ArenaTotals, "live_arenas") == 0);
    assert(@offsetOf(ArenaTotals, "mapped_bytes") == 8);
    assert(@offsetOf(ArenaTotals, "arenas_created") == 16);
    assert(@offsetOf(ArenaTotals, "arenas_destroyed") == 24);
    assertSameFields(ArenaTotals, arena_metrics.TotalsSnapshot);
}

/// The extern struct and the internal reading it is filled from name the
/// same fields in the same order, so that `copyFields` is a field-for-field copy.
fn assertSameFields(comptime Extern: type, comptime Internal: type) void {
    const extern_fields = std.meta.fields(Extern);
    const internal_fields = std.meta.fields(Internal);
    assert(extern_fields.len == internal_fields.len);
    for (extern_fields, internal_fields) |a, b| {
        assert(std.mem.eql(u8, a.name, b.name));
        assert(a.type == b.type);
    }
}

fn copyFields(comptime Extern: type, internal: anytype) Extern {
    var result: Extern = undefined;
    inline for (std.meta.fields(Extern)) |field| @field(result, field.name) = @field(internal, field.name);
    return result;
}

/// The structs of `engram_layout`, by id. Never renumber them.
const layout_structs = [_]type{ SpreadParams, DecayParams, ArenaMetrics, ArenaTotals };
/// The `field` that asks `engram_layout` for the size.
pub const layout_size_field: u32 = 0xFFFF_FFFF;
/// `engram_layout`'s answer for a struct or field that does not exist.
pub const layout_unknown: u64 = 0xFFFF_FFFF_FFFF_FFFF;

pub export fn engram_abi_version() u32 {
    return abi_version;
}

pub export fn engram_isa() u32 {
    return @intFromEnum(simd.isa);
}

pub export fn engram_isa_name() [*:0]const u8 {
    return simd.isa.name();
}

/// The byte offset of field number `field` of struct `struct_id`, its size
/// for `layout_size_field`, `layout_unknown` for what does not exist.
pub export fn engram_layout(struct_id: u32, field: u32) u64 {
    inline for (layout_structs, 0..) |T, id| {
        if (struct_id == id) return layoutOf(T, field);
    }
    return layout_unknown;
}

fn layoutOf(comptime T: type, field: u32) u64 {
    comptime assert(@typeInfo(T).Struct.layout == .@"extern");
    if (field == layout_size_field) return @sizeOf(T);
    inline for (std.meta.fields(T), 0..) |info, index| {
        if (field == index) return @offsetOf(T, info.name);
    }
    return layout_unknown;
}

pub export fn engram_arena_create(capacity_bytes: u64, overflow: u32, out_arena: ?*align(1) ?*Arena) c_int {
    return statusOf(arenaCreate(capacity_bytes, overflow, out_arena));
}

/// `arena_busy` if a call is using the arena.
pub export fn engram_arena_destroy(arena: ?*align(1) Arena) c_int {
    return statusOf(arenaDestroy(arena));
}

/// May run while a call on another thread uses the arena: each field is read whole.
pub export fn engram_arena_metrics(arena: ?*align(1) Arena, out: ?*align(1) ArenaMetrics) c_int {
    return statusOf(arenaMetrics(arena, out));
}

pub export fn engram_arena_totals(out: ?*align(1) ArenaTotals) c_int {
    return statusOf(arenaTotals(out));
}

pub export fn engram_cosine(
    arena: ?*align(1) Arena,
    query: ?[*]align(1) const f32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    first_row: u64,
    row_count: u64,
    norms: ?[*]align(1) const f32,
    out: ?[*]align(1) f32,
) c_int {
    const rows = RowPointers{ .matrix = matrix, .first_row = first_row, .row_count = row_count, .norms = norms };
    return onArena(arena, cosine, .{ query, dimensions, rows, out });
}

pub export fn engram_cosine_topk(
    arena: ?*align(1) Arena,
    queries: ?[*]align(1) const f32,
    query_count: u32,
    dimensions: u32,
    matrix: ?[*]align(1) const f32,
    first_row: u64,
    row_count: u64,
    norms: ?[*]align(1) const f32,
    k: u32,
    out_index: ?[*]align(1) i32,
    out_score: ?[*]align(1) f32,
) c_int {
    const rows = RowPointers{ .matrix = matrix, .first_row = first_row, .row_count = row_count, .norms = norms };
    const out = TopKOutPointers{ .k = k, .index = out_index, .score = out_score };
    return onArena(arena, cosineTopK, .{ queries, query_count, dimensions, rows, out });
}

pub export fn engram_spread(
    arena: ?*align(1) Arena,
    node_count: u32,
    edge_count: u64,
    offsets: ?[*]align(1) const i32,
    targets: ?[*]align(1) const i32,
    weights: ?[*]align(1) const f32,
    seed_nodes: ?[*]align(1) const i32,
    seed_activations: ?[*]align(1) const f32,
    seed_count: u32,
    params: ?*align(1) const SpreadParams,
    mode: u32,
    capacity: u32,
    out_nodes: ?[*]align(1) i32,
    out_activation: ?[*]align(1) f32,
    out_first_hop: ?[*]align(1) i32,
    out_reached_count: ?*align(1) u32,
) c_int {
    const graph = GraphPointers{ .node_count = node_count, .edge_count = edge_count, .offsets = offsets, .targets = targets, .weights = weights };
    const seeds = SeedPointers{ .nodes = seed_nodes, .activations = seed_activations, .count = seed_count };
    const out = SpreadOutPointers{
        .mode = mode,
        .capacity = capacity,
        .nodes = out_nodes,
        .activation = out_activation,
        .first_hop = out_first_hop,
        .reached_count = out_reached_count,
    };
    return onArena(arena, spread, .{ graph, seeds, params, out });
}

pub export fn engram_decay(
    arena: ?*align(1) Arena,
    strength: ?[*]align(1) const f32,
    age_seconds: ?[*]align(1) const f32,
    access_count: ?[*]align(1) const i32,
    count: u64,
    params: ?*align(1) const DecayParams,
    out: ?[*]align(1) f32,
) c_int {
    return onArena(arena, decay, .{ strength, age_seconds, access_count, count, params, out });
}

pub export fn engram_decay_gather(
    arena: ?*align(1) Arena,
    indices: ?[*]align(1) const i32,
    count: u64,
    memory_count: u64,
    strength: ?[*]align(1) const f32,
    last_access_seconds: ?[*]align(1) const f64,
    access_count: ?[*]align(1) const i32,
    now_seconds: f64,
    params: ?*align(1) const DecayParams,
    out: ?[*]align(1) f32,
) c_int {
    const memories = MemoryPointers{
        .count = memory_count,
        .strength = strength,
        .last_access_seconds = last_access_seconds,
        .access_count = access_count,
    };
    return onArena(arena, decayGather, .{ indices, count, memories, now_seconds, params, out });
}

inline fn check(ok: bool) error{InvalidArgument}!void {
    if (!ok) return error.InvalidArgument;
}

/// The `len` items at `items`, which must then be non-null and aligned for T.
/// An empty slice is not read, so any pointer will do.
inline fn constSlice(comptime T: type, items: ?[*]align(1) const T, len: u64) error{InvalidArgument}![]const T {
    const aligned: [*]const T = @ptrFromInt(try sliceAddress(T, @intFromPtr(items), len));
    return aligned[0..@intCast(len)];
}

inline fn mutableSlice(comptime T: type, items: ?[*]align(1) T, len: u64) error{InvalidArgument}![]T {
    const aligned: [*]T = @ptrFromInt(try sliceAddress(T, @intFromPtr(items), len));
    return aligned[0..@intCast(len)];
}

/// The address of `len` items of T at `address`: non-null and aligned for T,
/// unless `len` is 0, which gives the least aligned address. A number, not a
/// slice, comes back through the error union: an error union of a slice is
/// built on the stack, and reading it back there as one vector waited for the
/// two narrower stores (a failed store forwarding) in every small call.
inline fn sliceAddress(comptime T: type, address: usize, len: u64) error{InvalidArgument}!usize {
    if (len == 0) return @alignOf(T);
    if (address == 0 or address % @alignOf(T) != 0) return error.InvalidArgument;
    return address;
}

inline fn optionalConstSlice(comptime T: type, items: ?[*]align(1) const T, len: u64) error{InvalidArgument}!?[]const T {
    if (items == null) return null;
    return try constSlice(T, items, len);
}

/// The caller's item, which must be non-null and aligned for T.
inline fn mutableItem(comptime T: type, item: ?*align(1) T) error{InvalidArgument}!*T {
    const address = @intFromPtr(item orelse return error.InvalidArgument);
    try check(address % @alignOf(T) == 0);
    return @ptrFromInt(address);
}

/// A copy of the caller's struct, so that it is read exactly once.
inline fn copyOf(comptime T: type, item: ?*align(1) const T) error{InvalidArgument}!T {
    const address = @intFromPtr(item orelse return error.InvalidArgument);
    try check(address % @alignOf(T) == 0);
    const aligned: *const T = @ptrFromInt(address);
    return aligned.*;
}

/// The arena behind a handle: non-null, aligned, and marked live.
inline fn arenaOf(handle: ?*align(1) Arena) error{InvalidArgument}!*allocator.Arena {
    const address = @intFromPtr(handle orelse return error.InvalidArgument);
    try check(address % @alignOf(allocator.Arena) == 0);
    const arena: *allocator.Arena = @ptrFromInt(address);
    try check(arena.isLive());
    return arena;
}

/// Runs `kernel` with the arena behind `handle` as its first argument,
/// owning the arena for the call.
fn onArena(handle: ?*align(1) Arena, comptime kernel: anytype, args: anytype) c_int {
    return statusOf(runOnArena(handle, kernel, args));
}

fn runOnArena(handle: ?*align(1) Arena, comptime kernel: anytype, args: anytype) Error!void {
    const arena = try arenaOf(handle);
    try arena.beginCall();
    defer arena.endCall();
    assert(arena.busy.load(.monotonic) == 1);
    return @call(.auto, kernel, .{arena} ++ args);
}

fn arenaCreate(capacity_bytes: u64, overflow: u32, out_arena: ?*align(1) ?*Arena) Error!void {
    const out = try mutableItem(?*Arena, out_arena);
    const config = try arena_config.validate(capacity_bytes, overflow);
    const arena = try allocator.Arena.create(config);
    assert(arena.isLive());
    out.* = @ptrCast(arena);
}

fn arenaDestroy(handle: ?*align(1) Arena) Error!void {
    const arena = try arenaOf(handle);
    try arena.destroy();
}

fn arenaMetrics(handle: ?*align(1) Arena, out_pointer: ?*align(1) ArenaMetrics) Error!void {
    const arena = try arenaOf(handle);
    const out = try mutableItem(ArenaMetrics, out_pointer);
    out.* = copyFields(ArenaMetrics, arena.metrics.snapshot());
    assert(out.capacity_bytes >= arena_config.capacity_bytes_min);
}

fn arenaTotals(out_pointer: ?*align(1) ArenaTotals) Error!void {
    const out = try mutableItem(ArenaTotals, out_pointer);
    out.* = copyFields(ArenaTotals, arena_metrics.totalsSnapshot());
}

/// Rows `first_row .. first_row + row_count - 1` of the matrix at `matrix`
/// (which points at row 0), and the norms of all rows from 0, if given.
const RowPointers = struct {
    matrix: ?[*]align(1) const f32,
    first_row: u64,
    row_count: u64,
    norms: ?[*]align(1) const f32,
};

/// The scored rows and their norms, cut out of the caller's arrays.
const ScoredRows = struct {
    matrix: []const f32,
    norms: ?[]const f32,
};

inline fn checkRows(dimensions: u32, rows: RowPointers) error{InvalidArgument}!void {
    try check(dimensions >= 1 and dimensions <= similarity.dimensions_max);
    try check(rows.first_row <= similarity.rows_max);
    try check(rows.row_count <= similarity.rows_max - rows.first_row);
}

inline fn scoredRows(dimensions: u32, rows: RowPointers) error{InvalidArgument}!ScoredRows {
    assert(rows.row_count >= 1);
    assert(rows.first_row + rows.row_count <= similarity.rows_max);
    const end = rows.first_row + rows.row_count;
    const matrix = try constSlice(f32, rows.matrix, end * dimensions);
    const norms = try optionalConstSlice(f32, rows.norms, end);
    const first: usize = @intCast(rows.first_row);
    return .{
        .matrix = matrix[first * dimensions ..],
        .norms = if (norms) |given| given[first..] else null,
    };
}

fn cosine(
    arena: *allocator.Arena,
    query: ?[*]align(1) const f32,
    dimensions: u32,
    rows: RowPointers,
    out: ?[*]align(1) f32,
) Error!void {
    // The scores need no scratch; the call owns the arena all the same.
    assert(arena.isLive());
    try checkRows(dimensions, rows);
    if (rows.row_count == 0) return;
    const scored = try scoredRows(dimensions, rows);
    similarity.cosine(
        try constSlice(f32, query, dimensions),
        scored.matrix,
        scored.norms,
        try mutableSlice(f32, out, rows.row_count),
    );
}

const TopKOutPointers = struct {
    k: u32,
    index: ?[*]align(1) i32,
    score: ?[*]align(1) f32,
};

fn cosineTopK(
    arena: *allocator.Arena,
    queries: ?[*]align(1) const f32,
    query_count: u32,
    dimensions: u32,
    rows: RowPointers,
    out: TopKOutPointers,
) Error!void {
    try checkRows(dimensions, rows);
    try check(query_count >= 1 and query_count <= similarity.queries_max);
    try check(out.k >= 1 and out.k <= rows.row_count);
    const scored = try scoredRows(dimensions, rows);
    const batch = similarity.TopKBatch{
        .queries = try constSlice(f32, queries, @as(u64, query_count) * dimensions),
        .dimensions = dimensions,
        .matrix = scored.matrix,
        .norms = scored.norms,
        .first_row = @intCast(rows.first_row),
    };
    const out_count = @as(u64, query_count) * out.k;
    const index = try mutableSlice(i32, out.index, out_count);
    const score = try mutableSlice(f32, out.score, out_count);
    const query_norms = try arena.alloc(f64, query_count);
    assert(query_norms.len == query_count and index.len == score.len);
    similarity.cosineTopK(batch, query_norms, index, score);
}

const GraphPointers = struct {
    node_count: u32,
    edge_count: u64,
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
    mode: u32,
    capacity: u32,
    nodes: ?[*]align(1) i32,
    activation: ?[*]align(1) f32,
    first_hop: ?[*]align(1) i32,
    reached_count: ?*align(1) u32,
};

fn spread(
    arena: *allocator.Arena,
    graph_pointers: GraphPointers,
    seed_pointers: SeedPointers,
    params_pointer: ?*align(1) const SpreadParams,
    out: SpreadOutPointers,
) Error!void {
    const params = try copyOf(SpreadParams, params_pointer);
    try check(params.max_depth >= 1 and params.max_depth <= spreading.depth_max);
    const reached_count = try mutableItem(u32, out.reached_count);
    const seeds = spreading.Seeds{
        .nodes = try constSlice(i32, seed_pointers.nodes, seed_pointers.count),
        .activations = try constSlice(f32, seed_pointers.activations, seed_pointers.count),
    };
    const graph = try graphOf(graph_pointers);
    const output = try spreadOutput(graph_pointers.node_count, out);
    const reached = try spreading.spread(arena, graph, seeds, .{
        .hop_factors = params.hop_factors[0..params.max_depth],
        .refractory_hops = params.refractory_hops,
        .threshold = params.threshold,
    }, output);
    assert(reached <= graph_pointers.node_count);
    reached_count.* = reached;
}

/// The graph's arrays. An empty graph has one offset, which must equal the
/// edge count; there is nothing to follow, so the caller's is not read.
inline fn graphOf(pointers: GraphPointers) error{InvalidArgument}!spreading.Graph {
    try check(pointers.node_count <= spreading.node_count_max);
    try check(pointers.edge_count <= spreading.edge_count_max);
    const empty_offsets = [_]i32{0};
    const offsets = if (pointers.node_count == 0)
        &empty_offsets
    else
        try constSlice(i32, pointers.offsets, @as(u64, pointers.node_count) + 1);
    assert(offsets.len == @as(usize, pointers.node_count) + 1);
    return .{
        .offsets = offsets,
        .targets = try constSlice(i32, pointers.targets, pointers.edge_count),
        .weights = try constSlice(f32, pointers.weights, pointers.edge_count),
    };
}

inline fn spreadOutput(node_count: u32, out: SpreadOutPointers) error{InvalidArgument}!spreading.Output {
    const mode = std.meta.intToEnum(spreading.Mode, out.mode) catch return error.InvalidArgument;
    return switch (mode) {
        .dense => .{ .dense = .{
            .activation = try mutableSlice(f32, out.activation, node_count),
            .first_hop = try mutableSlice(i32, out.first_hop, node_count),
        } },
        .sparse => .{ .sparse = .{
            .node = try mutableSlice(i32, out.nodes, out.capacity),
            .activation = try mutableSlice(f32, out.activation, out.capacity),
            .first_hop = try mutableSlice(i32, out.first_hop, out.capacity),
        } },
    };
}

inline fn kernelDecayParams(params: DecayParams) error{InvalidArgument}!decay_kernel.Params {
    const curve = std.meta.intToEnum(DecayCurve, params.curve) catch return error.InvalidArgument;
    const kernel_curve: decay_kernel.Curve = switch (curve) {
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
    return .{ .curve = kernel_curve, .floor = params.floor };
}

fn decay(
    arena: *allocator.Arena,
    strength: ?[*]align(1) const f32,
    age_seconds: ?[*]align(1) const f32,
    access_count: ?[*]align(1) const i32,
    count: u64,
    params_pointer: ?*align(1) const DecayParams,
    out: ?[*]align(1) f32,
) Error!void {
    // Decay needs no scratch; the call owns the arena all the same.
    assert(arena.isLive());
    const params = try kernelDecayParams(try copyOf(DecayParams, params_pointer));
    try check(count <= decay_kernel.count_max);
    if (count == 0) return;
    decay_kernel.decay(
        try constSlice(f32, strength, count),
        try constSlice(f32, age_seconds, count),
        try optionalConstSlice(i32, access_count, count),
        params,
        try mutableSlice(f32, out, count),
    );
}

const MemoryPointers = struct {
    count: u64,
    strength: ?[*]align(1) const f32,
    last_access_seconds: ?[*]align(1) const f64,
    access_count: ?[*]align(1) const i32,
};

fn decayGather(
    arena: *allocator.Arena,
    indices: ?[*]align(1) const i32,
    count: u64,
    memory_pointers: MemoryPointers,
    now_seconds: f64,
    params_pointer: ?*align(1) const DecayParams,
    out_pointer: ?[*]align(1) f32,
) Error!void {
    assert(arena.isLive());
    const params = try kernelDecayParams(try copyOf(DecayParams, params_pointer));
    try check(count <= decay_kernel.count_max and memory_pointers.count <= decay_kernel.count_max);
    const memories = decay_kernel.Memories{
        .strength = try constSlice(f32, memory_pointers.strength, memory_pointers.count),
        .last_access_seconds = try constSlice(f64, memory_pointers.last_access_seconds, memory_pointers.count),
        .access_count = try optionalConstSlice(i32, memory_pointers.access_count, memory_pointers.count),
    };
    const index = try constSlice(i32, indices, count);
    const out = try mutableSlice(f32, out_pointer, count);
    // Each output is written as soon as it is computed: it must not be an input.
    try check(disjoint(out, index) and disjoint(out, memories.strength) and disjoint(out, memories.last_access_seconds));
    if (memories.access_count) |counts| try check(disjoint(out, counts));
    try decay_kernel.decayGather(index, memories, now_seconds, params, out);
}

/// Whether the bytes of two slices share nothing.
fn disjoint(a: anytype, b: anytype) bool {
    const a_bytes = std.mem.sliceAsBytes(a);
    const b_bytes = std.mem.sliceAsBytes(b);
    if (a_bytes.len == 0 or b_bytes.len == 0) return true;
    const a_start = @intFromPtr(a_bytes.ptr);
    const b_start = @intFromPtr(b_bytes.ptr);
    return a_start + a_bytes.len <= b_start or b_start + b_bytes.len <= a_start;
}

test {
    // The unit tests of every module run with those of the ABI.
    _ = allocator;
    _ = arena_config;
    _ = arena_metrics;
    _ = decay_kernel;
    _ = simd;
    _ = similarity;
    _ = spreading;
}

const testing = std.testing;
const status_ok: c_int = @intFromEnum(Status.ok);
const status_invalid: c_int = @intFromEnum(Status.invalid_argument);
const status_out_of_memory: c_int = @intFromEnum(Status.out_of_memory);
const status_overflow: c_int = @intFromEnum(Status.arena_overflow);
const status_panic: c_int = @intFromEnum(Status.arena_panic);
const status_busy: c_int = @intFromEnum(Status.arena_busy);
const mib = 1 << 20;

/// Never dereferenced: stands for the any-value pointer of a count of 0.
fn dangling(comptime T: type) [*]T {
    return @ptrFromInt(0x10);
}

fn misaligned(comptime T: type, items: []T) [*]align(1) T {
    return @ptrFromInt(@intFromPtr(items.ptr) + 1);
}

fn createArena(capacity_bytes: u64, overflow: arena_config.Overflow) !*Arena {
    var arena: ?*Arena = null;
    try testing.expectEqual(status_ok, engram_arena_create(capacity_bytes, @intFromEnum(overflow), &arena));
    return arena.?;
}

fn destroyArena(arena: *Arena) void {
    std.debug.assert(engram_arena_destroy(arena) == status_ok);
}

fn metricsOf(arena: *Arena) ArenaMetrics {
    var metrics: ArenaMetrics = undefined;
    std.debug.assert(engram_arena_metrics(arena, &metrics) == status_ok);
    return metrics;
}

fn totals() ArenaTotals {
    var result: ArenaTotals = undefined;
    std.debug.assert(engram_arena_totals(&result) == status_ok);
    return result;
}

fn arenaBehind(arena: *Arena) *allocator.Arena {
    return @ptrCast(@alignCast(arena));
}

test "the library reports its version and instruction set" {
    try testing.expectEqual(@as(u32, 2), engram_abi_version());
    const isa = std.meta.intToEnum(simd.Isa, engram_isa()) catch unreachable;
    try testing.expectEqualStrings(std.mem.span(isa.name()), std.mem.span(engram_isa_name()));
}

test "errors map to their status codes" {
    try testing.expectEqual(@as(c_int, 0), statusOf({}));
    try testing.expectEqual(@as(c_int, 1), statusOf(error.InvalidArgument));
    try testing.expectEqual(@as(c_int, 2), statusOf(error.OutOfMemory));
    try testing.expectEqual(@as(c_int, 3), statusOf(error.ArenaOverflow));
    try testing.expectEqual(@as(c_int, 4), statusOf(error.ArenaPanic));
    try testing.expectEqual(@as(c_int, 5), statusOf(error.ArenaBusy));
}

test "engram_layout gives every offset and size, and refuses what does not exist" {
    const Expected = struct { id: u32, size: u64, offsets: []const u64 };
    const expected = [_]Expected{
        .{ .id = 0, .size = 144, .offsets = &.{ 0, 4, 8, 12, 16 } },
        .{ .id = 1, .size = 80, .offsets = &.{ 0, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72 } },
        .{ .id = 2, .size = 64, .offsets = &.{ 0, 8, 16, 24, 32, 40, 48, 56 } },
        .{ .id = 3, .size = 32, .offsets = &.{ 0, 8, 16, 24 } },
    };
    for (expected) |layout| {
        try testing.expectEqual(layout.size, engram_layout(layout.id, layout_size_field));
        for (layout.offsets, 0..) |offset, field| try testing.expectEqual(offset, engram_layout(layout.id, @intCast(field)));
        const field_count: u32 = @intCast(layout.offsets.len);
        try testing.expectEqual(layout_unknown, engram_layout(layout.id, field_count));
        try testing.expectEqual(layout_unknown, engram_layout(layout.id, layout_size_field - 1));
    }
    for ([_]u32{ 4, 5, 1000, std.math.maxInt(u32) }) |id| {
        try testing.expectEqual(layout_unknown, engram_layout(id, 0));
        try testing.expectEqual(layout_unknown, engram_layout(id, layout_size_field));
    }
}

test "engram_arena_create refuses bad capacities, overflow codes and out pointers" {
    const before = totals();
    var arena: ?*Arena = null;
    for ([_]u64{ 0, mib - 1, 100 * mib + 1, std.math.maxInt(u64) }) |capacity_bytes| {
        try testing.expectEqual(status_invalid, engram_arena_create(capacity_bytes, 0, &arena));
    }
    for ([_]u32{ 3, 7, std.math.maxInt(u32) }) |code| {
        try testing.expectEqual(status_invalid, engram_arena_create(mib, code, &arena));
    }
    try testing.expectEqual(status_invalid, engram_arena_create(mib, 0, null));
    var slots: [3]?*Arena = undefined;
    const shifted: *align(1) ?*Arena = @ptrFromInt(@intFromPtr(&slots) + 4);
    try testing.expectEqual(status_invalid, engram_arena_create(mib, 0, shifted));
    try testing.expectEqual(@as(?*Arena, null), arena);
    try testing.expectEqual(before.live_arenas, totals().live_arenas);
    try testing.expectEqual(before.arenas_created, totals().arenas_created);

    for ([_]u64{ mib, 100 * mib, 3 * mib + 5 }) |capacity_bytes| {
        try testing.expectEqual(status_ok, engram_arena_create(capacity_bytes, 2, &arena));
        try testing.expectEqual(capacity_bytes, metricsOf(arena.?).capacity_bytes);
        try testing.expectEqual(status_ok, engram_arena_destroy(arena.?));
    }
}

test "arena handles, metrics and totals refuse null, misaligned and foreign pointers" {
    var metrics: ArenaMetrics = undefined;
    var totals_out: ArenaTotals = undefined;
    // Zeroed memory the size of an arena is not an arena.
    var foreign: [@sizeOf(allocator.Arena)]u8 align(64) = [_]u8{0} ** @sizeOf(allocator.Arena);
    const foreign_handle: *Arena = @ptrCast(&foreign);
    const misaligned_handle: *Arena = @ptrFromInt(@intFromPtr(&foreign) + 4);
    try testing.expectEqual(status_invalid, engram_arena_destroy(null));
    try testing.expectEqual(status_invalid, engram_arena_destroy(foreign_handle));
    try testing.expectEqual(status_invalid, engram_arena_destroy(misaligned_handle));
    try testing.expectEqual(status_invalid, engram_arena_metrics(null, &metrics));
    try testing.expectEqual(status_invalid, engram_arena_metrics(foreign_handle, &metrics));
    try testing.expectEqual(status_invalid, engram_arena_metrics(misaligned_handle, &metrics));
    try testing.expectEqual(status_invalid, engram_arena_totals(null));
    var bytes: [2 * @sizeOf(ArenaTotals)]u8 align(8) = undefined;
    try testing.expectEqual(status_invalid, engram_arena_totals(@ptrCast(&bytes[4])));
    try testing.expectEqual(status_ok, engram_arena_totals(&totals_out));

    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    try testing.expectEqual(status_invalid, engram_arena_metrics(arena, null));
    try testing.expectEqual(status_invalid, engram_arena_metrics(arena, @ptrCast(&bytes[4])));
    const query = [_]f32{1};
    var out: [1]f32 = undefined;
    try testing.expectEqual(status_invalid, engram_cosine(null, &query, 1, &query, 0, 1, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(foreign_handle, &query, 1, &query, 0, 1, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(misaligned_handle, &query, 1, &query, 0, 1, null, &out));
    try testing.expectEqual(status_ok, engram_cosine(arena, &query, 1, &query, 0, 1, null, &out));
}

test "a busy arena refuses every kernel and destroy, and leaves the outputs alone" {
    const arena = try createArena(mib, .@"error");
    try arenaBehind(arena).beginCall();
    const query = [_]f32{ 1, 0 };
    var out = [_]f32{ 7, 7 };
    var index = [_]i32{ 7, 7 };
    try testing.expectEqual(status_busy, engram_cosine(arena, &query, 2, &query, 0, 1, null, &out));
    try testing.expectEqual(status_busy, engram_cosine_topk(arena, &query, 1, 2, &query, 0, 1, null, 1, &index, &out));
    const params = spreadParams(1, 1, 0, 1);
    var reached: u32 = 7;
    var first_hop = [_]i32{ 7, 7 };
    try testing.expectEqual(status_busy, engram_spread(arena, 1, 0, &.{ 0, 0 }, null, null, &.{0}, &.{1}, 1, &params, 0, 0, null, &out, &first_hop, &reached));
    const decay_params = decayParams(0);
    try testing.expectEqual(status_busy, engram_decay(arena, &.{1}, &.{1}, null, 1, &decay_params, &out));
    try testing.expectEqual(status_busy, engram_decay_gather(arena, &.{0}, 1, 1, &.{1}, &.{0}, null, 1, &decay_params, &out));
    try testing.expectEqual(status_busy, engram_arena_destroy(arena));
    // Metrics may be read while a call runs.
    try testing.expectEqual(@as(u64, 0), metricsOf(arena).resets);
    try testing.expectEqualSlices(f32, &.{ 7, 7 }, &out);
    try testing.expectEqualSlices(i32, &.{ 7, 7 }, &index);
    try testing.expectEqualSlices(i32, &.{ 7, 7 }, &first_hop);
    try testing.expectEqual(@as(u32, 7), reached);
    arenaBehind(arena).endCall();
    try testing.expectEqual(status_ok, engram_cosine(arena, &query, 2, &query, 0, 1, null, &out));
    try testing.expectEqual(@as(u64, 2), metricsOf(arena).resets);
    try testing.expectEqual(status_ok, engram_arena_destroy(arena));
}

test "engram_cosine scores a row range, norms by absolute row, and refuses bad shapes" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    const query = [_]f32{ 1, 0 };
    const matrix = [_]f32{ 0, 1, 2, 0, -1, 0 };
    var out: [3]f32 = undefined;
    try testing.expectEqual(status_ok, engram_cosine(arena, &query, 2, &matrix, 0, 3, null, &out));
    try testing.expectEqualSlices(f32, &.{ 0, 1, -1 }, &out);
    const norms = [_]f32{ 1, 4, 1 };
    try testing.expectEqual(status_ok, engram_cosine(arena, &query, 2, &matrix, 0, 3, &norms, &out));
    try testing.expectEqualSlices(f32, &.{ 0, 0.5, -1 }, &out);
    try testing.expectEqual(status_ok, engram_cosine(arena, &query, 2, &matrix, 1, 2, &norms, &out));
    try testing.expectEqualSlices(f32, &.{ 0.5, -1 }, out[0..2]);
    try testing.expectEqual(status_ok, engram_cosine(arena, &query, 2, &matrix, 2, 1, null, &out));
    try testing.expectEqual(@as(f32, -1), out[0]);

    try testing.expectEqual(status_ok, engram_cosine(arena, dangling(f32), 2, null, 0, 0, null, null));
    try testing.expectEqual(status_ok, engram_cosine(arena, dangling(f32), 2, null, 5, 0, null, null));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 0, &matrix, 0, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 4097, &matrix, 0, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, 0, 1 << 31, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, (1 << 31) - 1, 1, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, 1 << 31, 0, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, std.math.maxInt(u64), 2, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, null, 2, &matrix, 0, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, null, 0, 3, null, &out));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, 0, 3, null, null));
    var floats: [16]f32 = undefined;
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, 0, 3, null, misaligned(f32, &floats)));
    try testing.expectEqual(status_invalid, engram_cosine(arena, &query, 2, &matrix, 0, 3, misaligned(f32, &floats), &out));
    try testing.expectEqual(@as(u64, 0), metricsOf(arena).high_water_bytes);
}

test "engram_cosine_topk ranks a batch over a row range and refuses bad counts" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    const queries = [_]f32{ 1, 0, 0, 1 };
    const matrix = [_]f32{ 0, 1, 2, 0, -1, 0, 1, 0 };
    var index: [8]i32 = undefined;
    var score: [8]f32 = undefined;
    try testing.expectEqual(status_ok, engram_cosine_topk(arena, &queries, 1, 2, &matrix, 0, 4, null, 3, &index, &score));
    try testing.expectEqualSlices(i32, &.{ 1, 3, 0 }, index[0..3]);
    try testing.expectEqualSlices(f32, &.{ 1, 1, 0 }, score[0..3]);
    try testing.expectEqual(status_ok, engram_cosine_topk(arena, &queries, 2, 2, &matrix, 0, 4, null, 2, &index, &score));
    try testing.expectEqualSlices(i32, &.{ 1, 3, 0, 1 }, index[0..4]);
    try testing.expectEqualSlices(f32, &.{ 1, 1, 1, 0 }, score[0..4]);
    // Rows 2 and 3 only, numbered absolutely; the norms are indexed from row 0.
    const norms = [_]f32{ 9, 9, 1, 2 };
    try testing.expectEqual(status_ok, engram_cosine_topk(arena, &queries, 2, 2, &matrix, 2, 2, &norms, 2, &index, &score));
    try testing.expectEqualSlices(i32, &.{ 3, 2, 2, 3 }, index[0..4]);
    try testing.expectEqualSlices(f32, &.{ 0.5, -1, 0, 0 }, score[0..4]);

    const cases = [_]struct { query_count: u32, first_row: u64, row_count: u64, k: u32 }{
        .{ .query_count = 1, .first_row = 0, .row_count = 4, .k = 0 },
        .{ .query_count = 1, .first_row = 0, .row_count = 4, .k = 5 },
        .{ .query_count = 1, .first_row = 2, .row_count = 2, .k = 3 },
        .{ .query_count = 1, .first_row = 0, .row_count = 0, .k = 1 },
        .{ .query_count = 0, .first_row = 0, .row_count = 4, .k = 1 },
        .{ .query_count = 1025, .first_row = 0, .row_count = 4, .k = 1 },
        .{ .query_count = 1, .first_row = (1 << 31) - 1, .row_count = 1, .k = 1 },
        .{ .query_count = 1, .first_row = std.math.maxInt(u64), .row_count = 4, .k = 1 },
    };
    for (cases) |case| {
        try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, case.query_count, 2, &matrix, case.first_row, case.row_count, null, case.k, &index, &score));
    }
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, 1, 0, &matrix, 0, 4, null, 1, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, 1, 4097, &matrix, 0, 4, null, 1, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, null, 1, 2, &matrix, 0, 4, null, 1, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, 1, 2, null, 0, 4, null, 1, &index, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, 1, 2, &matrix, 0, 4, null, 1, null, &score));
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, 1, 2, &matrix, 0, 4, null, 1, &index, null));
    try testing.expectEqual(status_invalid, engram_cosine_topk(arena, &queries, 1, 2, &matrix, 0, 4, null, 1, misaligned(i32, &index), &score));
}

test "engram_cosine_topk takes its scratch from the arena before it writes anything" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    // Tables of 116,000 nodes fill the arena but for 4 KiB; the lists of the
    // spread overflow, and the tables stay retained.
    const node_count = 116_000;
    const offsets = try testing.allocator.alloc(i32, node_count + 1);
    defer testing.allocator.free(offsets);
    @memset(offsets, 0);
    var reached: u32 = 99;
    const params = spreadParams(1, 1, 0, 1);
    try testing.expectEqual(status_overflow, engram_spread(arena, node_count, 0, offsets.ptr, null, null, &.{0}, &.{1}, 1, &params, 1, 0, null, null, null, &reached));
    try testing.expectEqual(@as(u32, 99), reached);
    try testing.expectEqual(@as(u64, 9 * node_count), metricsOf(arena).retained_bytes);
    // 1024 query norms need 8 KiB.
    const queries = try testing.allocator.alloc(f32, 1024);
    defer testing.allocator.free(queries);
    @memset(queries, 1);
    var index = [_]i32{-5} ** 1024;
    var score = [_]f32{-5} ** 1024;
    try testing.expectEqual(status_overflow, engram_cosine_topk(arena, queries.ptr, 1024, 1, queries.ptr, 0, 1, null, 1, &index, &score));
    for (index, score) |i, s| {
        try testing.expectEqual(@as(i32, -5), i);
        try testing.expectEqual(@as(f32, -5), s);
    }
    try testing.expectEqual(@as(u64, 1024 * 8), metricsOf(arena).last_overflow_bytes);
    try testing.expectEqual(status_ok, engram_cosine_topk(arena, queries.ptr, 100, 1, queries.ptr, 0, 1, null, 1, &index, &score));
    try testing.expectEqual(@as(f32, 1), score[99]);
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

const dense_mode: u32 = @intFromEnum(spreading.Mode.dense);
const sparse_mode: u32 = @intFromEnum(spreading.Mode.sparse);

test "engram_spread runs the chain in both modes and reports the reached count" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    const offsets = [_]i32{ 0, 1, 2, 3, 3 };
    const targets = [_]i32{ 1, 2, 3 };
    const weights = [_]f32{ 0.5, 0.5, 0.5 };
    const params = spreadParams(3, 3, 0, 0.5);
    var nodes = [_]i32{-9} ** 4;
    var activation: [4]f32 = undefined;
    var first_hop: [4]i32 = undefined;
    var reached: u32 = undefined;
    try testing.expectEqual(status_ok, engram_spread(arena, 4, 3, &offsets, &targets, &weights, &.{2}, &.{1}, 1, &params, dense_mode, 0, null, &activation, &first_hop, &reached));
    try testing.expectEqualSlices(f32, &.{ 0, 0, 1, 0.25 }, &activation);
    try testing.expectEqualSlices(i32, &.{ -1, -1, 0, 1 }, &first_hop);
    try testing.expectEqual(@as(u32, 2), reached);
    try testing.expectEqual(status_ok, engram_spread(arena, 4, 3, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &params, dense_mode, 0, null, &activation, &first_hop, &reached));
    try testing.expectEqualSlices(f32, &.{ 1, 0.25, 0.0625, 0.015625 }, &activation);
    try testing.expectEqualSlices(i32, &.{ 0, 1, 2, 3 }, &first_hop);
    try testing.expectEqual(@as(u32, 4), reached);

    @memset(&activation, -9);
    @memset(&first_hop, -9);
    try testing.expectEqual(status_ok, engram_spread(arena, 4, 3, &offsets, &targets, &weights, &.{ 1, 0 }, &.{ 0.5, 1 }, 2, &params, sparse_mode, 3, &nodes, &activation, &first_hop, &reached));
    try testing.expectEqualSlices(i32, &.{ 0, 1, 2, -9 }, &nodes);
    try testing.expectEqualSlices(f32, &.{ 1, 0.75, 0.125, -9 }, &activation);
    try testing.expectEqualSlices(i32, &.{ 0, 0, 1, -9 }, &first_hop);
    try testing.expectEqual(@as(u32, 4), reached);
    try testing.expectEqual(status_ok, engram_spread(arena, 4, 3, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &params, sparse_mode, 0, null, null, null, &reached));
    try testing.expectEqual(@as(u32, 4), reached);
    try testing.expectEqual(@as(u64, 4 * 9), metricsOf(arena).retained_bytes);
}

test "engram_spread on an empty graph touches no array" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    const params = spreadParams(1, 1, 0, 1);
    var reached: u32 = 99;
    try testing.expectEqual(status_ok, engram_spread(arena, 0, 0, dangling(i32), null, null, null, null, 0, &params, dense_mode, 0, null, dangling(f32), dangling(i32), &reached));
    try testing.expectEqual(@as(u32, 0), reached);
    try testing.expectEqual(status_ok, engram_spread(arena, 0, 0, null, null, null, null, null, 0, &params, sparse_mode, 0, null, null, null, &reached));
    try testing.expectEqual(status_invalid, engram_spread(arena, 0, 0, null, null, null, &.{0}, &.{1}, 1, &params, dense_mode, 0, null, null, null, &reached));
    try testing.expectEqual(status_invalid, engram_spread(arena, 0, 1, null, &.{0}, &.{1}, null, null, 0, &params, dense_mode, 0, null, null, null, &reached));
}

test "engram_spread refuses bad depths, seeds, modes, counts and pointers" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    const offsets = [_]i32{ 0, 1, 1 };
    const targets = [_]i32{1};
    const weights = [_]f32{1};
    var nodes: [2]i32 = undefined;
    var activation: [2]f32 = undefined;
    var first_hop: [2]i32 = undefined;
    var reached: u32 = undefined;
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
        for ([_]u32{ dense_mode, sparse_mode }) |mode| {
            try testing.expectEqual(status_invalid, engram_spread(arena, 2, 1, &offsets, &targets, &weights, &.{case.node}, &.{case.activation}, 1, &case.params, mode, 2, &nodes, &activation, &first_hop, &reached));
        }
    }
    const S = struct {
        fn call(a: *Arena, node_count: u32, edge_count: u64, params: ?*align(1) const SpreadParams, mode: u32, capacity: u32, out_nodes: ?[*]align(1) i32, out_activation: ?[*]align(1) f32, out_reached: ?*align(1) u32) c_int {
            const o = [_]i32{ 0, 1, 1 };
            const t = [_]i32{1};
            const w = [_]f32{1};
            var hops: [2]i32 = undefined;
            return engram_spread(a, node_count, edge_count, &o, &t, &w, &.{0}, &.{1}, 1, params, mode, capacity, out_nodes, out_activation, &hops, out_reached);
        }
    };
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, null, dense_mode, 0, null, &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, dense_mode, 0, null, &activation, null));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, dense_mode, 0, null, null, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, 2, 2, &nodes, &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, std.math.maxInt(u32), 2, &nodes, &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, sparse_mode, 2, null, &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, sparse_mode, 2, misaligned(i32, &nodes), &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 1 << 31, 1, &good, dense_mode, 0, null, &activation, &reached));
    // The edge count must be offsets[n], and fit in an i32.
    try testing.expectEqual(status_invalid, S.call(arena, 2, 0, &good, dense_mode, 0, null, &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 2, &good, dense_mode, 0, null, &activation, &reached));
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1 << 31, &good, dense_mode, 0, null, &activation, &reached));
    var reached_bytes: [8]u8 align(4) = undefined;
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, &good, dense_mode, 0, null, &activation, @ptrCast(&reached_bytes[1])));
    var params_bytes: [2 * @sizeOf(SpreadParams)]u8 align(4) = undefined;
    try testing.expectEqual(status_invalid, S.call(arena, 2, 1, @ptrCast(&params_bytes[2]), dense_mode, 0, null, &activation, &reached));
    try testing.expectEqual(status_invalid, engram_spread(arena, 2, 1, &offsets, &targets, &weights, null, &.{1}, 1, &good, dense_mode, 0, null, &activation, &first_hop, &reached));
    try testing.expectEqual(status_invalid, engram_spread(arena, 2, 1, null, &targets, &weights, &.{0}, &.{1}, 1, &good, dense_mode, 0, null, &activation, &first_hop, &reached));

    try testing.expectEqual(status_ok, S.call(arena, 2, 1, &good, dense_mode, 0, null, &activation, &reached));
    try testing.expectEqual(@as(u32, 2), reached);
    try testing.expectEqual(status_ok, S.call(arena, 2, 1, &good, sparse_mode, 1, &nodes, &activation, &reached));
    try testing.expectEqual(@as(u32, 2), reached);
    try testing.expectEqual(@as(i32, 0), nodes[0]);
}

test "engram_spread under each overflow strategy" {
    // 120,000 nodes need 3.6 MB: more than 1 MiB, less than 4 MiB.
    const node_count = 120_000;
    const offsets = try testing.allocator.alloc(i32, node_count + 1);
    defer testing.allocator.free(offsets);
    for (offsets, 0..) |*offset, u| offset.* = @intCast(@min(u, node_count - 1));
    const targets = try testing.allocator.alloc(i32, node_count - 1);
    defer testing.allocator.free(targets);
    for (targets, 1..) |*target, v| target.* = @intCast(v);
    const weights = try testing.allocator.alloc(f32, node_count - 1);
    defer testing.allocator.free(weights);
    @memset(weights, 1);
    const activation = try testing.allocator.alloc(f32, node_count);
    defer testing.allocator.free(activation);
    const first_hop = try testing.allocator.alloc(i32, node_count);
    defer testing.allocator.free(first_hop);
    const params = spreadParams(3, 3, 0, 0.5);
    const before = totals();

    const expected_status = [_]c_int{ status_overflow, status_ok, status_panic };
    for ([_]arena_config.Overflow{ .@"error", .fallback, .panic }, expected_status) |strategy, want| {
        const arena = try createArena(mib, strategy);
        defer destroyArena(arena);
        const mapped_before = totals().mapped_bytes;
        @memset(activation, -1);
        var reached: u32 = 77;
        const status = engram_spread(arena, node_count, node_count - 1, offsets.ptr, targets.ptr, weights.ptr, &.{5}, &.{1}, 1, &params, dense_mode, 0, null, activation.ptr, first_hop.ptr, &reached);
        try testing.expectEqual(want, status);
        try testing.expectEqual(mapped_before, totals().mapped_bytes);
        const metrics = metricsOf(arena);
        try testing.expect(metrics.overflows >= 1);
        try testing.expectEqual(@as(u64, 0), metrics.retained_bytes);
        try testing.expectEqual(@as(u64, 0), metrics.in_use_bytes);
        try testing.expectEqual(@as(u64, 1), metrics.resets);
        if (want == status_ok) {
            try testing.expectEqual(@as(u32, 4), reached);
            try testing.expectEqualSlices(f32, &.{ 0, 1, 0.5, 0.25, 0.125, 0 }, activation[4..10]);
            try testing.expect(metrics.fallback_bytes >= 30 * node_count - 9 * node_count);
            try testing.expect(metrics.high_water_bytes >= 30 * node_count - 9 * node_count);
            // The last request that did not fit: the list of first hops, a byte a node.
            try testing.expectEqual(@as(u64, node_count), metrics.last_overflow_bytes);
        } else {
            // Nothing written: not the count, not one activation.
            try testing.expectEqual(@as(u32, 77), reached);
            for (activation) |a| try testing.expectEqual(@as(f32, -1), a);
            try testing.expectEqual(@as(u64, 1), metrics.overflows);
            // The first request that did not fit ended the call: the tables.
            try testing.expectEqual(@as(u64, 9 * node_count), metrics.last_overflow_bytes);
            try testing.expectEqual(@as(u64, 0), metrics.fallback_bytes);
        }
    }
    try testing.expectEqual(before.mapped_bytes, totals().mapped_bytes);
    try testing.expectEqual(before.live_arenas, totals().live_arenas);
}

test "arena metrics follow the calls: in use, high water, resets, retained" {
    const before = totals();
    const arena = try createArena(2 * mib + 1, .fallback);
    const created = totals();
    try testing.expectEqual(before.live_arenas + 1, created.live_arenas);
    try testing.expectEqual(before.arenas_created + 1, created.arenas_created);
    try testing.expect(created.mapped_bytes - before.mapped_bytes >= 2 * mib + 1);
    try testing.expect(created.mapped_bytes - before.mapped_bytes <= 2 * mib + 4 * std.mem.page_size);
    try testing.expectEqual(ArenaMetrics{
        .capacity_bytes = 2 * mib + 1,
        .in_use_bytes = 0,
        .high_water_bytes = 0,
        .overflows = 0,
        .fallback_bytes = 0,
        .resets = 0,
        .last_overflow_bytes = 0,
        .retained_bytes = 0,
    }, metricsOf(arena));
    const offsets = [_]i32{ 0, 1, 2, 3, 3 };
    const targets = [_]i32{ 1, 2, 3 };
    const weights = [_]f32{ 0.5, 0.5, 0.5 };
    const params = spreadParams(3, 3, 0, 0.5);
    var reached: u32 = undefined;
    for (0..3) |_| {
        try testing.expectEqual(status_ok, engram_spread(arena, 4, 3, &offsets, &targets, &weights, &.{0}, &.{1}, 1, &params, sparse_mode, 0, null, null, null, &reached));
    }
    const metrics = metricsOf(arena);
    try testing.expectEqual(@as(u64, 3), metrics.resets);
    try testing.expectEqual(@as(u64, 36), metrics.retained_bytes);
    try testing.expectEqual(@as(u64, 36), metrics.in_use_bytes);
    // Tables, then five lists of 4 bytes a node and one of 1, each aligned for its type.
    try testing.expectEqual(@as(u64, 36 + 5 * 16 + 4), metrics.high_water_bytes);
    try testing.expectEqual(@as(u64, 0), metrics.overflows);
    try testing.expectEqual(status_ok, engram_arena_destroy(arena));
    const after = totals();
    try testing.expectEqual(before.live_arenas, after.live_arenas);
    try testing.expectEqual(before.mapped_bytes, after.mapped_bytes);
    try testing.expectEqual(before.arenas_destroyed + 1, after.arenas_destroyed);
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
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    var strength = [_]f32{ 0.8, 0.6, 1 };
    const age_seconds = [_]f32{ 86400, 0, 2 * 86400 };
    const exponential = decayParams(0);
    try testing.expectEqual(status_ok, engram_decay(arena, &strength, &age_seconds, null, 3, &exponential, &strength));
    try testing.expectEqualSlices(f32, &.{ 0.4, 0.6, 0.25 }, &strength);

    var out: [1]f32 = undefined;
    const ebbinghaus = decayParams(3);
    try testing.expectEqual(status_ok, engram_decay(arena, &.{0.7}, &.{60}, &.{0}, 1, &ebbinghaus, &out));
    try testing.expectEqual(@as(f32, 0.7), out[0]);

    try testing.expectEqual(status_ok, engram_decay(arena, null, dangling(f32), null, 0, &exponential, null));
    const unknown = decayParams(4);
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, &age_seconds, null, 3, &unknown, &strength));
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, &age_seconds, null, 0, &unknown, &strength));
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, &age_seconds, null, 3, null, &strength));
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, null, null, 3, &exponential, &strength));
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, &age_seconds, null, 1 << 62, &exponential, &strength));
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, &age_seconds, misaligned(i32, @constCast(&[_]i32{ 0, 0, 0, 0 })), 3, &exponential, &strength));
    var params_bytes: [2 * @sizeOf(DecayParams)]u8 align(8) = undefined;
    const shifted: *align(1) const DecayParams = @ptrCast(&params_bytes[4]);
    try testing.expectEqual(status_invalid, engram_decay(arena, &strength, &age_seconds, null, 3, shifted, &strength));
}

test "engram_decay_gather reads memories by index and refuses bad indices, curves and overlaps" {
    const arena = try createArena(mib, .@"error");
    defer destroyArena(arena);
    const strength = [_]f32{ 0.8, 0.6, 1 };
    const last_access = [_]f64{ 1e9 - 86400, 1e9, 1e9 - 2 * 86400 };
    const access_count = [_]i32{ 0, 0, 0 };
    const exponential = decayParams(0);
    var out = [_]f32{9} ** 5;
    try testing.expectEqual(status_ok, engram_decay_gather(arena, &.{ 2, 1, 0, 2 }, 4, 3, &strength, &last_access, &access_count, 1e9, &exponential, &out));
    try testing.expectEqualSlices(f32, &.{ 0.25, 0.6, 0.4, 0.25, 9 }, &out);
    try testing.expectEqual(status_ok, engram_decay_gather(arena, dangling(i32), 0, 0, null, null, null, 0, &exponential, null));
    try testing.expectEqual(status_ok, engram_decay_gather(arena, dangling(i32), 0, 3, &strength, &last_access, null, 0, &exponential, null));

    for ([_]i32{ -1, 3, std.math.maxInt(i32), std.math.minInt(i32) }) |bad| {
        try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{ 0, bad }, 2, 3, &strength, &last_access, null, 0, &exponential, &out));
    }
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 0, &strength, &last_access, null, 0, &exponential, &out));
    const unknown = decayParams(9);
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 3, &strength, &last_access, null, 0, &unknown, &out));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 3, &strength, &last_access, null, 0, null, &out));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, null, 1, 3, &strength, &last_access, null, 0, &exponential, &out));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 3, null, &last_access, null, 0, &exponential, &out));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 3, &strength, null, null, 0, &exponential, &out));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 3, &strength, &last_access, null, 0, &exponential, null));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 1 << 62, &strength, &last_access, null, 0, &exponential, &out));
    var doubles: [4]f64 = undefined;
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &.{0}, 1, 3, &strength, misaligned(f64, &doubles), null, 0, &exponential, &out));
    // The output may not be, nor overlap, any input.
    var memory = [_]f32{ 0.5, 0.5, 0.5, 0.5 };
    var indices = [_]i32{ 0, 1, 2, 3 };
    const counts = [_]i32{ 0, 0, 0, 0 };
    const times = [_]f64{ 0, 0, 0, 0 };
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &indices, 2, 4, &memory, &times, null, 0, &exponential, memory[2..]));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &indices, 2, 4, &memory, &times, null, 0, &exponential, @ptrCast(&indices[1])));
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &indices, 2, 2, &memory, @ptrCast(&memory), null, 0, &exponential, memory[3..]));
    var shared = [_]i32{ 0, 0, 0, 0 };
    try testing.expectEqual(status_invalid, engram_decay_gather(arena, &indices, 2, 4, &memory, &times, &shared, 0, &exponential, @ptrCast(&shared[3])));
    try testing.expectEqual(status_ok, engram_decay_gather(arena, &indices, 2, 2, memory[0..2], &times, &counts, 0, &exponential, memory[2..]));
    try testing.expectEqualSlices(f32, &.{ 0.5, 0.5, 0.5, 0.5 }, &memory);
}

/// Every kernel, on one arena, with fixed inputs: what a thread computes.
const Workload = struct {
    const dimensions = 37;
    const rows = 300;
    const query_count = 8;
    const k = 10;
    const node_count = 40_000;
    const memory_count = 1025;

    matrix: []f32,
    queries: []f32,
    norms: []f32,
    offsets: []i32,
    targets: []i32,
    weights: []f32,
    strength: []f32,
    age_seconds: []f32,
    last_access: []f64,
    access_count: []i32,
    indices: []i32,

    fn init(random: std.Random) !Workload {
        const gpa = testing.allocator;
        const workload = Workload{
            .matrix = try gpa.alloc(f32, rows * dimensions),
            .queries = try gpa.alloc(f32, query_count * dimensions),
            .norms = try gpa.alloc(f32, rows),
            .offsets = try gpa.alloc(i32, node_count + 1),
            .targets = try gpa.alloc(i32, 4 * node_count),
            .weights = try gpa.alloc(f32, 4 * node_count),
            .strength = try gpa.alloc(f32, memory_count),
            .age_seconds = try gpa.alloc(f32, memory_count),
            .last_access = try gpa.alloc(f64, memory_count),
            .access_count = try gpa.alloc(i32, memory_count),
            .indices = try gpa.alloc(i32, 2 * memory_count),
        };
        for (workload.matrix) |*v| v.* = random.float(f32) * 2 - 1;
        for (workload.queries) |*v| v.* = random.float(f32) * 2 - 1;
        for (workload.norms) |*v| v.* = random.float(f32) + 0.5;
        for (workload.offsets, 0..) |*offset, u| offset.* = @intCast(4 * u);
        for (workload.targets, workload.weights) |*target, *weight| {
            target.* = random.intRangeLessThan(i32, 0, node_count);
            weight.* = random.float(f32);
        }
        for (workload.strength, workload.age_seconds, workload.last_access, workload.access_count) |*s, *t, *last, *a| {
            s.* = random.float(f32);
            t.* = random.float(f32) * 1e7;
            last.* = random.float(f64) * 1e7;
            a.* = random.intRangeAtMost(i32, 0, 6);
        }
        for (workload.indices) |*index| index.* = random.intRangeLessThan(i32, 0, memory_count);
        return workload;
    }

    fn deinit(workload: Workload) void {
        const gpa = testing.allocator;
        inline for (std.meta.fields(Workload)) |field| gpa.free(@field(workload, field.name));
    }
};

const Results = struct {
    cosine: [Workload.rows]f32 = undefined,
    index: [Workload.query_count * Workload.k]i32 = undefined,
    score: [Workload.query_count * Workload.k]f32 = undefined,
    activation: [Workload.node_count]f32 = undefined,
    first_hop: [Workload.node_count]i32 = undefined,
    reached: u32 = 0,
    sparse_node: [500]i32 = undefined,
    sparse_activation: [500]f32 = undefined,
    sparse_first_hop: [500]i32 = undefined,
    sparse_reached: u32 = 0,
    decay: [Workload.memory_count]f32 = undefined,
    gather: [2 * Workload.memory_count]f32 = undefined,

    /// Runs every kernel once; the first status that is not ok, or ok.
    fn compute(results: *Results, arena: *Arena, w: *const Workload) c_int {
        const params = spreadParams(6, 6, 0.001, 0.7);
        const decay_params = decayParams(2);
        const statuses = [_]c_int{
            engram_cosine(arena, w.queries.ptr, Workload.dimensions, w.matrix.ptr, 1, Workload.rows - 1, w.norms.ptr, &results.cosine),
            engram_cosine_topk(arena, w.queries.ptr, Workload.query_count, Workload.dimensions, w.matrix.ptr, 0, Workload.rows, null, Workload.k, &results.index, &results.score),
            engram_spread(arena, Workload.node_count, w.targets.len, w.offsets.ptr, w.targets.ptr, w.weights.ptr, &.{ 7, 4000, 7 }, &.{ 0.5, 1, 0.25 }, 3, &params, dense_mode, 0, null, &results.activation, &results.first_hop, &results.reached),
            engram_spread(arena, Workload.node_count, w.targets.len, w.offsets.ptr, w.targets.ptr, w.weights.ptr, &.{ 9, 39_999 }, &.{ 1, 1 }, 2, &params, sparse_mode, 500, &results.sparse_node, &results.sparse_activation, &results.sparse_first_hop, &results.sparse_reached),
            engram_decay(arena, w.strength.ptr, w.age_seconds.ptr, w.access_count.ptr, Workload.memory_count, &decay_params, &results.decay),
            engram_decay_gather(arena, w.indices.ptr, w.indices.len, Workload.memory_count, w.strength.ptr, w.last_access.ptr, w.access_count.ptr, 1e7, &decay_params, &results.gather),
        };
        for (statuses) |status| if (status != status_ok) return status;
        return status_ok;
    }
};

test "every kernel gives the single-threaded answer on 32 threads at once, each with its own arena" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0005);
    const workload = try Workload.init(prng.random());
    defer workload.deinit();
    const before = totals();
    const expected = try testing.allocator.create(Results);
    defer testing.allocator.destroy(expected);
    expected.* = .{};
    const reference_arena = try createArena(4 * mib, .@"error");
    try testing.expectEqual(status_ok, expected.compute(reference_arena, &workload));
    destroyArena(reference_arena);
    try testing.expect(expected.reached > 1000 and expected.sparse_reached > 500);

    const Worker = struct {
        workload: *const Workload,
        arena: *Arena,
        results: Results = .{},
        status: c_int = -1,

        fn run(worker: *@This()) void {
            for (0..3) |_| {
                worker.status = worker.results.compute(worker.arena, worker.workload);
                if (worker.status != status_ok) return;
            }
        }
    };
    const thread_count = 32;
    const workers = try testing.allocator.alloc(Worker, thread_count);
    defer testing.allocator.free(workers);
    for (workers, 0..) |*worker, i| {
        // The spread needs 1.2 MB: the fallback arenas are smaller and map
        // blocks of their own on every call; the others hold it all.
        const strategy: arena_config.Overflow = @enumFromInt(i % 3);
        const capacity_bytes: u64 = if (strategy == .fallback) mib + i * std.mem.page_size else 2 * mib + i * 65536;
        worker.* = .{ .workload = &workload, .arena = try createArena(capacity_bytes, strategy) };
    }
    var threads: [thread_count]std.Thread = undefined;
    for (&threads, workers) |*thread, *worker| thread.* = try std.Thread.spawn(.{}, Worker.run, .{worker});
    // Metrics may be read while the calls run.
    for (0..200) |round| {
        const metrics = metricsOf(workers[round % thread_count].arena);
        try testing.expect(metrics.capacity_bytes >= mib);
    }
    for (threads) |thread| thread.join();
    for (workers) |*worker| {
        try testing.expectEqual(status_ok, worker.status);
        try testing.expectEqualSlices(u8, std.mem.asBytes(expected), std.mem.asBytes(&worker.results));
        const metrics = metricsOf(worker.arena);
        try testing.expectEqual(@as(u64, 18), metrics.resets);
        try testing.expectEqual(metrics.fallback_bytes > 0, arenaBehind(worker.arena).overflow == .fallback);
        destroyArena(worker.arena);
    }
    const after = totals();
    try testing.expectEqual(before.live_arenas, after.live_arenas);
    try testing.expectEqual(before.mapped_bytes, after.mapped_bytes);
    try testing.expectEqual(before.arenas_created + thread_count + 1, after.arenas_created);
    try testing.expectEqual(before.arenas_destroyed + thread_count + 1, after.arenas_destroyed);
}
