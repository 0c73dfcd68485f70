//! Cosine similarity of one query against a range of rows of a row-major
//! matrix, and the fused top-k selection over the same scores for a batch of
//! queries. Products and sums are taken in f64 so the result stays within
//! 1e-6 of the exact value at any dimension.

const std = @import("std");
const simd = @import("simd.zig");

const assert = std.debug.assert;

pub const dimensions_max: u32 = 4096;
/// Row indices leave through an i32 (`out_index`), so no row number above that.
pub const rows_max: u64 = std.math.maxInt(i32);
/// Bound on the queries of one top-k batch.
pub const queries_max: u32 = 1024;

const lanes = simd.f32_lanes;
const VectorF32 = @Vector(lanes, f32);
const VectorF64 = @Vector(lanes, f64);

/// `out[i]` = cosine of `query` and row `i` of `matrix`; `norms[i]`, when
/// given, is taken as the norm of row `i` without recomputing it. A range of
/// rows is the caller's slice of the matrix and of the norms.
pub fn cosine(query: []const f32, matrix: []const f32, norms: ?[]const f32, out: []f32) void {
    assert(query.len >= 1 and query.len <= dimensions_max);
    assert(matrix.len == out.len * query.len);
    assert(norms == null or norms.?.len == out.len);
    const query_norm = @sqrt(sumOfSquares(query));
    for (out, 0..) |*score, row| {
        score.* = rowScore(query, query_norm, matrix, norms, row);
    }
}

/// The rows a top-k batch scores, and the queries it scores them for.
pub const TopKBatch = struct {
    /// `query_count * dimensions` values, one query after another.
    queries: []const f32,
    dimensions: u32,
    /// The scored rows only: `row_count * dimensions` values.
    matrix: []const f32,
    /// The scored rows' norms, when given.
    norms: ?[]const f32,
    /// Absolute number of the first scored row, the base of every index written.
    first_row: u32,

    fn queryCount(batch: TopKBatch) usize {
        assert(batch.dimensions >= 1 and batch.dimensions <= dimensions_max);
        assert(batch.queries.len % batch.dimensions == 0);
        return batch.queries.len / batch.dimensions;
    }

    fn rowCount(batch: TopKBatch) usize {
        assert(batch.matrix.len % batch.dimensions == 0);
        return batch.matrix.len / batch.dimensions;
    }

    fn query(batch: TopKBatch, q: usize) []const f32 {
        assert(q < batch.queryCount());
        return batch.queries[q * batch.dimensions ..][0..batch.dimensions];
    }
};

/// For each query q, writes its `k` best rows to `out_index[q*k..][0..k]`
/// and `out_score[...]`, best first: score descending, then index ascending,
/// NaN below every number. Each row is read once for all queries, and each
/// query's result is the one it would get alone: the same per-query sums in
/// the same order, offered to its heap in the same row order. The output
/// slices are the heaps; `query_norms` is scratch of one entry per query.
pub fn cosineTopK(batch: TopKBatch, query_norms: []f64, out_index: []i32, out_score: []f32) void {
    const query_count = batch.queryCount();
    const row_count = batch.rowCount();
    assert(query_count >= 1 and query_count <= queries_max);
    assert(query_norms.len == query_count);
    assert(out_index.len == out_score.len and out_index.len % query_count == 0);
    const k = out_index.len / query_count;
    assert(k >= 1 and k <= row_count);
    assert(batch.norms == null or batch.norms.?.len == row_count);
    assert(@as(u64, batch.first_row) + row_count <= rows_max);
    for (query_norms, 0..) |*norm, q| norm.* = @sqrt(sumOfSquares(batch.query(q)));
    for (0..row_count) |row| {
        // Every heap holds the same number of entries: one per row so far, up to k.
        const filled = @min(row, k);
        scoreRowForAll(batch, query_norms, row, filled, out_index, out_score);
    }
    for (0..query_count) |q| {
        var heap = WorstFirstHeap{ .index = out_index[q * k ..][0..k], .score = out_score[q * k ..][0..k], .len = k };
        heap.sortBestFirst();
    }
}

