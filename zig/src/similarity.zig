//! Cosine similarity of one query against a range of rows of a row-major
//! matrix, and the fused top-k selection over the same scores for a batch of
//! queries.
//!
//! ## The row loop
//!
//! A row is read once, in vectors of `lanes` float32 (16 with AVX-512, 8 with
//! AVX2, 4 with SSE2 or NEON: the width of the library's target), on
//! `chains` independent float32 multiply-add chains per sum (fused where the
//! target has FMA), so that the adds of one chain wait for each other but not
//! for the other chains'. The query is read as it is, float32, and needs no
//! conversion; its float64 squared norm is computed once per call. Every
//! `steps_per_fold` steps the chains of a sum are added in float32, as a tree,
//! and the result is folded, widened, into a float64 accumulator; a row's
//! float64 accumulator is reduced to one number once, at the end of the row,
//! as a tree. The values past the last whole vector (fewer than `lanes`) are
//! added in float64. The row loop is inlined into the loop over rows: no call
//! per row. A batch of top-k queries scores a row for `tile` queries at a
//! time in one pass over it (each vector of the row loaded once for the tile),
//! a block of rows (`row_block_bytes`) for every tile while the block is in
//! L2 and the tile's queries in L1, so that a batch reads each row from
//! memory once; the tiles after the first prefetch the next block into L2.
//!
//! ## Accuracy: why every score is within 1e-6 of the exact one
//!
//! Let u = 2^-24 (float32 rounding) and P = sum |q_i v_i| <= |q| |v|
//! (Cauchy-Schwarz). One lane of one chain adds at most `steps_per_fold` = 4
//! products before it is folded. A chain of 4 fused multiply-adds errs by at
//! most 4u times the sum of the magnitudes of its products (5u without FMA,
//! where the product is rounded as well), the tree over the 4 chains adds two
//! roundings (2u), the widening is exact, and the float64 sums err by less
//! than 4096 * 2^-53 relative: so the dot product errs by at most 7u P
//! (+ 1e-12 P), and the sum of squares (all terms positive) by 7u relative,
//! its square root by 3.5u. Provided nothing overflows or underflows (below),
//! the score dot / (|q| |v|) errs by at most 7u + 3.5u = 10.5u = 6.3e-7, plus
//! the float32 rounding of the result (3e-8): 6.6e-7 < 1e-6. With a given
//! norm g, the error is 7u P / (|q| g) <= 7u |v| / g, which is at most
//! 8.75u = 5.3e-7 when g >= 0.8 |v|. The query's norm is exact (float64
//! products of float32 values are exact), to 1e-12.
//!
//! The fast path is trusted (`trusted`) only where that argument holds: both
//! squared norms in [2^-100, 2^100] (norms in [2^-50, 2^50]), so no product or
//! partial sum reaches float32's overflow (|partial| <= P <= 2^100 < 2^128), and
//! what underflow loses (at most 2^-150 per rounding, 2^-137 for 4096
//! dimensions) is below 2^-37 of |q| |v|; and a given norm, when not 0, at
//! least 0.8 of the fast path's norm of the row. A zero query is trusted
//! wherever the row's squares did not overflow (every product is then 0, or
//! NaN for a row that is not finite). Everything else (a row or query with
//! huge or tiny values, infinities, NaN, a given norm much below the true one)
//! is computed again on the exact path, every value widened to float64.
//!
//! ## Reproducibility
//!
//! Each sum is taken in one fixed order that depends only on the dimension:
//! not on the address of the data, the batch, the tile a query falls in, nor
//! on whether the call is `cosine` or `cosineTopK`. So a row scores the same
//! bits in `cosine` and in `cosineTopK`, and each query of a batch gets the
//! result of a call with that query alone.

const std = @import("std");
const builtin = @import("builtin");
const simd = @import("simd.zig");

const assert = std.debug.assert;

pub const dimensions_max: u32 = 4096;
/// Row indices leave through an i32 (`out_index`), so no row number above that.
pub const rows_max: u64 = std.math.maxInt(i32);
/// Bound on the queries of one top-k batch.
pub const queries_max: u32 = 1024;

const lanes = simd.f32_lanes;
const VectorF32 = @Vector(lanes, f32);
const HalfF32 = @Vector(lanes / 2, f32);
const HalfF64 = @Vector(lanes / 2, f64);
const VectorF64 = @Vector(lanes, f64);

/// Independent multiply-add chains per sum.
const chains = 4;
/// Vectors of a chain added in float32 before they are folded into float64.
const steps_per_fold = 4;
/// Elements read per step (one vector per chain) and per fold.
const step_elements = chains * lanes;
const fold_elements = steps_per_fold * step_elements;
/// Whether a full tile scores two rows per pass (`pairedSums`): where the
/// tile is 4 queries and there are 32 vector registers.
const pair_rows = tile == 4;
/// Queries scored per pass over a row in a top-k batch: as many as leave the
/// accumulators in registers (`chains` vectors per query, plus the squares):
/// 32 vector registers with AVX-512 and NEON, 16 with AVX2 and SSE2.
pub const tile: usize = switch (simd.isa) {
    .x86_64_v4, .aarch64_neon => 4,
    .x86_64_baseline, .x86_64_v3 => 2,
};
/// A top-k batch takes its rows in blocks of about this many bytes, each
/// block scored for every tile of queries while it is in L2, so that a batch
/// reads each row from memory once, and a tile's queries (12 KiB at d = 768)
/// stay in L1 while it scores the block: one load from L2 per row vector and
/// tile rather than one per query vector. With blocks of 16 KiB, which fit
/// L1 but left the queries in L2, 16 queries took 88 ms, not 64 ms, at
/// d = 768 and n = 100,000 (`zig build bench`, Zen 4).
const row_block_bytes = 256 * 1024;
const block_rows_max = 256;
/// How far ahead of its reads the first pass over a row prefetches, where it
/// does (`prefetchAhead`).
const prefetch_bytes = 2048;

