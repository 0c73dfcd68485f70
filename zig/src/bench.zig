//! `zig build bench [-- dimensions]`: times the similarity kernels of
//! `similarity.zig` against the ones they replaced (`bench_old_similarity.zig`)
//! and against a plain read loop over the same matrix, on this machine's CPU
//! (ReleaseFast, native), in one run. The matrix is 64-byte aligned, and also
//! 16 bytes off (as a Java segment can be). Each figure is the best of
//! several interleaved runs; on a shared machine only the ratios within one
//! run mean much.

const std = @import("std");
const new = @import("similarity.zig");
const old = @import("bench_old_similarity.zig");
const simd = @import("simd.zig");

const lanes = simd.f32_lanes;
const VectorF32 = @Vector(lanes, f32);

const Kernel = enum { old, new, read };

pub fn main() !void {
    const allocator = std.heap.page_allocator;
    var args = try std.process.argsWithAllocator(allocator);
    defer args.deinit();
    _ = args.skip();
    const dimensions: usize = if (args.next()) |text| try std.fmt.parseInt(usize, text, 10) else 768;
    const row_counts = [_]usize{ 10_000, 100_000 };
    const rows_max = row_counts[row_counts.len - 1];
    const stdout = std.io.getStdOut().writer();

    // 16 floats of slack for the offset matrix.
    const buffer = try allocator.alignedAlloc(f32, 64, rows_max * dimensions + 16);
    defer allocator.free(buffer);
    var prng = std.Random.DefaultPrng.init(7);
    const random = prng.random();
    for (buffer) |*value| value.* = random.float(f32) * 2 - 1;
    const query_count_max = 16;
    const queries = try allocator.alignedAlloc(f32, 64, query_count_max * dimensions);
    defer allocator.free(queries);
    for (queries) |*value| value.* = random.float(f32) * 2 - 1;
    const out_old = try allocator.alloc(f32, rows_max);
    defer allocator.free(out_old);
    const out_new = try allocator.alloc(f32, rows_max);
    defer allocator.free(out_new);

    try stdout.print("similarity bench: {s}, {d} f32 lanes, d = {d}; best of interleaved runs\n", .{ simd.isa.name(), lanes, dimensions });
    for (row_counts) |rows| {
        const reps: usize = if (rows <= 10_000) 40 else 16;
        for ([_]usize{ 0, 4 }) |offset| {
            const matrix = buffer[offset..][0 .. rows * dimensions];
            const query = queries[0..dimensions];
            var best = [_]u64{std.math.maxInt(u64)} ** 3;
            for (0..reps) |_| {
                inline for (.{ Kernel.old, Kernel.new, Kernel.read }, 0..) |kernel, i| {
                    var timer = try std.time.Timer.start();
                    switch (kernel) {
                        .old => old.cosine(query, matrix, null, out_old[0..rows]),
                        .new => new.cosine(query, matrix, null, out_new[0..rows]),
                        .read => std.mem.doNotOptimizeAway(readAll(matrix)),
                    }
                    best[i] = @min(best[i], timer.read());
                }
            }
            var worst_difference: f32 = 0;
            for (out_old[0..rows], out_new[0..rows]) |a, b| worst_difference = @max(worst_difference, @abs(a - b));
            const bytes: f64 = @floatFromInt(rows * dimensions * @sizeOf(f32));
            try stdout.print(
                "cosine n={d} ({d:.0} MB) offset {d:>2} B: old {d:.3} ms, new {d:.3} ms, read loop {d:.3} ms ({d:.1} GB/s) | new/old speed {d:.2}x, new at {d:.0}% of read loop ({d:.1} GB/s); max |new-old| {e:.2}\n",
                .{
                    rows,                                     bytes / 1e6,             offset * 4,
                    ms(best[0]),                              ms(best[1]),             ms(best[2]),
                    bytes / @as(f64, @floatFromInt(best[2])), ratio(best[0], best[1]), 100 * ratio(best[2], best[1]),
                    bytes / @as(f64, @floatFromInt(best[1])), worst_difference,
                },
            );
        }
    }

    // The fused top-k, batches of 1, 4 and 16 queries, k = 10, aligned matrix.
    const k = 10;
    var query_norms: [query_count_max]f64 = undefined;
    var index_old: [query_count_max * k]i32 = undefined;
    var score_old: [query_count_max * k]f32 = undefined;
    var index_new: [query_count_max * k]i32 = undefined;
    var score_new: [query_count_max * k]f32 = undefined;
    const peak = fmaPeak();
    try stdout.print("fma peak: {d:.1} GFLOP/s (one thread, {d} independent {d}-lane chains in registers)\n", .{ peak, peak_chains, lanes });
    for (row_counts) |rows| {
        const reps: usize = if (rows <= 10_000) 20 else 6;
        var single_ns: u64 = 0;
        for ([_]usize{ 1, 4, 16 }) |query_count| {
            const old_batch = old.TopKBatch{ .queries = queries[0 .. query_count * dimensions], .dimensions = @intCast(dimensions), .matrix = buffer[0 .. rows * dimensions], .norms = null, .first_row = 0 };
            const new_batch = new.TopKBatch{ .queries = old_batch.queries, .dimensions = old_batch.dimensions, .matrix = old_batch.matrix, .norms = null, .first_row = 0 };
            var best = [_]u64{std.math.maxInt(u64)} ** 3;
            for (0..reps) |_| {
                inline for (.{ Kernel.old, Kernel.new, Kernel.read }, 0..) |kernel, i| {
                    var timer = try std.time.Timer.start();
                    switch (kernel) {
                        .old => old.cosineTopK(old_batch, query_norms[0..query_count], index_old[0 .. query_count * k], score_old[0 .. query_count * k]),
                        .new => new.cosineTopK(new_batch, query_norms[0..query_count], index_new[0 .. query_count * k], score_new[0 .. query_count * k]),
                        .read => std.mem.doNotOptimizeAway(readAll(old_batch.matrix)),
                    }
                    best[i] = @min(best[i], timer.read());
                }
            }
            const same = std.mem.eql(i32, index_old[0 .. query_count * k], index_new[0 .. query_count * k]);
            const bytes: f64 = @floatFromInt(rows * dimensions * @sizeOf(f32));
            if (query_count == 1) single_ns = best[1];
            const flops: f64 = @floatFromInt(2 * query_count * rows * dimensions);
            const gflops = flops / @as(f64, @floatFromInt(best[1]));
            try stdout.print(
                "topk n={d} Q={d:>2} k={d}: old {d:.3} ms, new {d:.3} ms, read loop {d:.3} ms | new/old speed {d:.2}x, new at {d:.0}% of read loop ({d:.1} GB/s); same indices as old: {}\n",
                .{ rows, query_count, k, ms(best[0]), ms(best[1]), ms(best[2]), ratio(best[0], best[1]), 100 * ratio(best[2], best[1]), bytes / @as(f64, @floatFromInt(best[1])), same },
            );
            try stdout.print(
                "    new: {d:.1} GFLOP/s, {d:.0}% of the fma peak; {d:.2}x the throughput of {d} single-query calls\n",
                .{ gflops, 100 * gflops / peak, @as(f64, @floatFromInt(query_count)) * ratio(single_ns, best[1]), query_count },
            );
        }
    }
}