fn scoreRowForAll(batch: TopKBatch, query_norms: []const f64, row: usize, filled: usize, out_index: []i32, out_score: []f32) void {
    const dimensions = batch.dimensions;
    const k = out_index.len / query_norms.len;
    assert(filled <= k);
    assert(filled == k or filled == row);
    const vector = batch.matrix[row * dimensions ..][0..dimensions];
    const index: i32 = @intCast(batch.first_row + row);
    // The row's norm does not depend on the query: it comes from the first
    // query's fused pass, the same sums in the same order as a lone query's.
    var row_norm: f64 = undefined;
    for (query_norms, 0..) |query_norm, q| {
        const query = batch.query(q);
        const score = if (batch.norms) |given|
            cosineOf(dot(query, vector), query_norm, given[row])
        else if (q == 0) first: {
            const sums = dotAndSumOfSquares(query, vector);
            row_norm = @sqrt(sums.sum_of_squares);
            break :first cosineOf(sums.dot, query_norm, row_norm);
        } else cosineOf(dot(query, vector), query_norm, row_norm);
        var heap = WorstFirstHeap{ .index = out_index[q * k ..][0..k], .score = out_score[q * k ..][0..k], .len = filled };
        heap.offer(score, index);
    }
}

/// The ranking order of top-k: is (score_a, index_a) before (score_b, index_b)?
pub fn ranksBefore(score_a: f32, index_a: i32, score_b: f32, index_b: i32) bool {
    const a_is_nan = std.math.isNan(score_a);
    const b_is_nan = std.math.isNan(score_b);
    if (a_is_nan != b_is_nan) return b_is_nan;
    if (!a_is_nan and score_a != score_b) return score_a > score_b;
    return index_a < index_b;
}

fn rowScore(query: []const f32, query_norm: f64, matrix: []const f32, norms: ?[]const f32, row: usize) f32 {
    const dimensions = query.len;
    assert(dimensions >= 1 and (row + 1) * dimensions <= matrix.len);
    assert(norms == null or row < norms.?.len);
    const vector = matrix[row * dimensions ..][0..dimensions];
    if (norms) |given| {
        return cosineOf(dot(query, vector), query_norm, given[row]);
    }
    const sums = dotAndSumOfSquares(query, vector);
    return cosineOf(sums.dot, query_norm, @sqrt(sums.sum_of_squares));
}

fn cosineOf(product: f64, query_norm: f64, row_norm: f64) f32 {
    // A non-finite input gives NaN: an infinity would otherwise clamp to a plausible +-1 or 0.
    if (!std.math.isFinite(product) or !std.math.isFinite(query_norm) or !std.math.isFinite(row_norm)) {
        return std.math.nan(f32);
    }
    if (query_norm == 0 or row_norm == 0) return 0;
    const s = product / (query_norm * row_norm);
    // Written as comparisons, not @min/@max, so that a NaN stays a NaN.
    const clamped: f64 = if (s > 1) 1 else if (s < -1) -1 else s;
    return @floatCast(clamped);
}

fn widen(values: *const [lanes]f32) VectorF64 {
    const narrow: VectorF32 = values.*;
    return @floatCast(narrow);
}

fn sumOfSquares(values: []const f32) f64 {
    var sums: VectorF64 = @splat(0);
    var j: usize = 0;
    while (j + lanes <= values.len) : (j += lanes) {
        const v = widen(values[j..][0..lanes]);
        sums += v * v;
    }
    var sum = @reduce(.Add, sums);
    while (j < values.len) : (j += 1) {
        const v: f64 = values[j];
        sum += v * v;
    }
    return sum;
}

fn dot(a: []const f32, b: []const f32) f64 {
    assert(a.len == b.len);
    var sums: VectorF64 = @splat(0);
    var j: usize = 0;
    while (j + lanes <= a.len) : (j += lanes) {
        sums += widen(a[j..][0..lanes]) * widen(b[j..][0..lanes]);
    }
    var sum = @reduce(.Add, sums);
    while (j < a.len) : (j += 1) {
        sum += @as(f64, a[j]) * @as(f64, b[j]);
    }
    return sum;
}

