//! The arena of one workspace: one block mapped from `std.heap.page_allocator`
//! when the arena is created, a bump pointer for the scratch of each call, and
//! a region at the bottom of the block that survives from call to call (the
//! node tables of spreading). A call owns the arena from `beginCall` to
//! `endCall`; it maps nothing, unless a request that does not fit is served by
//! the `fallback` strategy, and `endCall` unmaps what it mapped.
//!
//! The arena's header lives at the start of its own block, so an arena is one
//! mapping and the handle the caller holds is the block's address.

const std = @import("std");
const config = @import("arena_config.zig");
const arena_metrics = @import("arena_metrics.zig");

const assert = std.debug.assert;
const page_size = std.mem.page_size;
const Block = []align(page_size) u8;

/// Alignment of the arena's memory, and so of the retained region and of
/// the first request of every call: a cache line, more than any vector needs.
pub const memory_alignment = 64;

pub const Error = error{ ArenaOverflow, ArenaPanic, OutOfMemory };

/// Marks a live arena, so that a pointer to anything else is refused.
const magic_live: u64 = 0x454e_4752_414d_4152;

/// Bytes of the block before the memory: the header, rounded up.
const header_bytes = std.mem.alignForward(usize, @sizeOf(Arena), memory_alignment);

comptime {
    assert(page_size % memory_alignment == 0);
    assert(@alignOf(Arena) <= memory_alignment);
    assert(header_bytes <= 4 * page_size);
}

/// Memory that one call may use until it ends.
pub const Region = struct {
    bytes: []align(memory_alignment) u8,
    /// Whether the bytes are the arena's retained region (kept after the
    /// call) or a fallback block (unmapped when the call ends).
    retained: bool,
};