const peak_chains = 12;

/// The multiply-add throughput of one core in GFLOP/s: `peak_chains`
/// independent chains of fused (where the target has FMA) multiply-adds on
/// registers, enough to hide their latency; the best of 5 runs.
fn fmaPeak() f64 {
    const steps = 4_000_000;
    var best: u64 = std.math.maxInt(u64);
    for (0..5) |_| {
        var sums = [_]VectorF32{@splat(0)} ** peak_chains;
        var factor: VectorF32 = @splat(0.999);
        var term: VectorF32 = @splat(1e-3);
        std.mem.doNotOptimizeAway(&factor);
        std.mem.doNotOptimizeAway(&term);
        var timer = std.time.Timer.start() catch unreachable;
        for (0..steps) |_| {
            inline for (&sums) |*sum| sum.* = @mulAdd(VectorF32, sum.*, factor, term);
        }
        best = @min(best, timer.read());
        for (sums) |sum| std.mem.doNotOptimizeAway(sum);
    }
    const flops: f64 = @floatFromInt(2 * lanes * peak_chains * steps);
    return flops / @as(f64, @floatFromInt(best));
}

fn ms(nanoseconds: u64) f64 {
    return @as(f64, @floatFromInt(nanoseconds)) / 1e6;
}

fn ratio(a: u64, b: u64) f64 {
    return @as(f64, @floatFromInt(a)) / @as(f64, @floatFromInt(b));
}

/// The plain read loop: every value of the matrix added on 8 independent
/// vector chains, so that only the memory limits it.
fn readAll(values: []const f32) f32 {
    var sums = [_]VectorF32{@splat(0)} ** 8;
    var j: usize = 0;
    while (j + 8 * lanes <= values.len) : (j += 8 * lanes) {
        inline for (&sums, 0..) |*sum, c| sum.* += @as(VectorF32, values[j + c * lanes ..][0..lanes].*);
    }
    var total: f32 = 0;
    for (sums) |sum| total += @reduce(.Add, sum);
    while (j < values.len) : (j += 1) total += values[j];
    return total;
}