const DotAndSumOfSquares = struct { dot: f64, sum_of_squares: f64 };

/// One pass over the row for both sums: the kernel is bound by memory reads.
fn dotAndSumOfSquares(query: []const f32, vector: []const f32) DotAndSumOfSquares {
    assert(query.len == vector.len);
    var dots: VectorF64 = @splat(0);
    var squares: VectorF64 = @splat(0);
    var j: usize = 0;
    while (j + lanes <= query.len) : (j += lanes) {
        const v = widen(vector[j..][0..lanes]);
        dots += widen(query[j..][0..lanes]) * v;
        squares += v * v;
    }
    var result = DotAndSumOfSquares{ .dot = @reduce(.Add, dots), .sum_of_squares = @reduce(.Add, squares) };
    while (j < query.len) : (j += 1) {
        const v: f64 = vector[j];
        result.dot += @as(f64, query[j]) * v;
        result.sum_of_squares += v * v;
    }
    return result;
}

/// Binary heap over the caller's two output slices whose root is the entry
/// that ranks last, so that a better row replaces it in O(log k).
const WorstFirstHeap = struct {
    index: []i32,
    score: []f32,
    len: usize,

    /// Keeps (score, index) if the heap has room or it ranks before the worst entry.
    fn offer(heap: *WorstFirstHeap, score: f32, index: i32) void {
        assert(heap.len <= heap.index.len);
        if (heap.len < heap.index.len) {
            heap.push(score, index);
        } else if (ranksBefore(score, index, heap.score[0], heap.index[0])) {
            heap.replaceWorst(score, index);
        }
    }

    fn push(heap: *WorstFirstHeap, score: f32, index: i32) void {
        assert(heap.len < heap.index.len);
        var child = heap.len;
        heap.len += 1;
        heap.index[child] = index;
        heap.score[child] = score;
        while (child > 0) {
            const parent = (child - 1) / 2;
            if (!heap.ranksBeforeAt(parent, child)) break;
            heap.swap(parent, child);
            child = parent;
        }
    }

    fn replaceWorst(heap: *WorstFirstHeap, score: f32, index: i32) void {
        assert(heap.len == heap.index.len);
        heap.index[0] = index;
        heap.score[0] = score;
        heap.siftDown(0, heap.len);
    }

    /// Heapsort: moving the worst entry to the end, again and again, leaves
    /// the slices ordered best first.
    fn sortBestFirst(heap: *WorstFirstHeap) void {
        assert(heap.len == heap.index.len);
        var end = heap.len;
        while (end > 1) {
            end -= 1;
            heap.swap(0, end);
            heap.siftDown(0, end);
        }
    }

    fn siftDown(heap: *WorstFirstHeap, start: usize, end: usize) void {
        assert(start < end and end <= heap.len);
        var parent = start;
        while (true) {
            var worst = parent;
            const left = 2 * parent + 1;
            const right = left + 1;
            if (left < end and heap.ranksBeforeAt(worst, left)) worst = left;
            if (right < end and heap.ranksBeforeAt(worst, right)) worst = right;
            if (worst == parent) return;
            heap.swap(parent, worst);
            parent = worst;
        }
    }

    fn ranksBeforeAt(heap: *const WorstFirstHeap, a: usize, b: usize) bool {
        assert(a < heap.len and b < heap.len);
        return ranksBefore(heap.score[a], heap.index[a], heap.score[b], heap.index[b]);
    }

    fn swap(heap: *WorstFirstHeap, a: usize, b: usize) void {
        assert(a < heap.len and b < heap.len);
        std.mem.swap(i32, &heap.index[a], &heap.index[b]);
        std.mem.swap(f32, &heap.score[a], &heap.score[b]);
    }
};

const testing = std.testing;
const nan = std.math.nan(f32);

/// Every SIMD tail of every vector width, and the sizes around them.
const tail_lengths = [_]usize{ 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 1023, 1024, 1025, 4096 };

