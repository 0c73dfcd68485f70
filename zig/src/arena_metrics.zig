//! What an arena reports about itself (`engram_arena_metrics`) and what the
//! process reports about all arenas (`engram_arena_totals`).
//!
//! An arena's metrics have one writer, the call that owns the arena, but any
//! thread may read them while that call runs; so every field is an atomic
//! written with monotonic stores (a load and a store, no read-modify-write:
//! there is no second writer to race with). A reader sees each field whole,
//! not the fields as of one instant. The totals have many writers, the
//! threads creating and destroying arenas and mapping fallback blocks, and use
//! atomic read-modify-writes.

const std = @import("std");

const assert = std.debug.assert;
const Counter = std.atomic.Value(u64);

/// One reading of an arena's metrics; the field order is the ABI's
/// (`ArenaMetrics` in ffi.zig).
pub const Snapshot = struct {
    capacity_bytes: u64,
    in_use_bytes: u64,
    high_water_bytes: u64,
    overflows: u64,
    fallback_bytes: u64,
    resets: u64,
    last_overflow_bytes: u64,
    retained_bytes: u64,
};

pub const Metrics = struct {
    capacity_bytes: Counter,
    in_use_bytes: Counter,
    high_water_bytes: Counter,
    overflows: Counter,
    fallback_bytes: Counter,
    resets: Counter,
    last_overflow_bytes: Counter,
    retained_bytes: Counter,

    pub fn init(capacity_bytes: u64) Metrics {
        assert(capacity_bytes > 0);
        var metrics: Metrics = undefined;
        inline for (std.meta.fields(Metrics)) |field| @field(metrics, field.name) = Counter.init(0);
        metrics.capacity_bytes = Counter.init(capacity_bytes);
        assert(metrics.resets.raw == 0);
        return metrics;
    }

    pub fn snapshot(metrics: *const Metrics) Snapshot {
        var result: Snapshot = undefined;
        inline for (std.meta.fields(Snapshot)) |field| {
            @field(result, field.name) = @field(metrics, field.name).load(.monotonic);
        }
        assert(result.capacity_bytes > 0);
        return result;
    }

    /// Bytes in use now; the high water follows.
    pub fn setInUse(metrics: *Metrics, bytes: u64) void {
        metrics.in_use_bytes.store(bytes, .monotonic);
        if (bytes > metrics.high_water_bytes.load(.monotonic)) metrics.high_water_bytes.store(bytes, .monotonic);
        assert(metrics.high_water_bytes.load(.monotonic) >= bytes);
    }

    pub fn setRetained(metrics: *Metrics, bytes: u64) void {
        assert(bytes <= metrics.capacity_bytes.load(.monotonic));
        metrics.retained_bytes.store(bytes, .monotonic);
    }

    /// A request of `bytes` that did not fit.
    pub fn countOverflow(metrics: *Metrics, bytes: u64) void {
        assert(bytes > 0);
        increase(&metrics.overflows, 1);
        metrics.last_overflow_bytes.store(bytes, .monotonic);
    }

    /// A request of `bytes` served by the page allocator.
    pub fn countFallback(metrics: *Metrics, bytes: u64) void {
        assert(bytes > 0);
        increase(&metrics.fallback_bytes, bytes);
    }

    /// A call ended.
    pub fn countReset(metrics: *Metrics) void {
        const before = metrics.resets.load(.monotonic);
        increase(&metrics.resets, 1);
        assert(metrics.resets.load(.monotonic) == before + 1);
    }
};

comptime {
    // The snapshot mirrors the metrics field for field, in the same order.
    const metric_fields = std.meta.fields(Metrics);
    const snapshot_fields = std.meta.fields(Snapshot);
    assert(metric_fields.len == snapshot_fields.len);
    for (metric_fields, snapshot_fields) |a, b| assert(std.mem.eql(u8, a.name, b.name));
}

fn increase(counter: *Counter, amount: u64) void {
    const before = counter.load(.monotonic);
    assert(before <= std.math.maxInt(u64) - amount);
    counter.store(before + amount, .monotonic);
}