pub const Arena = struct {
    magic: u64,
    /// 1 while a call owns the arena.
    busy: std.atomic.Value(u32),
    overflow: config.Overflow,
    /// The whole mapping: this header, then `memory`.
    block: Block,
    /// The `capacity_bytes` the arena was created with: the retained region
    /// from 0, then the scratch of the running call.
    memory: []align(memory_alignment) u8,
    retained_bytes: usize,
    /// False from the moment a call starts to change the retained region
    /// until it has put the region back as it found it.
    retained_clean: bool,
    /// Times the retained region (or tables standing in for it) was cleaned
    /// whole since the arena was created: the proof for tests that a call
    /// did no work proportional to the region's size.
    retained_cleanings: u64,
    /// End of the memory handed out so far; `retained_bytes` between calls.
    bump: usize,
    fallback_blocks: [config.fallback_blocks_max]Block,
    fallback_count: u32,
    /// Bytes asked for by the live fallback blocks.
    fallback_bytes: usize,
    metrics: arena_metrics.Metrics,

    pub fn create(arena_config: config.Config) error{OutOfMemory}!*Arena {
        const capacity_bytes: usize = @intCast(arena_config.capacity_bytes);
        assert(capacity_bytes >= config.capacity_bytes_min and capacity_bytes <= config.capacity_bytes_max);
        const block = mapBlock(header_bytes + capacity_bytes) orelse return error.OutOfMemory;
        const arena: *Arena = @ptrCast(block.ptr);
        arena.* = .{
            .magic = magic_live,
            .busy = std.atomic.Value(u32).init(0),
            .overflow = arena_config.overflow,
            .block = block,
            .memory = @alignCast(block[header_bytes..][0..capacity_bytes]),
            .retained_bytes = 0,
            .retained_clean = true,
            .retained_cleanings = 0,
            .bump = 0,
            .fallback_blocks = undefined,
            .fallback_count = 0,
            .fallback_bytes = 0,
            .metrics = arena_metrics.Metrics.init(arena_config.capacity_bytes),
        };
        arena_metrics.arenaCreated();
        assert(arena.isLive());
        return arena;
    }

    /// Unmaps the arena, unless a call owns it.
    pub fn destroy(arena: *Arena) error{ArenaBusy}!void {
        assert(arena.isLive());
        if (arena.busy.cmpxchgStrong(0, 1, .acquire, .monotonic) != null) return error.ArenaBusy;
        assert(arena.fallback_count == 0);
        const block = arena.block;
        arena.magic = 0;
        unmapBlock(block);
        arena_metrics.arenaDestroyed();
    }

    pub fn isLive(arena: *const Arena) bool {
        return arena.magic == magic_live;
    }

    /// Takes the arena for one call, or fails if another call has it.
    ///
    /// A load and a store, not a compare-and-swap: the caller serialises the
    /// calls on one arena (the Java side takes the workspace that owns it with
    /// a compare-and-set first, and gives it back with a release store after
    /// the call), so this flag only has to catch a call the caller failed to
    /// refuse, a re-entry or a later call on a busy arena. A locked
    /// instruction here cost about a sixth of the smallest kernel call.
    pub fn beginCall(arena: *Arena) error{ArenaBusy}!void {
        assert(arena.isLive());
        if (arena.busy.load(.acquire) != 0) return error.ArenaBusy;
        arena.busy.store(1, .monotonic);
        assert(arena.bump == arena.retained_bytes);
        assert(arena.fallback_count == 0 and arena.retained_clean);
    }

    /// Ends the call, whatever its outcome: unmaps its fallback blocks,
    /// forgets its scratch, and drops the retained region if the call left it
    /// dirty.
    pub fn endCall(arena: *Arena) void {
        assert(arena.busy.load(.monotonic) == 1);
        assert(arena.bump >= arena.retained_bytes and arena.bump <= arena.memory.len);
        for (arena.fallback_blocks[0..arena.fallback_count]) |block| unmapBlock(block);
        arena.fallback_count = 0;
        arena.fallback_bytes = 0;
        if (!arena.retained_clean) arena.dropRetained();
        arena.bump = arena.retained_bytes;
        arena.metrics.setInUse(arena.retained_bytes);
        arena.metrics.countReset();
        arena.busy.store(0, .release);
    }

    /// `count` items of `T`, uninitialised, aligned for `T`, valid until the call ends.
    pub fn alloc(arena: *Arena, comptime T: type, count: usize) Error![]T {
        comptime assert(@alignOf(T) <= memory_alignment);
        assert(arena.busy.load(.monotonic) == 1);
        if (count == 0) return &.{};
        const bytes = std.math.mul(usize, count, @sizeOf(T)) catch std.math.maxInt(usize);
        const start = std.mem.alignForward(usize, arena.bump, @alignOf(T));
        if (start <= arena.memory.len and bytes <= arena.memory.len - start) {
            arena.bump = start + bytes;
            arena.noteInUse();
            return sliceOf(T, arena.memory[start..][0..bytes], count);
        }
        const block = try arena.overflowBlock(bytes);
        return sliceOf(T, block, count);
    }

    /// The region a previous call retained; clean, as every call leaves it.
    pub fn retained(arena: *const Arena) []align(memory_alignment) u8 {
        assert(arena.busy.load(.monotonic) == 1);
        assert(arena.retained_clean);
        return arena.memory[0..arena.retained_bytes];
    }

    /// Drops the retained region and takes `bytes` at the bottom of the
    /// memory instead; when they do not fit, what the overflow strategy
    /// gives, and then nothing is retained. Must come before any `alloc` of
    /// the call. The bytes are uninitialised.
    pub fn retain(arena: *Arena, bytes: usize) Error!Region {
        assert(bytes > 0);
        assert(arena.bump == arena.retained_bytes and arena.fallback_count == 0);
        arena.dropRetained();
        arena.bump = 0;
        if (bytes <= arena.memory.len) {
            arena.retained_bytes = bytes;
            arena.bump = bytes;
            arena.metrics.setRetained(bytes);
            arena.noteInUse();
            return .{ .bytes = arena.memory[0..bytes], .retained = true };
        }
        return .{ .bytes = try arena.overflowBlock(bytes), .retained = false };
    }

    /// The call is about to change the retained region.
    pub fn beginRetainedUse(arena: *Arena) void {
        assert(arena.busy.load(.monotonic) == 1);
        assert(arena.retained_clean);
        arena.retained_clean = false;
    }

    /// The call has put the retained region back as it found it.
    pub fn endRetainedUse(arena: *Arena) void {
        assert(arena.busy.load(.monotonic) == 1);
        assert(!arena.retained_clean);
        arena.retained_clean = true;
    }

    pub fn countCleaning(arena: *Arena) void {
        assert(arena.busy.load(.monotonic) == 1);
        arena.retained_cleanings += 1;
    }

    fn dropRetained(arena: *Arena) void {
        assert(arena.retained_bytes <= arena.memory.len);
        arena.retained_bytes = 0;
        arena.retained_clean = true;
        arena.metrics.setRetained(0);
    }

    /// A request of `bytes` that does not fit: counted, then served or
    /// refused as the overflow strategy says.
    fn overflowBlock(arena: *Arena, bytes: usize) Error![]align(memory_alignment) u8 {
        assert(bytes > 0);
        assert(arena.fallback_count <= config.fallback_blocks_max);
        arena.metrics.countOverflow(bytes);
        switch (arena.overflow) {
            .@"error" => return error.ArenaOverflow,
            .panic => return error.ArenaPanic,
            .fallback => {},
        }
        if (arena.fallback_count == config.fallback_blocks_max) return error.OutOfMemory;
        const block = mapBlock(bytes) orelse return error.OutOfMemory;
        arena.fallback_blocks[arena.fallback_count] = block;
        arena.fallback_count += 1;
        arena.fallback_bytes += bytes;
        arena.metrics.countFallback(bytes);
        arena.noteInUse();
        return block;
    }

    fn noteInUse(arena: *Arena) void {
        assert(arena.bump <= arena.memory.len);
        arena.metrics.setInUse(arena.bump + arena.fallback_bytes);
    }
};