/// The contract's definition, term by term in index order.
fn referenceCosine(query: []const f32, vector: []const f32, norm: ?f32) f32 {
    var product: f64 = 0;
    var query_squares: f64 = 0;
    var vector_squares: f64 = 0;
    for (query, vector) |q, v| {
        product += @as(f64, q) * @as(f64, v);
        query_squares += @as(f64, q) * @as(f64, q);
        vector_squares += @as(f64, v) * @as(f64, v);
    }
    const vector_norm: f64 = if (norm) |given| given else @sqrt(vector_squares);
    return cosineOf(product, @sqrt(query_squares), vector_norm);
}

fn fillRandom(random: std.Random, values: []f32) void {
    for (values) |*value| value.* = random.float(f32) * 2 - 1;
}

fn expectCosines(query: []const f32, matrix: []const f32, norms: ?[]const f32, expected: []const f32) !void {
    var out: [8]f32 = undefined;
    cosine(query, matrix, norms, out[0..expected.len]);
    for (expected, out[0..expected.len]) |want, got| {
        try testing.expectApproxEqAbs(want, got, 1e-7);
    }
}

test "known answers: orthogonal, parallel, opposite, scaled, 45 degrees" {
    const query = [_]f32{ 1, 0, 0 };
    const matrix = [_]f32{
        0, 1, 0, // orthogonal
        2, 0, 0, // parallel, longer
        -3, 0, 0, // opposite
        1, 1, 0, // 45 degrees
    };
    try expectCosines(&query, &matrix, null, &.{ 0, 1, -1, std.math.sqrt1_2 });
}

test "a zero query or a zero row scores 0" {
    const zero = [_]f32{ 0, 0 };
    const matrix = [_]f32{ 1, 2, 0, 0 };
    try expectCosines(&zero, &matrix, null, &.{ 0, 0 });
    try expectCosines(&.{ 1, 2 }, &matrix, null, &.{ 1, 0 });
    try expectCosines(&.{ 1, 2 }, &matrix, &.{ 0, 0 }, &.{ 0, 0 });
}

test "given norms are used as they are, not recomputed" {
    const matrix = [_]f32{ 3, 4, 6, 8 };
    // True norms are 5 and 10; twice the first halves its score.
    try expectCosines(&.{ 3, 4 }, &matrix, &.{ 10, 10 }, &.{ 0.5, 1 });
}

test "scores are clamped to [-1, 1]" {
    const matrix = [_]f32{ 3, 4, -3, -4 };
    try expectCosines(&.{ 3, 4 }, &matrix, &.{ 4.9, 4.9 }, &.{ 1, -1 });
}

test "NaN inputs give NaN scores and touch nothing else" {
    var out: [3]f32 = undefined;
    const matrix = [_]f32{ 1, 0, nan, 0, 0, 1 };
    cosine(&.{ 1, 0 }, &matrix, null, &out);
    try testing.expectEqual(@as(f32, 1), out[0]);
    try testing.expect(std.math.isNan(out[1]));
    try testing.expectEqual(@as(f32, 0), out[2]);

    cosine(&.{ nan, 0 }, &matrix, null, &out);
    for (out) |score| try testing.expect(std.math.isNan(score));

    cosine(&.{ 1, 0 }, &matrix, &.{ nan, 1, 1 }, &out);
    try testing.expect(std.math.isNan(out[0]));
    try testing.expect(std.math.isNan(out[1]));
    try testing.expectEqual(@as(f32, 0), out[2]);
}

test "every tail length and start offset agrees with the reference" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0001);
    const random = prng.random();
    const rows = 3;
    const offset_max = 17;
    var buffer: [offset_max + (rows + 1) * 4096]f32 = undefined;
    fillRandom(random, &buffer);
    for (tail_lengths) |dimensions| {
        for (0..offset_max) |offset| {
            const query = buffer[offset..][0..dimensions];
            const matrix = buffer[offset + dimensions ..][0 .. rows * dimensions];
            var norms: [rows]f32 = undefined;
            for (&norms, 0..) |*norm, row| {
                norm.* = @floatCast(@sqrt(sumOfSquares(matrix[row * dimensions ..][0..dimensions])));
            }
            var out: [rows]f32 = undefined;
            var out_with_norms: [rows]f32 = undefined;
            cosine(query, matrix, null, &out);
            cosine(query, matrix, &norms, &out_with_norms);
            for (0..rows) |row| {
                const vector = matrix[row * dimensions ..][0..dimensions];
                try testing.expectApproxEqAbs(referenceCosine(query, vector, null), out[row], 1e-6);
                try testing.expectApproxEqAbs(referenceCosine(query, vector, norms[row]), out_with_norms[row], 1e-6);
            }
        }
    }
}

