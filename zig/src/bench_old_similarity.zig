//! The similarity kernel as it was before issue 7 (f64 lanes, one call per
//! row), kept only so that `zig build bench` can time the new one against it.
//! Not part of any library.

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