const page_alignment_log2: u8 = std.math.log2_int(usize, page_size);

/// Maps `bytes`, rounded up to whole pages. Through the raw interface: the
/// typed one fills the bytes with 0xAA in safe builds, which would touch every
/// page of a block that is meant to stay mostly untouched.
fn mapBlock(bytes: usize) ?Block {
    assert(bytes > 0);
    const pointer = std.heap.page_allocator.rawAlloc(bytes, page_alignment_log2, @returnAddress()) orelse return null;
    assert(@intFromPtr(pointer) % page_size == 0);
    arena_metrics.mapped(mappedBytes(bytes));
    const block: [*]align(page_size) u8 = @alignCast(pointer);
    return block[0..bytes];
}

fn unmapBlock(block: Block) void {
    assert(block.len > 0);
    std.heap.page_allocator.rawFree(block, page_alignment_log2, @returnAddress());
    arena_metrics.unmapped(mappedBytes(block.len));
}

/// Bytes the page allocator maps for a request of `bytes`.
pub fn mappedBytes(bytes: usize) usize {
    assert(bytes > 0);
    return std.mem.alignForward(usize, bytes, page_size);
}

fn sliceOf(comptime T: type, bytes: []u8, count: usize) []T {
    assert(bytes.len == count * @sizeOf(T));
    assert(@intFromPtr(bytes.ptr) % @alignOf(T) == 0);
    const items: [*]T = @ptrCast(@alignCast(bytes.ptr));
    return items[0..count];
}

const testing = std.testing;
const mib = 1 << 20;

fn testArena(capacity_bytes: u64, overflow: config.Overflow) !*Arena {
    return Arena.create(.{ .capacity_bytes = capacity_bytes, .overflow = overflow });
}

test "small requests share the memory, keep their alignment and count as in use" {
    const arena = try testArena(mib, .@"error");
    defer arena.destroy() catch unreachable;
    try arena.beginCall();
    const bytes = try arena.alloc(u8, 3);
    const words = try arena.alloc(u64, 5);
    const floats = try arena.alloc(f32, 7);
    try testing.expect(@intFromPtr(words.ptr) % @alignOf(u64) == 0);
    try testing.expect(@intFromPtr(words.ptr) >= @intFromPtr(bytes.ptr) + bytes.len);
    try testing.expect(@intFromPtr(floats.ptr) >= @intFromPtr(words.ptr) + words.len * @sizeOf(u64));
    try testing.expectEqual(@as(usize, 0), (try arena.alloc(u32, 0)).len);
    @memset(bytes, 0xAB);
    @memset(words, std.math.maxInt(u64));
    @memset(floats, 1.5);
    try testing.expectEqual(@as(u8, 0xAB), bytes[2]);
    try testing.expectEqual(@as(f32, 1.5), floats[6]);
    try testing.expectEqual(@as(u64, 8 + 40 + 28), arena.metrics.snapshot().in_use_bytes);
    arena.endCall();
    const reading = arena.metrics.snapshot();
    try testing.expectEqual(@as(u64, 0), reading.in_use_bytes);
    try testing.expectEqual(@as(u64, 76), reading.high_water_bytes);
    try testing.expectEqual(@as(u64, 1), reading.resets);
    try testing.expectEqual(@as(u64, mib), reading.capacity_bytes);
}