/// Whether the first pass over a row prefetches: not on AMD, where the
/// hardware prefetchers do better alone (Zen 4, d = 768, n = 100,000, one
/// query: 14.6 ms without, 20.0 ms with, `zig build bench`); on other CPUs,
/// where an earlier session measured the prefetch faster on Intel, yes.
fn prefetchAhead() bool {
    return !simd.cpuIsAmd();
}
/// Squared norms the fast path trusts (see the accuracy argument).
const safe_min: f64 = 0x1p-100;
const safe_max: f64 = 0x1p100;
/// A given norm below this share of the row's norm magnifies the fast path's error too much.
const least_given_norm_share: f64 = 0.8;

/// Fused multiply-add only where the target has it: without, `@mulAdd` would
/// be a call to a software fma per vector.
const has_fma = switch (builtin.cpu.arch) {
    .x86_64 => std.Target.x86.featureSetHas(builtin.cpu.features, .fma),
    .aarch64 => true,
    else => false,
};

comptime {
    assert(chains == 4); // `foldChains` adds them as a tree of two levels
    assert(lanes >= 4 and lanes % 2 == 0);
    // Safe range: the widest partial sum, 2^100, is far from float32's 2^128.
    assert(safe_max * 0x1p27 < std.math.floatMax(f32));
}

inline fn mulAdd(a: VectorF32, b: VectorF32, c: VectorF32) VectorF32 {
    return if (has_fma) @mulAdd(VectorF32, a, b, c) else a * b + c;
}

/// A query as every row loop takes it: its values and its exact squared norm.
const Query = struct {
    values: []const f32,
    squares: f64,
    norm: f64,

    fn of(values: []const f32) Query {
        const squares = sumOfSquares(values);
        return .{ .values = values, .squares = squares, .norm = @sqrt(squares) };
    }
};

/// `out[i]` = cosine of `query` and row `i` of `matrix`; `norms[i]`, when
/// given, is taken as the norm of row `i` without recomputing it. A range of
/// rows is the caller's slice of the matrix and of the norms.
pub fn cosine(query: []const f32, matrix: []const f32, norms: ?[]const f32, out: []f32) void {
    assert(query.len >= 1 and query.len <= dimensions_max);
    assert(matrix.len == out.len * query.len);
    assert(norms == null or norms.?.len == out.len);
    const prepared = Query.of(query);
    const ahead = prefetchAhead();
    for (out, 0..) |*score, row| score.* = rowScore(prepared, ahead, matrix, norms, row);
}

