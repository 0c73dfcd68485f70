//! Scratch memory for one kernel call: a bump arena over blocks mapped from
//! `std.heap.page_allocator`. A call creates its own arena and frees it before
//! returning, so arenas are never shared between threads and the library
//! holds no global mutable state.

const std = @import("std");

const assert = std.debug.assert;
const page_size = std.mem.page_size;
const Block = []align(page_size) u8;

/// Size of the first block, and of every later block unless a single request
/// needs more; a request that needs more gets a block of its own size.
pub const capacity_bytes_default: usize = 1 << 20;

/// Bound on the blocks of one arena; a call needing more fails with
/// `error.OutOfMemory` rather than growing without limit.
pub const blocks_max = 16;

pub const ScratchArena = struct {
    capacity_bytes: usize,
    blocks: [blocks_max]Block = undefined,
    block_count: u32 = 0,
    /// Bytes handed out from the last block.
    used_bytes: usize = 0,

    /// Maps nothing yet: the first request maps the first block.
    pub fn init(capacity_bytes: usize) ScratchArena {
        assert(capacity_bytes >= page_size);
        assert(capacity_bytes % page_size == 0);
        return .{ .capacity_bytes = capacity_bytes };
    }

    /// Unmaps every block: all slices handed out become invalid.
    pub fn deinit(arena: *ScratchArena) void {
        assert(arena.block_count <= blocks_max);
        for (arena.blocks[0..arena.block_count]) |block| std.heap.page_allocator.free(block);
        arena.* = undefined;
    }

    /// `count` items of `T`, uninitialised, aligned for `T`.
    pub fn alloc(arena: *ScratchArena, comptime T: type, count: usize) error{OutOfMemory}![]T {
        comptime assert(@alignOf(T) <= page_size);
        const bytes = std.math.mul(usize, count, @sizeOf(T)) catch return error.OutOfMemory;
        if (arena.block_count > 0) {
            const block = arena.blocks[arena.block_count - 1];
            const start = std.mem.alignForward(usize, arena.used_bytes, @alignOf(T));
            if (start <= block.len and bytes <= block.len - start) {
                arena.used_bytes = start + bytes;
                return sliceAt(T, block, start, count);
            }
        }
        if (arena.block_count == blocks_max) return error.OutOfMemory;
        const block_bytes = @max(arena.capacity_bytes, bytes);
        const block = try std.heap.page_allocator.alignedAlloc(u8, page_size, block_bytes);
        arena.blocks[arena.block_count] = block;
        arena.block_count += 1;
        arena.used_bytes = bytes;
        assert(arena.used_bytes <= block.len);
        return sliceAt(T, block, 0, count);
    }

    /// Bytes mapped for this arena so far.
    pub fn mappedBytes(arena: *const ScratchArena) usize {
        var total: usize = 0;
        for (arena.blocks[0..arena.block_count]) |block| total += block.len;
        return total;
    }
};

fn sliceAt(comptime T: type, block: Block, start: usize, count: usize) []T {
    assert(start % @alignOf(T) == 0);
    assert(start + count * @sizeOf(T) <= block.len);
    const items: [*]T = @ptrCast(@alignCast(block.ptr + start));
    return items[0..count];
}

const testing = std.testing;

test "small requests share the first block and keep their alignment" {
    var arena = ScratchArena.init(capacity_bytes_default);
    defer arena.deinit();
    const bytes = try arena.alloc(u8, 3);
    const words = try arena.alloc(u64, 5);
    const floats = try arena.alloc(f32, 7);
    try testing.expectEqual(@as(u32, 1), arena.block_count);
    try testing.expectEqual(capacity_bytes_default, arena.mappedBytes());
    try testing.expect(@intFromPtr(words.ptr) % @alignOf(u64) == 0);
    try testing.expect(@intFromPtr(words.ptr) >= @intFromPtr(bytes.ptr) + bytes.len);
    try testing.expect(@intFromPtr(floats.ptr) >= @intFromPtr(words.ptr) + words.len * @sizeOf(u64));
    @memset(bytes, 0xAB);
    @memset(words, std.math.maxInt(u64));
    @memset(floats, 1.5);
    try testing.expectEqual(@as(u8, 0xAB), bytes[2]);
    try testing.expectEqual(@as(f32, 1.5), floats[6]);
}

test "a request bigger than the capacity gets a block of its own size" {
    var arena = ScratchArena.init(page_size);
    defer arena.deinit();
    _ = try arena.alloc(u8, 10);
    const big = try arena.alloc(u32, 3 * page_size);
    @memset(big, 7);
    try testing.expectEqual(@as(u32, 2), arena.block_count);
    try testing.expectEqual(page_size + 12 * page_size, arena.mappedBytes());
    const after = try arena.alloc(u32, 1);
    try testing.expectEqual(@as(u32, 3), arena.block_count);
    after[0] = 1;
    try testing.expectEqual(@as(u32, 7), big[big.len - 1]);
}

test "requests that cannot be met fail with OutOfMemory" {
    var arena = ScratchArena.init(page_size);
    defer arena.deinit();
    try testing.expectError(error.OutOfMemory, arena.alloc(u64, std.math.maxInt(usize) / 4));
    for (0..blocks_max) |_| _ = try arena.alloc(u8, page_size);
    try testing.expectError(error.OutOfMemory, arena.alloc(u8, 1));
    try testing.expectEqual(@as(u32, blocks_max), arena.block_count);
}

test "arenas on many threads at once do not interfere" {
    const thread_count = 8;
    const Worker = struct {
        fn run(seed: u32, failures: *std.atomic.Value(u32)) void {
            for (0..50) |round| {
                var arena = ScratchArena.init(capacity_bytes_default);
                defer arena.deinit();
                const count = 1000 + round * 997;
                const words = arena.alloc(u32, count) catch {
                    _ = failures.fetchAdd(1, .monotonic);
                    return;
                };
                for (words, 0..) |*word, i| word.* = seed ^ @as(u32, @intCast(i));
                const more = arena.alloc(u32, capacity_bytes_default / 4) catch {
                    _ = failures.fetchAdd(1, .monotonic);
                    return;
                };
                @memset(more, seed);
                for (words, 0..) |word, i| {
                    if (word != seed ^ @as(u32, @intCast(i))) _ = failures.fetchAdd(1, .monotonic);
                }
            }
        }
    };
    var failures = std.atomic.Value(u32).init(0);
    var threads: [thread_count]std.Thread = undefined;
    for (&threads, 0..) |*thread, i| {
        thread.* = try std.Thread.spawn(.{}, Worker.run, .{ @as(u32, @intCast(i)) << 24, &failures });
    }
    for (threads) |thread| thread.join();
    try testing.expectEqual(@as(u32, 0), failures.load(.monotonic));
}
