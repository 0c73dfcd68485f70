//! Cosine similarity of one query against the rows of a row-major matrix, and
//! the fused top-k selection over the same scores. Products and sums are taken
//! in f64 so the result stays within 1e-6 of the exact value at any dimension.

const std = @import("std");
const simd = @import("simd.zig");

const assert = std.debug.assert;

pub const dimensions_max: u32 = 4096;
/// Row indices leave through an i32 (`out_index`), so no more rows than that.
pub const rows_max: u64 = std.math.maxInt(i32);

const lanes = simd.f32_lanes;
const VectorF32 = @Vector(lanes, f32);
const VectorF64 = @Vector(lanes, f64);

/// `out[i]` = cosine of `query` and row `i` of `matrix`; `norms[i]`, when
/// given, is taken as the norm of row `i` without recomputing it.
pub fn cosine(query: []const f32, matrix: []const f32, norms: ?[]const f32, out: []f32) void {
    assert(query.len >= 1 and query.len <= dimensions_max);
    assert(matrix.len == out.len * query.len);
    assert(norms == null or norms.?.len == out.len);
    const query_norm = @sqrt(sumOfSquares(query));
    for (out, 0..) |*score, row| {
        score.* = rowScore(query, query_norm, matrix, norms, row);
    }
}

/// Writes the `out_index.len` best rows, best first: score descending, then
/// index ascending, NaN below every number. The output slices are the heap.
pub fn cosineTopK(
    query: []const f32,
    matrix: []const f32,
    norms: ?[]const f32,
    out_index: []i32,
    out_score: []f32,
) void {
    const rows = matrix.len / query.len;
    assert(query.len >= 1 and query.len <= dimensions_max);
    assert(matrix.len == rows * query.len and rows <= rows_max);
    assert(norms == null or norms.?.len == rows);
    assert(out_index.len == out_score.len);
    assert(out_index.len >= 1 and out_index.len <= rows);
    const query_norm = @sqrt(sumOfSquares(query));
    var heap = WorstFirstHeap{ .index = out_index, .score = out_score, .len = 0 };
    for (0..rows) |row| {
        const score = rowScore(query, query_norm, matrix, norms, row);
        const index: i32 = @intCast(row);
        if (heap.len < out_index.len) {
            heap.push(score, index);
        } else if (ranksBefore(score, index, heap.score[0], heap.index[0])) {
            heap.replaceWorst(score, index);
        }
    }
    heap.sortBestFirst();
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
        return ranksBefore(heap.score[a], heap.index[a], heap.score[b], heap.index[b]);
    }

    fn swap(heap: *WorstFirstHeap, a: usize, b: usize) void {
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
    cosineTopK(query, matrix, norms, index[0..k], score[0..k]);
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
        cosineTopK(&query, &matrix, null, index[0..k], score[0..k]);
        try testing.expectEqualSlices(i32, ranked[0..k], index[0..k]);
        for (index[0..k], score[0..k]) |row, got| {
            try testing.expectEqual(@as(u32, @bitCast(scores[@intCast(row)])), @as(u32, @bitCast(got)));
        }
    }
}