/// The score of `row` of `matrix` for one query, in one pass over the row: what `cosine`
/// writes and what a one-query `cosineTopK` ranks, so that both give a row the same bits.
inline fn rowScore(query: Query, ahead: bool, matrix: []const f32, norms: ?[]const f32, row: usize) f32 {
    const dimensions = query.values.len;
    const vector = matrix[row * dimensions ..][0..dimensions];
    const given: ?f32 = if (norms) |n| n[row] else null;
    const sums = fastSums(1, true, ahead, .{query.values}, vector);
    return scoreOf(query, sums.dots[0], vector, RowSquares.of(sums.squares), given);
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
/// NaN below every number. Each row is read from memory once for all queries
/// (`tile` queries per pass over a block of rows, while it is in L2), and each query's
/// result is the one it would get alone: the same per-query sums in the same
/// order, offered to its heap in the same row order. No score array is
/// written: each score goes straight to its query's heap, and most are turned
/// away by one comparison with the heap's worst entry. The output slices are
/// the heaps; `query_norms` is scratch of one entry per query (the squared
/// norms).
pub fn cosineTopK(batch: TopKBatch, query_norms: []f64, out_index: []i32, out_score: []f32) void {
    assert(query_norms.len == batch.queryCount());
    if (query_norms.len == 1) return singleTopK(batch, out_index, out_score);
    batchTopK(batch, query_norms, out_index, out_score);
}

/// `cosineTopK` for two queries or more. Not inlined: its frame (the blocks'
/// row squares, the tiles' sums) is large, and a call of one query, often a
/// small one, does not need it.
noinline fn batchTopK(batch: TopKBatch, query_norms: []f64, out_index: []i32, out_score: []f32) void {
    // The tiles' row loops are inlined, two rows and four queries each: many comptime branches.
    @setEvalBranchQuota(10_000);
    const query_count = batch.queryCount();
    const row_count = batch.rowCount();
    assert(query_count >= 1 and query_count <= queries_max);
    assert(query_norms.len == query_count);
    assert(out_index.len == out_score.len and out_index.len % query_count == 0);
    const k = out_index.len / query_count;
    assert(k >= 1 and k <= row_count);
    assert(batch.norms == null or batch.norms.?.len == row_count);
    assert(@as(u64, batch.first_row) + row_count <= rows_max);
    for (query_norms, 0..) |*squares, q| squares.* = sumOfSquares(batch.query(q));
    const dimensions = batch.dimensions;
    const ahead = prefetchAhead();
    const block_rows: usize = @max(1, @min(block_rows_max, row_block_bytes / (dimensions * @sizeOf(f32))));
    var block_start: usize = 0;
    while (block_start < row_count) {
        const block_end = @min(row_count, block_start + block_rows);
        // The rows' squares do not depend on the query: the first tile's pass
        // computes them, the same sums in the same order as a lone query's.
        var row_squares: [block_rows_max]RowSquares = undefined;
        // The tiles after the first read this block from L2 and have time to
        // spare for memory: they ask for the next block, a share at each row,
        // so that its first pass finds it in L2 and memory is read while
        // they compute rather than while the first pass waits.
        var next = NextBlock.of(batch.matrix, dimensions, block_end, @min(row_count, block_end + block_rows), (query_count - 1) / tile * (block_end - block_start));
        var first: usize = 0;
        while (first < query_count) {
            const count = @min(tile, query_count - first);
            switch (count) {
                inline 1...tile => |t| {
                    var queries: [t][]const f32 = undefined;
                    var prepared: [t]Query = undefined;
                    inline for (&queries, &prepared, 0..) |*values, *query, i| {
                        values.* = batch.query(first + i);
                        query.* = .{ .values = values.*, .squares = query_norms[first + i], .norm = @sqrt(query_norms[first + i]) };
                    }
                    var row = block_start;
                    // A later full tile, which reads the block from L2, scores two
                    // rows per pass (see `pairedSums`); the first pass reads memory
                    // in order, one row at a time, for the prefetchers.
                    if (t == tile and pair_rows and first > 0) {
                        while (row + 2 <= block_end) : (row += 2) {
                            const vectors = [2][]const f32{ batch.matrix[row * dimensions ..][0..dimensions], batch.matrix[(row + 1) * dimensions ..][0..dimensions] };
                            const pair = pairedSums(t, queries, vectors, &next);
                            inline for (0..2) |r| {
                                offerRow(t, batch, prepared, first, row + r, vectors[r], pair[r], row_squares[row + r - block_start], k, out_index, out_score);
                            }
                        }
                    }
                    while (row < block_end) : (row += 1) {
                        const vector = batch.matrix[row * dimensions ..][0..dimensions];
                        const sums = if (first == 0) fastSums(t, true, ahead, queries, vector) else fastSums(t, false, false, queries, vector);
                        if (first == 0) row_squares[row - block_start] = RowSquares.of(sums.squares);
                        if (first > 0) next.prefetch(next.lines_per_row);
                        offerRow(t, batch, prepared, first, row, vector, sums.dots, row_squares[row - block_start], k, out_index, out_score);
                    }
                },
                else => unreachable,
            }
            first += count;
        }
        block_start = block_end;
    }
    for (0..query_count) |q| {
        var heap = WorstFirstHeap{ .index = out_index[q * k ..][0..k], .score = out_score[q * k ..][0..k], .len = k };
        heap.sortBestFirst();
    }
}

/// `cosineTopK` for one query: its rows in order, one pass each, as the
/// first tile of a batch scores them (the same sums, so the same bits), with
/// none of a batch's blocks, tiles and prefetching of the next block, which
/// one query does not need (it reads each row once in any case) and which
/// were most of a small call.
fn singleTopK(batch: TopKBatch, out_index: []i32, out_score: []f32) void {
    const k = out_index.len;
    const query = Query.of(batch.queries);
    const ahead = prefetchAhead();
    var heap = WorstFirstHeap{ .index = out_index, .score = out_score, .len = 0 };
    for (0..batch.rowCount()) |row| {
        const score = rowScore(query, ahead, batch.matrix, batch.norms, row);
        const index: i32 = @intCast(batch.first_row + row);
        if (heap.len < k or ranksBefore(score, index, heap.score[0], heap.index[0])) heap.offer(score, index);
    }
    assert(heap.len == k);
    heap.sortBestFirst();
}

/// Offers `row`'s score for each of the tile's queries to its heap.
inline fn offerRow(
    comptime t: usize,
    batch: TopKBatch,
    prepared: [t]Query,
    first: usize,
    row: usize,
    vector: []const f32,
    dots: [t]f64,
    squares: RowSquares,
    k: usize,
    out_index: []i32,
    out_score: []f32,
) void {
    const given: ?f32 = if (batch.norms) |n| n[row] else null;
    const index: i32 = @intCast(batch.first_row + row);
    // Every heap holds the same number of entries: one per row so far, up to k.
    const filled = @min(row, k);
    inline for (prepared, 0..) |query, i| {
        const q = first + i;
        const score = scoreOf(query, dots[i], vector, squares, given);
        var heap = WorstFirstHeap{ .index = out_index[q * k ..][0..k], .score = out_score[q * k ..][0..k], .len = filled };
        if (filled < k or ranksBefore(score, index, heap.score[0], heap.index[0])) heap.offer(score, index);
    }
}

/// The rows of the block after the current one, which the later tiles of a
/// top-k batch prefetch into L2 while they score the current one. A paired
/// pass (`pairedSums`) asks for `lines_per_vector` cache lines at each vector
/// position of its two rows, spread among its multiply-adds; another pass
/// asks for `lines_per_row` at each row. Prefetches issued in bursts stall
/// on the full miss buffers (10 % of a batch of 16 queries in `perf`, Zen 4).
const NextBlock = struct {
    bytes: []const u8,
    lines_per_row: usize,
    lines_per_vector: usize,
    cursor: usize = 0,

    /// The rows `start .. end` of `matrix`, to be asked for over `later_rows` rows of later tiles.
    fn of(matrix: []const f32, dimensions: usize, start: usize, end: usize, later_rows: usize) NextBlock {
        assert(start <= end);
        const bytes = std.mem.sliceAsBytes(matrix[start * dimensions .. end * dimensions]);
        const lines = (bytes.len + 63) / 64;
        // A pair of rows has one vector position per `lanes` values of a row.
        const vector_slots = later_rows / 2 * (dimensions / lanes);
        return .{
            .bytes = bytes,
            .lines_per_row = if (later_rows == 0) 0 else (lines + later_rows - 1) / later_rows,
            .lines_per_vector = if (vector_slots == 0) 0 else (lines + vector_slots - 1) / vector_slots,
        };
    }

    /// Asks for the next `lines` lines not asked for yet, as far as the block goes.
    inline fn prefetch(next: *NextBlock, lines: usize) void {
        for (0..lines) |_| {
            if (next.cursor >= next.bytes.len) return;
            @prefetch(next.bytes.ptr + next.cursor, .{ .rw = .read, .locality = 2, .cache = .data });
            next.cursor += 64;
        }
    }
};

/// The ranking order of top-k: is (score_a, index_a) before (score_b, index_b)?
pub inline fn ranksBefore(score_a: f32, index_a: i32, score_b: f32, index_b: i32) bool {
    const a_is_nan = std.math.isNan(score_a);
    const b_is_nan = std.math.isNan(score_b);
    if (a_is_nan != b_is_nan) return b_is_nan;
    if (!a_is_nan and score_a != score_b) return score_a > score_b;
    return index_a < index_b;
}

/// The score of a row from the fast path's sums, or from the exact path where
/// the fast path is not trusted.
inline fn scoreOf(query: Query, dot: f64, vector: []const f32, row: RowSquares, given: ?f32) f32 {
    if (trusted(query.squares, row, given)) {
        const row_norm: f64 = if (given) |g| g else row.norm;
        return cosineOf(dot, query.norm, row_norm);
    }
    return exactScore(query, vector, given);
}

/// A row's squared norm from the fast path, and its square root, taken once per row.
const RowSquares = struct {
    squares: f64,
    norm: f64,

    inline fn of(squares: f64) RowSquares {
        return .{ .squares = squares, .norm = @sqrt(squares) };
    }
};

/// Whether the fast path's sums of a query and a row meet the contract (see
/// the accuracy argument at the top): `query_squares` is exact, `row` the
/// fast path's.
inline fn trusted(query_squares: f64, row: RowSquares, given: ?f32) bool {
    if (query_squares == 0) {
        // Every product is 0 (or NaN for a row that is not finite), unless the
        // row's squares overflowed float32: then its norm needs the exact path.
        return given != null or std.math.isFinite(row.squares);
    }
    const in_range = query_squares >= safe_min and query_squares <= safe_max and
        row.squares >= safe_min and row.squares <= safe_max;
    if (!in_range) return false;
    const g = given orelse return true;
    return g == 0 or g >= least_given_norm_share * row.norm;
}

/// The exact path: every value widened to float64, where products of float32
/// values are exact. Called only for rows the fast path does not trust.
noinline fn exactScore(query: Query, vector: []const f32, given: ?f32) f32 {
    const dot = exactDot(query.values, vector);
    const row_norm: f64 = if (given) |g| g else @sqrt(sumOfSquares(vector));
    return cosineOf(dot, query.norm, row_norm);
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

/// The fast path's sums of one pass over a row: the dot product of each of
/// `query_count` queries with it and, when `with_squares`, its sum of squares.
fn FastSums(comptime query_count: usize) type {
    return struct { dots: [query_count]f64, squares: f64 };
}

/// One pass over `vector` for the dot products with `queries` (and its
/// squares): per sum, `chains` float32 chains, folded into float64 every
/// `steps_per_fold` steps, prefetching ahead if `prefetch` (first passes only).
/// The order of every sum depends only on the length.
inline fn fastSums(
    comptime query_count: usize,
    comptime with_squares: bool,
    prefetch: bool,
    queries: [query_count][]const f32,
    vector: []const f32,
) FastSums(query_count) {
    const dimensions = vector.len;
    inline for (queries) |values| assert(values.len == dimensions);
    const whole = dimensions - dimensions % lanes;
    const zero: VectorF32 = @splat(0);
    var wide_dots = [_]HalfF64{@splat(0)} ** query_count;
    var wide_squares: HalfF64 = @splat(0);
    var j: usize = 0;
    while (j < whole) {
        const block_end = @min(whole, j + fold_elements);
        var dots = [_][chains]VectorF32{[_]VectorF32{zero} ** chains} ** query_count;
        var squares = [_]VectorF32{zero} ** chains;
        while (j + step_elements <= block_end) : (j += step_elements) {
            // The first pass over a row asks for the memory `prefetch_bytes`
            // ahead, one cache line per 64 bytes read: more reads in flight
            // than the hardware prefetcher keeps alone.
            if (with_squares and prefetch) {
                const ahead = vector.ptr + j + prefetch_bytes / @sizeOf(f32);
                inline for (0..step_elements * @sizeOf(f32) / 64) |line| {
                    @prefetch(ahead + line * 16, .{ .rw = .read, .locality = 3, .cache = .data });
                }
            }
            inline for (0..chains) |c| {
                const v: VectorF32 = vector[j + c * lanes ..][0..lanes].*;
                if (with_squares) squares[c] = mulAdd(v, v, squares[c]);
                inline for (0..query_count) |q| {
                    const w: VectorF32 = queries[q][j + c * lanes ..][0..lanes].*;
                    dots[q][c] = mulAdd(w, v, dots[q][c]);
                }
            }
        }
        // The last block may end with fewer than `chains` vectors: one more
        // on each of the first chains (a short block, so still at most
        // `steps_per_fold` per chain).
        inline for (0..chains - 1) |c| {
            if (j < block_end) {
                const v: VectorF32 = vector[j..][0..lanes].*;
                if (with_squares) squares[c] = mulAdd(v, v, squares[c]);
                inline for (0..query_count) |q| {
                    const w: VectorF32 = queries[q][j..][0..lanes].*;
                    dots[q][c] = mulAdd(w, v, dots[q][c]);
                }
                j += lanes;
            }
        }
        assert(j == block_end);
        inline for (0..query_count) |q| wide_dots[q] += foldChains(dots[q]);
        if (with_squares) wide_squares += foldChains(squares);
    }
    var result: FastSums(query_count) = undefined;
    inline for (0..query_count) |q| result.dots[q] = sumOfLanes(lanes / 2, wide_dots[q], whole > 0);
    result.squares = if (with_squares) sumOfLanes(lanes / 2, wide_squares, whole > 0) else 0;
    // The last values (fewer than a vector), in float64: exact products.
    while (j < dimensions) : (j += 1) {
        const v: f64 = vector[j];
        inline for (0..query_count) |q| result.dots[q] += @as(f64, queries[q][j]) * v;
        if (with_squares) result.squares += v * v;
    }
    return result;
}

/// The dot products of `fastSums` (without the squares, which the first pass
/// took) for two rows in one pass: the same sums, each in the same order, so
/// the same bits. The chains are taken one at a time within a fold block
/// (chain c adds vectors c, c + `chains`, ... of the block, as in
/// `fastSums`), which leaves registers for both rows: each query vector
/// loaded serves two multiply-adds and each row vector `query_count`, 6 loads
/// per 8 multiply-adds with a tile of 4 rather than 5 per 4. Chains 0 and 1
/// are added as soon as both are done, and chain 2 to chain 3 as it ends:
/// the tree `foldChains` adds. Asks for `next`'s lines on the way.
inline fn pairedSums(comptime query_count: usize, queries: [query_count][]const f32, vectors: [2][]const f32, next: *NextBlock) [2][query_count]f64 {
    const dimensions = vectors[0].len;
    assert(vectors[1].len == dimensions);
    inline for (queries) |values| assert(values.len == dimensions);
    const whole = dimensions - dimensions % lanes;
    const Dots = [2][query_count]VectorF32;
    const zeros: Dots = [_][query_count]VectorF32{[_]VectorF32{@splat(0)} ** query_count} ** 2;
    var wide: [2][query_count]HalfF64 = [_][query_count]HalfF64{[_]HalfF64{@splat(0)} ** query_count} ** 2;
    var j: usize = 0;
    while (j < whole) {
        const block_end = @min(whole, j + fold_elements);
        const block_vectors = (block_end - j) / lanes;
        var first_two = zeros;
        var third = zeros;
        inline for (0..chains) |c| {
            var chain = zeros;
            var i: usize = c;
            while (i < block_vectors) : (i += chains) {
                const at = j + i * lanes;
                const v = [2]VectorF32{ vectors[0][at..][0..lanes].*, vectors[1][at..][0..lanes].* };
                next.prefetch(next.lines_per_vector);
                inline for (0..query_count) |q| {
                    const w: VectorF32 = queries[q][at..][0..lanes].*;
                    inline for (0..2) |r| chain[r][q] = mulAdd(w, v[r], chain[r][q]);
                }
            }
            inline for (0..2) |r| {
                inline for (0..query_count) |q| switch (c) {
                    0 => first_two[r][q] = chain[r][q],
                    1 => first_two[r][q] += chain[r][q],
                    2 => third[r][q] = chain[r][q],
                    3 => wide[r][q] += widenHalves(first_two[r][q] + (third[r][q] + chain[r][q])),
                    else => unreachable,
                };
            }
        }
        j = block_end;
    }
    var dots: [2][query_count]f64 = undefined;
    inline for (0..2) |r| {
        inline for (0..query_count) |q| dots[r][q] = sumOfLanes(lanes / 2, wide[r][q], whole > 0);
        // The last values (fewer than a vector), in float64, as `fastSums` adds them.
        var tail = j;
        while (tail < dimensions) : (tail += 1) {
            const v: f64 = vectors[r][tail];
            inline for (0..query_count) |q| dots[r][q] += @as(f64, queries[q][tail]) * v;
        }
    }
    return dots;
}

/// The chains of a sum added as a tree, in float32, and widened to float64
/// with its two halves added.
inline fn foldChains(sums: [chains]VectorF32) HalfF64 {
    return widenHalves((sums[0] + sums[1]) + (sums[2] + sums[3]));
}

/// A float32 vector widened to float64, its two halves added.
inline fn widenHalves(total: VectorF32) HalfF64 {
    const low: HalfF32 = @shuffle(f32, total, undefined, halfMask(0));
    const high: HalfF32 = @shuffle(f32, total, undefined, halfMask(lanes / 2));
    const low_wide: HalfF64 = @floatCast(low);
    const high_wide: HalfF64 = @floatCast(high);
    return low_wide + high_wide;
}

fn halfMask(comptime first: i32) @Vector(lanes / 2, i32) {
    return std.simd.iota(i32, lanes / 2) + @as(@Vector(lanes / 2, i32), @splat(first));
}

/// The lanes of `v` added as a tree: halves, then quarters, down to one.
/// `treeSum(n, v)`, or, when no vector was added to `v` (`added` false), the 0 it would
/// give without its chain of shuffles and adds: `v` is then all +0.0, whose tree sum is
/// +0.0, so the result is the same bits. A vector shorter than a register (one memory of
/// d = 1, say) so waits on its few products only: the smallest call's latency.
inline fn sumOfLanes(comptime n: usize, v: @Vector(n, f64), added: bool) f64 {
    return if (added) treeSum(n, v) else 0;
}

inline fn treeSum(comptime n: usize, v: @Vector(n, f64)) f64 {
    if (n == 1) return v[0];
    const half = n / 2;
    const low: @Vector(half, f64) = @shuffle(f64, v, undefined, std.simd.iota(i32, half));
    const high: @Vector(half, f64) = @shuffle(f64, v, undefined, std.simd.iota(i32, half) + @as(@Vector(half, i32), @splat(half)));
    return treeSum(half, low + high);
}

inline fn widen(values: *const [lanes]f32) VectorF64 {
    const narrow: VectorF32 = values.*;
    return @floatCast(narrow);
}

inline fn mulAddF64(a: VectorF64, b: VectorF64, c: VectorF64) VectorF64 {
    return if (has_fma) @mulAdd(VectorF64, a, b, c) else a * b + c;
}

/// The exact sum of squares: float64 products of float32 values are exact.
fn sumOfSquares(values: []const f32) f64 {
    var sums: VectorF64 = @splat(0);
    var j: usize = 0;
    while (j + lanes <= values.len) : (j += lanes) {
        const v = widen(values[j..][0..lanes]);
        sums = mulAddF64(v, v, sums);
    }
    var sum = sumOfLanes(lanes, sums, values.len >= lanes);
    while (j < values.len) : (j += 1) {
        const v: f64 = values[j];
        sum += v * v;
    }
    return sum;
}

/// The exact path's dot product, every value widened to float64.
fn exactDot(a: []const f32, b: []const f32) f64 {
    assert(a.len == b.len);
    var sums: VectorF64 = @splat(0);
    var j: usize = 0;
    while (j + lanes <= a.len) : (j += lanes) {
        sums = mulAddF64(widen(a[j..][0..lanes]), widen(b[j..][0..lanes]), sums);
    }
    var sum = sumOfLanes(lanes, sums, a.len >= lanes);
    while (j < a.len) : (j += 1) {
        sum += @as(f64, a[j]) * @as(f64, b[j]);
    }
    return sum;
}

/// Binary heap over the caller's two output slices whose root is the entry
/// that ranks last, so that a better row replaces it in O(log k).
const WorstFirstHeap = struct {
    index: []i32,
    score: []f32,
    len: usize,

    /// Keeps (score, index) if the heap has room or it ranks before the worst entry.
    noinline fn offer(heap: *WorstFirstHeap, score: f32, index: i32) void {
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

test "a vector shorter than a register scores the bits of its float64 sums taken from +0.0" {
    // No vector step runs below `lanes` values, so the sums are the float64 products added
    // one by one to +0.0 (`sumOfLanes`): the same bits as the contract's formula term by term.
    var prng = std.Random.DefaultPrng.init(0x5eed_0003);
    const random = prng.random();
    for (1..lanes) |dimensions| {
        var values: [2 * lanes]f32 = undefined;
        fillRandom(random, &values);
        if (dimensions == 1) values[0] = -0.0; // a product of -0.0 must still give +0.0
        const query = values[0..dimensions];
        const row = values[lanes..][0..dimensions];
        const want = referenceCosine(query, row, null);
        var out: [1]f32 = undefined;
        cosine(query, row, null, &out);
        try testing.expectEqual(@as(u32, @bitCast(want)), @as(u32, @bitCast(out[0])));
        var index: [1]i32 = undefined;
        var score: [1]f32 = undefined;
        var query_norms: [1]f64 = undefined;
        const batch = TopKBatch{ .queries = query, .dimensions = @intCast(dimensions), .matrix = row, .norms = null, .first_row = 0 };
        cosineTopK(batch, &query_norms, &index, &score);
        try testing.expectEqual(@as(u32, @bitCast(want)), @as(u32, @bitCast(score[0])));
    }
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

/// The exact score, as near as float64 can hold it: sums in f128 (products
/// of float32 values are exact in float64 already), the division in float64.
fn exactCosine(query: []const f32, vector: []const f32, norm: ?f32) f64 {
    var product: f128 = 0;
    var query_squares: f128 = 0;
    var vector_squares: f128 = 0;
    for (query, vector) |q, v| {
        product += @as(f64, q) * @as(f64, v);
        query_squares += @as(f64, q) * @as(f64, q);
        vector_squares += @as(f64, v) * @as(f64, v);
    }
    const query_norm = @sqrt(@as(f64, @floatCast(query_squares)));
    const vector_norm: f64 = if (norm) |given| given else @sqrt(@as(f64, @floatCast(vector_squares)));
    if (query_norm == 0 or vector_norm == 0) return 0;
    const s = @as(f64, @floatCast(product)) / (query_norm * vector_norm);
    return if (s > 1) 1 else if (s < -1) -1 else s;
}

/// A value of random sign and a magnitude of 2^e for e uniform in `exponents`.
fn wideValue(random: std.Random, exponent_min: i32, exponent_max: i32) f32 {
    const exponent = random.intRangeAtMost(i32, exponent_min, exponent_max);
    const magnitude = std.math.ldexp(@as(f32, 1) + random.float(f32), exponent);
    return if (random.boolean()) magnitude else -magnitude;
}

/// Scores `rows` rows with `cosine` (with and without the given norms),
/// checks each against the exact score within 1e-6, and checks that
/// `cosineTopK` of the query alone and in a batch of `tile + 1` (a whole tile
/// and a short one) gives the same bits. Returns the largest error seen.
fn expectAccurate(query: []const f32, matrix: []const f32, norms: ?[]const f32) !f64 {
    const dimensions = query.len;
    const rows = matrix.len / dimensions;
    var out: [64]f32 = undefined;
    assert(rows <= out.len);
    cosine(query, matrix, norms, out[0..rows]);
    var worst: f64 = 0;
    for (0..rows) |row| {
        const vector = matrix[row * dimensions ..][0..dimensions];
        const exact = exactCosine(query, vector, if (norms) |n| n[row] else null);
        const err = @abs(exact - out[row]);
        if (!(err <= 1e-6)) {
            std.debug.print("row {d}: got {e}, exact {e}, error {e}\n", .{ row, out[row], exact, err });
            return error.TestExpectedApproxEqAbs;
        }
        worst = @max(worst, err);
    }
    // The same bits from the fused top-k, alone and batched.
    const batch_size = tile + 1;
    var queries: [batch_size * 1536]f32 = undefined;
    assert(dimensions <= 1536);
    for (0..batch_size) |q| @memcpy(queries[q * dimensions ..][0..dimensions], query);
    var query_norms: [batch_size]f64 = undefined;
    var index: [batch_size * 64]i32 = undefined;
    var score: [batch_size * 64]f32 = undefined;
    const batch = TopKBatch{ .queries = queries[0 .. batch_size * dimensions], .dimensions = @intCast(dimensions), .matrix = matrix, .norms = norms, .first_row = 0 };
    cosineTopK(batch, &query_norms, index[0 .. batch_size * rows], score[0 .. batch_size * rows]);
    for (0..batch_size) |q| {
        for (index[q * rows ..][0..rows], score[q * rows ..][0..rows]) |row, got| {
            try testing.expectEqual(@as(u32, @bitCast(out[@intCast(row)])), @as(u32, @bitCast(got)));
        }
    }
    return worst;
}

test "d = 1536: values of mixed magnitudes, 2^-20 to 2^20 in one row, stay within 1e-6" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0101);
    const random = prng.random();
    const dimensions = 1536;
    const rows = 24;
    const matrix = try testing.allocator.alloc(f32, rows * dimensions);
    defer testing.allocator.free(matrix);
    var query: [dimensions]f32 = undefined;
    var norms: [rows]f32 = undefined;
    for (0..8) |_| {
        for (&query) |*q| q.* = wideValue(random, -20, 20);
        for (matrix) |*v| v.* = wideValue(random, -20, 20);
        // Rows near the query (scores near 1), near its opposite, and orthogonal-ish.
        for (0..dimensions) |j| {
            matrix[0 * dimensions + j] = query[j];
            matrix[1 * dimensions + j] = -query[j] * 3;
            matrix[2 * dimensions + j] = query[j] + wideValue(random, -30, -10);
        }
        _ = try expectAccurate(&query, matrix, null);
        for (&norms, 0..) |*norm, row| {
            const true_norm = @sqrt(sumOfSquares(matrix[row * dimensions ..][0..dimensions]));
            // Given norms from a little below the true one (fast path) to far below (exact path) and above.
            const factors = [_]f64{ 1, 0.81, 0.79, 0.5, 1e-3, 1.5, 1e3 };
            norm.* = @floatCast(true_norm * factors[row % factors.len]);
        }
        _ = try expectAccurate(&query, matrix, &norms);
    }
}

test "d = 1536: cancellation, a dot product near 0 out of large terms, stays within 1e-6" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0102);
    const random = prng.random();
    const dimensions = 1536;
    const rows = 16;
    const matrix = try testing.allocator.alloc(f32, rows * dimensions);
    defer testing.allocator.free(matrix);
    var query: [dimensions]f32 = undefined;
    for (0..dimensions / 2) |j| {
        query[j] = wideValue(random, -4, 4);
        query[j + dimensions / 2] = query[j];
    }
    for (0..rows) |row| {
        const vector = matrix[row * dimensions ..][0..dimensions];
        for (0..dimensions / 2) |j| {
            // The two halves' products cancel, but for a small difference.
            vector[j] = wideValue(random, -4, 4);
            vector[j + dimensions / 2] = -vector[j] * (1 + std.math.ldexp(@as(f32, 1), -@as(i32, @intCast(row)) - 4));
        }
    }
    _ = try expectAccurate(&query, matrix, null);
}

test "d = 1536: all-positive products near 1, where one float32 sum would miss 1e-6, stay within 1e-6" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0103);
    const random = prng.random();
    const dimensions = 1536;
    const rows = 32;
    const matrix = try testing.allocator.alloc(f32, rows * dimensions);
    defer testing.allocator.free(matrix);
    var query: [dimensions]f32 = undefined;
    for (&query) |*q| q.* = 1 + random.float(f32);
    for (matrix) |*v| v.* = 1 + random.float(f32);
    const worst = try expectAccurate(&query, matrix, null);
    // The inputs have teeth: one float32 chain in index order misses 1e-6 on some row.
    var naive_worst: f64 = 0;
    for (0..rows) |row| {
        const vector = matrix[row * dimensions ..][0..dimensions];
        var product: f32 = 0;
        var squares: f32 = 0;
        var query_squares: f32 = 0;
        for (&query, vector) |q, v| {
            product += q * v;
            squares += v * v;
            query_squares += q * q;
        }
        const naive = @as(f64, product) / (@sqrt(@as(f64, query_squares)) * @sqrt(@as(f64, squares)));
        naive_worst = @max(naive_worst, @abs(naive - exactCosine(&query, vector, null)));
    }
    try testing.expect(naive_worst > 1e-6);
    try testing.expect(worst < naive_worst);
}