test "each call starts again at the end of the retained region" {
    const arena = try testArena(mib, .@"error");
    defer arena.destroy() catch unreachable;
    try arena.beginCall();
    const region = try arena.retain(1000);
    try testing.expect(region.retained);
    try testing.expectEqual(@intFromPtr(arena.memory.ptr), @intFromPtr(region.bytes.ptr));
    const first = try arena.alloc(u8, 5000);
    arena.endCall();
    try testing.expectEqual(@as(u64, 1000), arena.metrics.snapshot().in_use_bytes);
    try testing.expectEqual(@as(u64, 1000), arena.metrics.snapshot().retained_bytes);
    try testing.expectEqual(@as(u64, 6000), arena.metrics.snapshot().high_water_bytes);
    try arena.beginCall();
    try testing.expectEqual(@as(usize, 1000), arena.retained().len);
    const second = try arena.alloc(u8, 10);
    try testing.expectEqual(@intFromPtr(first.ptr), @intFromPtr(second.ptr));
    arena.endCall();
    try testing.expectEqual(@as(u64, 2), arena.metrics.snapshot().resets);
}

test "a call that leaves the retained region dirty loses it" {
    const arena = try testArena(mib, .@"error");
    defer arena.destroy() catch unreachable;
    try arena.beginCall();
    _ = try arena.retain(4096);
    arena.beginRetainedUse();
    arena.endCall();
    try testing.expectEqual(@as(u64, 0), arena.metrics.snapshot().retained_bytes);
    try arena.beginCall();
    try testing.expectEqual(@as(usize, 0), arena.retained().len);
    arena.endCall();
}

test "strategy error: a request that does not fit fails with ArenaOverflow and is counted" {
    const arena = try testArena(mib, .@"error");
    defer arena.destroy() catch unreachable;
    try arena.beginCall();
    _ = try arena.alloc(u8, mib - 100);
    try testing.expectError(error.ArenaOverflow, arena.alloc(u8, 101));
    try testing.expectError(error.ArenaOverflow, arena.alloc(u64, std.math.maxInt(usize) / 4));
    _ = try arena.alloc(u8, 100);
    arena.endCall();
    const reading = arena.metrics.snapshot();
    try testing.expectEqual(@as(u64, 2), reading.overflows);
    try testing.expectEqual(@as(u64, std.math.maxInt(usize)), reading.last_overflow_bytes);
    try testing.expectEqual(@as(u64, 0), reading.fallback_bytes);
    try testing.expectEqual(@as(u64, mib), reading.high_water_bytes);
}

test "strategy panic: a request that does not fit fails with ArenaPanic and is counted" {
    const arena = try testArena(mib, .panic);
    defer arena.destroy() catch unreachable;
    try arena.beginCall();
    try testing.expectError(error.ArenaPanic, arena.alloc(f32, mib));
    try testing.expectError(error.ArenaPanic, arena.retain(mib + 1));
    arena.endCall();
    try testing.expectEqual(@as(u64, 2), arena.metrics.snapshot().overflows);
    try testing.expectEqual(@as(u64, mib + 1), arena.metrics.snapshot().last_overflow_bytes);
}

test "strategy fallback: served by the page allocator, unmapped when the call ends" {
    const arena = try testArena(mib, .fallback);
    defer arena.destroy() catch unreachable;
    const mapped_before = arena_metrics.totalsSnapshot().mapped_bytes;
    try arena.beginCall();
    const big = try arena.alloc(u32, mib);
    @memset(big, 7);
    try testing.expect(@intFromPtr(big.ptr) % page_size == 0);
    try testing.expectEqual(mapped_before + 4 * mib, arena_metrics.totalsSnapshot().mapped_bytes);
    const small = try arena.alloc(u8, 10);
    try testing.expect(@intFromPtr(small.ptr) >= @intFromPtr(arena.memory.ptr));
    try testing.expect(@intFromPtr(small.ptr) < @intFromPtr(arena.memory.ptr) + mib);
    try testing.expectEqual(@as(u64, 4 * mib + 10), arena.metrics.snapshot().in_use_bytes);
    arena.endCall();
    try testing.expectEqual(mapped_before, arena_metrics.totalsSnapshot().mapped_bytes);
    const reading = arena.metrics.snapshot();
    try testing.expectEqual(@as(u64, 1), reading.overflows);
    try testing.expectEqual(@as(u64, 4 * mib), reading.fallback_bytes);
    try testing.expectEqual(@as(u64, 4 * mib), reading.last_overflow_bytes);
    try testing.expectEqual(@as(u64, 4 * mib + 10), reading.high_water_bytes);
    try testing.expectEqual(@as(u64, 0), reading.in_use_bytes);
}