test "a dropped or repeated element in any tail is detected" {
    // One-hot rows: each row scores only through the single element it holds.
    for (tail_lengths[0..14]) |dimensions| {
        var query: [65]f32 = undefined;
        for (query[0..dimensions], 0..) |*q, j| q.* = @floatFromInt(j + 1);
        var matrix = [_]f32{0} ** (65 * 65);
        for (0..dimensions) |row| matrix[row * dimensions + row] = 1;
        var out: [65]f32 = undefined;
        cosine(query[0..dimensions], matrix[0 .. dimensions * dimensions], null, out[0..dimensions]);
        const query_norm = @sqrt(sumOfSquares(query[0..dimensions]));
        for (out[0..dimensions], 0..) |score, row| {
            const expected: f32 = @floatCast(@as(f64, @floatFromInt(row + 1)) / query_norm);
            try testing.expectEqual(expected, score);
        }
    }
}

/// Top-k of a single query, as a batch of one.
fn topKOne(query: []const f32, matrix: []const f32, norms: ?[]const f32, first_row: u32, out_index: []i32, out_score: []f32) void {
    var query_norm: [1]f64 = undefined;
    const batch = TopKBatch{
        .queries = query,
        .dimensions = @intCast(query.len),
        .matrix = matrix,
        .norms = norms,
        .first_row = first_row,
    };
    cosineTopK(batch, &query_norm, out_index, out_score);
}

fn expectTopK(
    query: []const f32,
    matrix: []const f32,
    norms: ?[]const f32,
    expected_index: []const i32,
    expected_score: []const f32,
) !void {
    var index: [16]i32 = undefined;
    var score: [16]f32 = undefined;
    const k = expected_index.len;
    topKOne(query, matrix, norms, 0, index[0..k], score[0..k]);
    try testing.expectEqualSlices(i32, expected_index, index[0..k]);
    for (expected_score, score[0..k]) |want, got| {
        if (std.math.isNan(want)) {
            try testing.expect(std.math.isNan(got));
        } else {
            try testing.expectEqual(want, got);
        }
    }
}

test "top-k orders by score descending, ties by index ascending" {
    const matrix = [_]f32{
        0, 1, // 0
        1, 0, // 1
        -1, 0, // 2
        2, 0, // 3
        0, 2, // 4
        1, 0, // 5
    };
    const query = [_]f32{ 1, 0 };
    try expectTopK(&query, &matrix, null, &.{ 1, 3, 5, 0, 4, 2 }, &.{ 1, 1, 1, 0, 0, -1 });
    try expectTopK(&query, &matrix, null, &.{ 1, 3 }, &.{ 1, 1 });
    try expectTopK(&query, &matrix, null, &.{1}, &.{1});
    try expectTopK(&query, &matrix, null, &.{ 1, 3, 5, 0 }, &.{ 1, 1, 1, 0 });
}

test "top-k ranks NaN below every number and treats -0 as 0" {
    const matrix = [_]f32{
        1, 0, // 0: 1
        nan, 0, // 1: NaN
        -1, 0, // 2: -1
        0, 1, // 3: 0
        nan, 1, // 4: NaN
    };
    try expectTopK(&.{ 1, 0 }, &matrix, null, &.{ 0, 3, 2, 1, 4 }, &.{ 1, 0, -1, nan, nan });
    try expectTopK(&.{ 1, 0 }, &matrix, null, &.{ 0, 3, 2 }, &.{ 1, 0, -1 });

    // Norms of -0.0 and 0.0 both score 0; the index breaks the tie.
    const parallel = [_]f32{ 1, 0, 1, 0, 1, 0 };
    try expectTopK(&.{ 1, 0 }, &parallel, &.{ -0.0, 0.0, 1 }, &.{ 2, 0, 1 }, &.{ 1, 0, 0 });
    try testing.expect(ranksBefore(-0.0, 0, 0.0, 1));
    try testing.expect(ranksBefore(0.0, 0, -0.0, 1));
}