test "values whose squares overflow or underflow float32 take the exact path" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0104);
    const random = prng.random();
    const dimensions = 1536;
    const rows = 12;
    const matrix = try testing.allocator.alloc(f32, rows * dimensions);
    defer testing.allocator.free(matrix);
    var query: [dimensions]f32 = undefined;
    const ranges = [_][2]i32{ .{ 60, 126 }, .{ -149, -60 }, .{ -149, 126 }, .{ -1, 1 } };
    for (ranges) |query_range| {
        for (&query) |*q| q.* = wideValue(random, query_range[0], query_range[1]);
        for (0..rows) |row| {
            const range = ranges[row % ranges.len];
            for (matrix[row * dimensions ..][0..dimensions]) |*v| v.* = wideValue(random, range[0], @min(range[1], 120));
        }
        // A few huge values among ordinary ones, and one among tiny ones.
        matrix[5 * dimensions + 7] = 0x1p120;
        matrix[6 * dimensions + 7] = 0x1p-120;
        _ = try expectAccurate(&query, matrix, null);
        var norms: [rows]f32 = undefined;
        for (&norms, 0..) |*norm, row| norm.* = @floatCast(@sqrt(sumOfSquares(matrix[row * dimensions ..][0..dimensions])));
        _ = try expectAccurate(&query, matrix, &norms);
    }
}