test "strategy fallback: at most 64 blocks per call, and tables that do not fit are not retained" {
    const arena = try testArena(mib, .fallback);
    defer arena.destroy() catch unreachable;
    const mapped_before = arena_metrics.totalsSnapshot().mapped_bytes;
    try arena.beginCall();
    const region = try arena.retain(2 * mib);
    try testing.expect(!region.retained);
    try testing.expectEqual(@as(usize, 2 * mib), region.bytes.len);
    for (1..config.fallback_blocks_max) |_| _ = try arena.alloc(u8, mib + 1);
    try testing.expectError(error.OutOfMemory, arena.alloc(u8, mib + 1));
    try testing.expectError(error.OutOfMemory, arena.alloc(u64, std.math.maxInt(usize) / 4));
    arena.endCall();
    try testing.expectEqual(mapped_before, arena_metrics.totalsSnapshot().mapped_bytes);
    try testing.expectEqual(@as(u64, 0), arena.metrics.snapshot().retained_bytes);
    try testing.expectEqual(@as(u64, config.fallback_blocks_max + 2), arena.metrics.snapshot().overflows);
}

test "one call at a time: a second one is refused, and so is destroy" {
    const arena = try testArena(mib, .@"error");
    try arena.beginCall();
    try testing.expectError(error.ArenaBusy, arena.beginCall());
    try testing.expectError(error.ArenaBusy, arena.destroy());
    arena.endCall();
    try arena.beginCall();
    arena.endCall();
    try arena.destroy();
}

test "the totals return to their starting values when every arena is destroyed" {
    const before = arena_metrics.totalsSnapshot();
    var arenas: [5]*Arena = undefined;
    for (&arenas, 0..) |*arena, i| arena.* = try testArena(mib + i * 12345, .fallback);
    const during = arena_metrics.totalsSnapshot();
    try testing.expectEqual(before.live_arenas + 5, during.live_arenas);
    var mapped: u64 = 0;
    for (arenas) |arena| mapped += mappedBytes(arena.block.len);
    try testing.expectEqual(before.mapped_bytes + mapped, during.mapped_bytes);
    for (arenas) |arena| try arena.destroy();
    const after = arena_metrics.totalsSnapshot();
    try testing.expectEqual(before.live_arenas, after.live_arenas);
    try testing.expectEqual(before.mapped_bytes, after.mapped_bytes);
    try testing.expectEqual(before.arenas_created + 5, after.arenas_created);
    try testing.expectEqual(before.arenas_destroyed + 5, after.arenas_destroyed);
}

test "arenas on many threads at once do not interfere" {
    const thread_count = 8;
    const Worker = struct {
        fn run(seed: u32, failures: *std.atomic.Value(u32)) void {
            const strategy: config.Overflow = if (seed % 2 == 0) .fallback else .@"error";
            const arena = testArena(mib + seed * page_size, strategy) catch {
                _ = failures.fetchAdd(1, .monotonic);
                return;
            };
            defer arena.destroy() catch unreachable;
            for (0..50) |round| work(arena, seed, round) catch {
                _ = failures.fetchAdd(1, .monotonic);
            };
        }

        fn work(arena: *Arena, seed: u32, round: usize) !void {
            try arena.beginCall();
            defer arena.endCall();
            const count = 1000 + round * 997;
            const words = try arena.alloc(u32, count);
            for (words, 0..) |*word, i| word.* = seed ^ @as(u32, @intCast(i));
            const more = arena.alloc(u32, mib / 4) catch |err| switch (err) {
                error.ArenaOverflow => return,
                else => return err,
            };
            @memset(more, seed);
            for (words, 0..) |word, i| {
                if (word != seed ^ @as(u32, @intCast(i))) return error.Corrupted;
            }
        }
    };
    var failures = std.atomic.Value(u32).init(0);
    var threads: [thread_count]std.Thread = undefined;
    for (&threads, 0..) |*thread, i| {
        thread.* = try std.Thread.spawn(.{}, Worker.run, .{ @as(u32, @intCast(i)), &failures });
    }
    for (threads) |thread| thread.join();
    try testing.expectEqual(@as(u32, 0), failures.load(.monotonic));
}