test "top-k returns the head of the fully ranked cosine scores" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0002);
    const random = prng.random();
    const dimensions = 17;
    const rows = 200;
    var matrix: [rows * dimensions]f32 = undefined;
    var query: [dimensions]f32 = undefined;
    fillRandom(random, &matrix);
    fillRandom(random, &query);
    // Duplicate rows make exact ties.
    @memcpy(matrix[10 * dimensions ..][0..dimensions], matrix[150 * dimensions ..][0..dimensions]);
    @memcpy(matrix[20 * dimensions ..][0..dimensions], matrix[150 * dimensions ..][0..dimensions]);
    matrix[33 * dimensions] = nan;

    var scores: [rows]f32 = undefined;
    cosine(&query, &matrix, null, &scores);
    var ranked: [rows]i32 = undefined;
    for (&ranked, 0..) |*index, row| index.* = @intCast(row);
    std.sort.insertion(i32, &ranked, &scores, struct {
        fn lessThan(context: *const [rows]f32, a: i32, b: i32) bool {
            return ranksBefore(context[@intCast(a)], a, context[@intCast(b)], b);
        }
    }.lessThan);

    for ([_]usize{ 1, 2, 3, 7, 64, 199, 200 }) |k| {
        var index: [rows]i32 = undefined;
        var score: [rows]f32 = undefined;
        topKOne(&query, &matrix, null, 0, index[0..k], score[0..k]);
        try testing.expectEqualSlices(i32, ranked[0..k], index[0..k]);
        for (index[0..k], score[0..k]) |row, got| {
            try testing.expectEqual(@as(u32, @bitCast(scores[@intCast(row)])), @as(u32, @bitCast(got)));
        }
    }
}

test "a row range scores its rows as the whole matrix does, and ranks them by absolute index" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0006);
    const random = prng.random();
    const dimensions = 9;
    const rows = 40;
    var matrix: [rows * dimensions]f32 = undefined;
    var query: [dimensions]f32 = undefined;
    fillRandom(random, &matrix);
    fillRandom(random, &query);
    @memcpy(matrix[30 * dimensions ..][0..dimensions], matrix[12 * dimensions ..][0..dimensions]);
    var norms: [rows]f32 = undefined;
    for (&norms, 0..) |*norm, row| norm.* = @floatCast(@sqrt(sumOfSquares(matrix[row * dimensions ..][0..dimensions])) * 1.5);
    for ([_]?[]const f32{ null, &norms }) |given| {
        var all: [rows]f32 = undefined;
        cosine(&query, &matrix, given, &all);
        for ([_]u32{ 0, 1, 12, 13, 39 }) |first_row| {
            const count = rows - first_row;
            var part: [rows]f32 = undefined;
            const part_norms: ?[]const f32 = if (given) |n| n[first_row..] else null;
            cosine(&query, matrix[first_row * dimensions ..], part_norms, part[0..count]);
            try testing.expectEqualSlices(u8, std.mem.sliceAsBytes(all[first_row..]), std.mem.sliceAsBytes(part[0..count]));

            var ranked: [rows]i32 = undefined;
            for (ranked[0..count], first_row..) |*index, row| index.* = @intCast(row);
            std.sort.insertion(i32, ranked[0..count], &all, lessByScore(rows));
            const k = @min(count, 5);
            var index: [rows]i32 = undefined;
            var score: [rows]f32 = undefined;
            topKOne(&query, matrix[first_row * dimensions ..], part_norms, first_row, index[0..k], score[0..k]);
            try testing.expectEqualSlices(i32, ranked[0..k], index[0..k]);
            for (index[0..k], score[0..k]) |row, got| try testing.expectEqual(all[@intCast(row)], got);
        }
    }
}

fn lessByScore(comptime rows: usize) fn (*const [rows]f32, i32, i32) bool {
    return struct {
        fn lessThan(scores: *const [rows]f32, a: i32, b: i32) bool {
            return ranksBefore(scores[@intCast(a)], a, scores[@intCast(b)], b);
        }
    }.lessThan;
}