/// One reading of the process-wide totals; the field order is the ABI's
/// (`ArenaTotals` in ffi.zig).
pub const TotalsSnapshot = struct {
    live_arenas: u64,
    mapped_bytes: u64,
    arenas_created: u64,
    arenas_destroyed: u64,
};

const Totals = struct {
    live_arenas: Counter = Counter.init(0),
    mapped_bytes: Counter = Counter.init(0),
    arenas_created: Counter = Counter.init(0),
    arenas_destroyed: Counter = Counter.init(0),
};

/// The one piece of process-wide mutable state of the library.
var totals = Totals{};

pub fn totalsSnapshot() TotalsSnapshot {
    var result: TotalsSnapshot = undefined;
    inline for (std.meta.fields(TotalsSnapshot)) |field| {
        @field(result, field.name) = @field(totals, field.name).load(.monotonic);
    }
    return result;
}

/// An arena was created. Its mapping is counted by `mapped`, as every mapping is.
pub fn arenaCreated() void {
    const created_before = totals.arenas_created.fetchAdd(1, .monotonic);
    assert(created_before < std.math.maxInt(u64));
    _ = totals.live_arenas.fetchAdd(1, .monotonic);
}

pub fn arenaDestroyed() void {
    const live_before = totals.live_arenas.fetchSub(1, .monotonic);
    assert(live_before >= 1);
    _ = totals.arenas_destroyed.fetchAdd(1, .monotonic);
}

/// `bytes` (whole pages) were mapped.
pub fn mapped(bytes: u64) void {
    assert(bytes > 0);
    assert(bytes % std.mem.page_size == 0);
    _ = totals.mapped_bytes.fetchAdd(bytes, .monotonic);
}

pub fn unmapped(bytes: u64) void {
    assert(bytes > 0);
    const before = totals.mapped_bytes.fetchSub(bytes, .monotonic);
    assert(before >= bytes);
}

const testing = std.testing;

test "metrics start at zero but for the capacity, and the high water follows the use" {
    var metrics = Metrics.init(1 << 20);
    try testing.expectEqual(Snapshot{
        .capacity_bytes = 1 << 20,
        .in_use_bytes = 0,
        .high_water_bytes = 0,
        .overflows = 0,
        .fallback_bytes = 0,
        .resets = 0,
        .last_overflow_bytes = 0,
        .retained_bytes = 0,
    }, metrics.snapshot());
    metrics.setInUse(500);
    metrics.setInUse(200);
    metrics.countOverflow(4096);
    metrics.countOverflow(77);
    metrics.countFallback(77);
    metrics.countReset();
    metrics.setRetained(90);
    const reading = metrics.snapshot();
    try testing.expectEqual(@as(u64, 200), reading.in_use_bytes);
    try testing.expectEqual(@as(u64, 500), reading.high_water_bytes);
    try testing.expectEqual(@as(u64, 2), reading.overflows);
    try testing.expectEqual(@as(u64, 77), reading.last_overflow_bytes);
    try testing.expectEqual(@as(u64, 77), reading.fallback_bytes);
    try testing.expectEqual(@as(u64, 1), reading.resets);
    try testing.expectEqual(@as(u64, 90), reading.retained_bytes);
}

test "the totals count arenas and bytes in and out" {
    const before = totalsSnapshot();
    arenaCreated();
    mapped(8192);
    mapped(4096);
    const during = totalsSnapshot();
    try testing.expectEqual(before.live_arenas + 1, during.live_arenas);
    try testing.expectEqual(before.mapped_bytes + 12288, during.mapped_bytes);
    unmapped(4096);
    unmapped(8192);
    arenaDestroyed();
    const after = totalsSnapshot();
    try testing.expectEqual(before.live_arenas, after.live_arenas);
    try testing.expectEqual(before.mapped_bytes, after.mapped_bytes);
    try testing.expectEqual(before.arenas_created + 1, after.arenas_created);
    try testing.expectEqual(before.arenas_destroyed + 1, after.arenas_destroyed);
}