test "a zero query scores 0 against a row whose squares overflow float32, NaN against a row that is not finite" {
    const zero = [_]f32{0} ** 40;
    var matrix = [_]f32{0x1p100} ** 120;
    matrix[80 + 3] = std.math.inf(f32);
    var out: [3]f32 = undefined;
    cosine(&zero, &matrix, null, &out);
    try testing.expectEqual(@as(f32, 0), out[0]);
    try testing.expectEqual(@as(f32, 0), out[1]);
    try testing.expect(std.math.isNan(out[2]));
    cosine(&zero, &matrix, &.{ 1, 0x1p105, 1 }, &out);
    try testing.expectEqual(@as(f32, 0), out[0]);
    try testing.expectEqual(@as(f32, 0), out[1]);
    try testing.expect(std.math.isNan(out[2]));
}

test "the fast path is taken for ordinary rows, and its error is the one the argument bounds" {
    // At the edges of the safe range and a given norm of 0.8 times the true one.
    var prng = std.Random.DefaultPrng.init(0x5eed_0105);
    const random = prng.random();
    const dimensions = 1536;
    const rows = 8;
    const matrix = try testing.allocator.alloc(f32, rows * dimensions);
    defer testing.allocator.free(matrix);
    var query: [dimensions]f32 = undefined;
    for (&query) |*q| q.* = 1 + random.float(f32);
    for (matrix) |*v| v.* = 1 + random.float(f32);
    var norms: [rows]f32 = undefined;
    for (0..rows) |row| {
        const vector = matrix[row * dimensions ..][0..dimensions];
        // Scale the row so its squared norm is near 2^-100 or 2^100.
        const scale: f32 = if (row % 2 == 0) 0x1p-55 else 0x1p44;
        for (vector) |*v| v.* *= scale;
        const squares = sumOfSquares(vector);
        try testing.expect(squares >= safe_min and squares <= safe_max);
        norms[row] = @floatCast(@sqrt(squares) * 0.8001);
        try testing.expect(trusted(sumOfSquares(&query), RowSquares.of(squares), norms[row]));
    }
    _ = try expectAccurate(&query, matrix, null);
    _ = try expectAccurate(&query, matrix, &norms);
}