test "each query of a batch gets, bit for bit, what it gets alone, at every tail length" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0007);
    const random = prng.random();
    const rows_max_test = 37;
    const query_count_max = 9;
    const buffer = try testing.allocator.alloc(f32, (rows_max_test + query_count_max) * 4096);
    defer testing.allocator.free(buffer);
    var norms: [rows_max_test]f32 = undefined;
    var query_norms: [query_count_max]f64 = undefined;
    var batch_index: [query_count_max * rows_max_test]i32 = undefined;
    var batch_score: [query_count_max * rows_max_test]f32 = undefined;
    for (tail_lengths) |dimensions| {
        const rows = random.intRangeAtMost(usize, 1, rows_max_test);
        const query_count = random.intRangeAtMost(usize, 1, query_count_max);
        const matrix = buffer[0 .. rows * dimensions];
        const queries = buffer[rows * dimensions ..][0 .. query_count * dimensions];
        fillRandom(random, matrix);
        fillRandom(random, queries);
        // Exact ties: a row repeated, and a query equal to a row.
        if (rows >= 3) @memcpy(matrix[2 * dimensions ..][0..dimensions], matrix[0..dimensions]);
        @memcpy(queries[0..dimensions], matrix[(rows - 1) * dimensions ..][0..dimensions]);
        for (norms[0..rows], 0..) |*norm, row| norm.* = @floatCast(@sqrt(sumOfSquares(matrix[row * dimensions ..][0..dimensions])));
        for ([_]?[]const f32{ null, norms[0..rows] }) |given| {
            const k = random.intRangeAtMost(usize, 1, rows);
            const first_row = random.uintAtMost(u32, 1000);
            const batch = TopKBatch{ .queries = queries, .dimensions = @intCast(dimensions), .matrix = matrix, .norms = given, .first_row = first_row };
            cosineTopK(batch, query_norms[0..query_count], batch_index[0 .. query_count * k], batch_score[0 .. query_count * k]);
            for (0..query_count) |q| {
                var index: [rows_max_test]i32 = undefined;
                var score: [rows_max_test]f32 = undefined;
                topKOne(queries[q * dimensions ..][0..dimensions], matrix, given, first_row, index[0..k], score[0..k]);
                try testing.expectEqualSlices(i32, index[0..k], batch_index[q * k ..][0..k]);
                try testing.expectEqualSlices(u8, std.mem.sliceAsBytes(score[0..k]), std.mem.sliceAsBytes(batch_score[q * k ..][0..k]));
            }
        }
    }
}

test "a batch of the largest size gives each query its lone result" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0008);
    const random = prng.random();
    const dimensions = 5;
    const rows = 6;
    const k = 3;
    const queries = try testing.allocator.alloc(f32, queries_max * dimensions);
    defer testing.allocator.free(queries);
    const query_norms = try testing.allocator.alloc(f64, queries_max);
    defer testing.allocator.free(query_norms);
    const batch_index = try testing.allocator.alloc(i32, queries_max * k);
    defer testing.allocator.free(batch_index);
    const batch_score = try testing.allocator.alloc(f32, queries_max * k);
    defer testing.allocator.free(batch_score);
    var matrix: [rows * dimensions]f32 = undefined;
    fillRandom(random, &matrix);
    fillRandom(random, queries);
    const batch = TopKBatch{ .queries = queries, .dimensions = dimensions, .matrix = &matrix, .norms = null, .first_row = 7 };
    cosineTopK(batch, query_norms, batch_index, batch_score);
    for (0..queries_max) |q| {
        var index: [k]i32 = undefined;
        var score: [k]f32 = undefined;
        topKOne(queries[q * dimensions ..][0..dimensions], &matrix, null, 7, &index, &score);
        try testing.expectEqualSlices(i32, &index, batch_index[q * k ..][0..k]);
        try testing.expectEqualSlices(u8, std.mem.asBytes(&score), std.mem.sliceAsBytes(batch_score[q * k ..][0..k]));
    }
}
