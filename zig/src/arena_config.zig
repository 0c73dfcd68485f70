//! The settings an arena is created with, and the only place that decides
//! which of them are acceptable: the capacity bounds and the overflow
//! strategy codes of `engram_arena_create`.

const std = @import("std");

const assert = std.debug.assert;

/// Below this an arena could not hold the scratch of even a small call.
pub const capacity_bytes_min: u64 = 1 << 20;
/// A bound on what one workspace may map for itself.
pub const capacity_bytes_max: u64 = 100 << 20;

/// Bound on the fallback blocks of one call: a call that would need more
/// fails with `error.OutOfMemory` rather than mapping without limit.
pub const fallback_blocks_max: u32 = 64;

/// What a request that does not fit in the arena does. The numeric values are
/// part of the ABI (`engram_arena_create`); never renumber them.
pub const Overflow = enum(u32) {
    /// The call fails with `arena_overflow`.
    @"error" = 0,
    /// The request gets a block of its own from the page allocator, freed
    /// when the call ends.
    fallback = 1,
    /// The call fails with `arena_panic`; the caller withdraws the kernels.
    panic = 2,
};

pub const Config = struct {
    capacity_bytes: u64,
    overflow: Overflow,
};

comptime {
    assert(capacity_bytes_min <= capacity_bytes_max);
    assert(capacity_bytes_max <= std.math.maxInt(u32));
    assert(capacity_bytes_min % std.mem.page_size == 0);
    assert(fallback_blocks_max >= 1 and fallback_blocks_max <= 1024);
}

/// The configuration the two raw arguments of `engram_arena_create` describe.
pub fn validate(capacity_bytes: u64, overflow_code: u32) error{InvalidArgument}!Config {
    if (capacity_bytes < capacity_bytes_min or capacity_bytes > capacity_bytes_max) return error.InvalidArgument;
    const overflow = std.meta.intToEnum(Overflow, overflow_code) catch return error.InvalidArgument;
    const config = Config{ .capacity_bytes = capacity_bytes, .overflow = overflow };
    assert(config.capacity_bytes >= capacity_bytes_min);
    assert(config.capacity_bytes <= capacity_bytes_max);
    return config;
}

const testing = std.testing;

test "capacities from 1 MiB to 100 MiB are accepted, and nothing outside" {
    try testing.expectEqual(capacity_bytes_min, (try validate(1_048_576, 0)).capacity_bytes);
    try testing.expectEqual(capacity_bytes_max, (try validate(104_857_600, 0)).capacity_bytes);
    try testing.expectEqual(@as(u64, 1_048_577), (try validate(1_048_577, 0)).capacity_bytes);
    const refused = [_]u64{ 0, 1, 1_048_575, 104_857_601, 1 << 40, std.math.maxInt(u64) };
    for (refused) |capacity_bytes| {
        try testing.expectError(error.InvalidArgument, validate(capacity_bytes, 0));
    }
}

test "the three overflow codes, and no other" {
    try testing.expectEqual(Overflow.@"error", (try validate(capacity_bytes_min, 0)).overflow);
    try testing.expectEqual(Overflow.fallback, (try validate(capacity_bytes_min, 1)).overflow);
    try testing.expectEqual(Overflow.panic, (try validate(capacity_bytes_min, 2)).overflow);
    for ([_]u32{ 3, 4, 255, std.math.maxInt(u32) }) |code| {
        try testing.expectError(error.InvalidArgument, validate(capacity_bytes_min, code));
    }
}
