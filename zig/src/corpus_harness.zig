//! Replays the regression corpus (`zig/corpus/*.txt`, format in
//! `zig/corpus/README.md`) on the kernels of the target it is compiled for,
//! through the C ABI of ffi.zig exactly as the Java side calls it, and checks
//! each result against the expectations the Java reference stored: cosine
//! within 1e-6 absolute, top-k by the contract's tie rule, spreading
//! bit-identical, decay within 1e-6 relative. `zig build test` runs it for
//! every library target the machine executes, aarch64 under qemu-aarch64.
//!
//! Each case also runs in derived forms the stored expectations still judge:
//! cosine over a row range, top-k over a row range and as a batch of four
//! queries, spreading in sparse mode, decay as a gather. Each derived replay
//! prints its own line.
//!
//! To show that its checks still bite, it also plants one error in each
//! result (a score 2e-6 off, two entries swapped, one bit flipped, a strength
//! 4e-6 off) and requires the check to reject it.
//!
//! Each kernel's file runs on one arena of 1 MiB with the `error` strategy,
//! destroyed at the end; the process-wide totals must then be back to zero.
//!
//! Prints one line per replay: cases run, the largest error, planted errors
//! caught. Exits with status 1 on any mismatch, unreadable file or missed
//! planted error.
//!
//! Usage: corpus_harness CORPUS_DIR

const std = @import("std");
const ffi = @import("ffi.zig");
const simd = @import("simd.zig");

const assert = std.debug.assert;

// The exported entry points of ffi.zig, the very functions the Java side calls
// through the C ABI; taken from ffi.zig itself so their signatures cannot drift.
const engram_arena_create = ffi.engram_arena_create;
const engram_arena_destroy = ffi.engram_arena_destroy;
const engram_arena_totals = ffi.engram_arena_totals;
const engram_cosine = ffi.engram_cosine;
const engram_cosine_topk = ffi.engram_cosine_topk;
const engram_spread = ffi.engram_spread;
const engram_decay = ffi.engram_decay;
const engram_decay_gather = ffi.engram_decay_gather;

const cosine_tolerance: f64 = 1e-6;
const topk_tie_window: f64 = 2e-6;
const decay_tolerance: f64 = 1e-6;
/// The version in each file's `corpus KERNEL VERSION` header.
const format_version = 1;
/// Each kernel's file must hold at least this many cases (as the Java side requires).
const cases_min = 20;
const file_bytes_max = 64 << 20;
/// Bound on any one array of a case.
const values_max = 1 << 24;
/// Start offsets, in elements, at which the inputs of each case are placed:
/// aligned, and misaligned for every vector width.
const shifts = [_]usize{ 0, 3 };
/// The arena of each file: the smallest there is, and no fallback, so that a
/// kernel that needs more than it should fails.
const arena_capacity_bytes: u64 = 1 << 20;
const arena_overflow_error: u32 = 0;
/// Queries of a derived top-k batch: the case's own, then three rows.
const batch_queries = 4;
/// Entries past a sparse output's capacity that must stay as they were.
const sparse_guard = 4;

const status_ok: c_int = @intFromEnum(ffi.Status.ok);
const spread_dense: u32 = 0;
const spread_sparse: u32 = 1;

const Kernel = enum {
    cosine,
    topk,
    spread,
    decay,

    /// The replays of the kernel's file: its own first, then the derived ones.
    fn checks(kernel: Kernel) []const Check {
        return switch (kernel) {
            .cosine => &.{ .cosine, .cosine_range },
            .topk => &.{ .topk, .topk_range, .topk_batch },
            .spread => &.{ .spread, .spread_sparse },
            .decay => &.{ .decay, .decay_gather },
        };
    }
};

/// One replay, with its own summary line.
const Check = enum {
    cosine,
    cosine_range,
    topk,
    topk_range,
    topk_batch,
    spread,
    spread_sparse,
    decay,
    decay_gather,

    fn errorName(check: Check) []const u8 {
        return switch (check) {
            .cosine, .cosine_range => "max abs error",
            .topk, .topk_range, .topk_batch => "max abs score error",
            .spread, .spread_sparse => "max ulp difference",
            .decay, .decay_gather => "max rel error",
        };
    }
};

/// Most replays of one file.
const checks_max = 3;

comptime {
    for ([_]Kernel{ .cosine, .topk, .spread, .decay }) |kernel| {
        assert(kernel.checks().len <= checks_max);
        assert(std.mem.eql(u8, @tagName(kernel.checks()[0]), @tagName(kernel)));
    }
}

pub fn main() !u8 {
    var gpa = std.heap.GeneralPurposeAllocator(.{}){};
    defer assert(gpa.deinit() == .ok);
    const allocator = gpa.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    if (args.len != 2) {
        std.debug.print("usage: corpus_harness CORPUS_DIR\n", .{});
        return 2;
    }
    var dir = std.fs.cwd().openDir(args[1], .{}) catch |err| {
        std.debug.print("corpus: cannot open {s}: {s}\n", .{ args[1], @errorName(err) });
        return 1;
    };
    defer dir.close();

    var failed = false;
    for ([_]Kernel{ .cosine, .topk, .spread, .decay }) |kernel| {
        const passed = try replayFile(allocator, dir, args[1], kernel);
        failed = failed or !passed;
    }
    return if (failed) 1 else 0;
}

/// Replays the file of `kernel` on an arena of its own and prints its
/// summary lines; false on any failure.
fn replayFile(allocator: std.mem.Allocator, dir: std.fs.Dir, dir_name: []const u8, kernel: Kernel) !bool {
    var name_buffer: [16]u8 = undefined;
    const file_name = try std.fmt.bufPrint(&name_buffer, "{s}.txt", .{@tagName(kernel)});
    const text = dir.readFileAlloc(allocator, file_name, file_bytes_max) catch |err| {
        report("corpus {s}: cannot read {s}/{s}: {s}\n", .{ @tagName(kernel), dir_name, file_name, @errorName(err) });
        return false;
    };
    defer allocator.free(text);
    var arena: ?*ffi.Arena = null;
    const created = engram_arena_create(arena_capacity_bytes, arena_overflow_error, &arena);
    if (created != status_ok) {
        report("corpus {s} {s}: engram_arena_create returned status {d}\n", .{ @tagName(kernel), @tagName(simd.isa), created });
        return false;
    }
    var replay = Replay.init(kernel, .{ .text = text, .file = file_name }, arena.?);
    replay.run(allocator) catch |err| {
        report("corpus {s} {s}: stopped at {s}:{d}: {s}\n", .{ @tagName(kernel), @tagName(simd.isa), file_name, replay.tokens.line, @errorName(err) });
        replay.tally(kernel.checks()[0]).failures += 1;
    };
    const destroyed = engram_arena_destroy(arena.?);
    if (destroyed != status_ok or !totalsAreZero()) {
        report("corpus {s} {s}: the arena did not go away cleanly (destroy status {d})\n", .{ @tagName(kernel), @tagName(simd.isa), destroyed });
        replay.tally(kernel.checks()[0]).failures += 1;
    }
    return replay.printSummaries();
}

/// No arena alive and nothing mapped: the harness's arena was the only one.
fn totalsAreZero() bool {
    var totals: ffi.ArenaTotals = undefined;
    if (engram_arena_totals(&totals) != status_ok) return false;
    assert(totals.arenas_created >= totals.arenas_destroyed);
    return totals.live_arenas == 0 and totals.mapped_bytes == 0 and totals.arenas_created == totals.arenas_destroyed;
}

/// The tokens of one corpus file: whitespace-separated, `#` comments to the end of a line.
const Tokens = struct {
    text: []const u8,
    file: []const u8,
    index: usize = 0,
    line: u32 = 1,

    const Error = error{ CorpusSyntax, OutOfMemory };

    fn next(tokens: *Tokens) ?[]const u8 {
        while (tokens.index < tokens.text.len) {
            const c = tokens.text[tokens.index];
            if (c == '#') {
                while (tokens.index < tokens.text.len and tokens.text[tokens.index] != '\n') tokens.index += 1;
            } else if (std.ascii.isWhitespace(c)) {
                if (c == '\n') tokens.line += 1;
                tokens.index += 1;
            } else break;
        }
        if (tokens.index == tokens.text.len) return null;
        const start = tokens.index;
        while (tokens.index < tokens.text.len and !std.ascii.isWhitespace(tokens.text[tokens.index])) tokens.index += 1;
        assert(tokens.index > start);
        return tokens.text[start..tokens.index];
    }

    fn fail(tokens: *const Tokens, comptime format: []const u8, args: anytype) error{CorpusSyntax} {
        report("{s}:{d}: " ++ format ++ "\n", .{ tokens.file, tokens.line } ++ args);
        return error.CorpusSyntax;
    }

    fn word(tokens: *Tokens) error{CorpusSyntax}![]const u8 {
        return tokens.next() orelse return tokens.fail("the file ends in the middle of a case", .{});
    }

    fn expect(tokens: *Tokens, key: []const u8) error{CorpusSyntax}!void {
        const token = try tokens.word();
        if (!std.mem.eql(u8, token, key)) return tokens.fail("expected '{s}', found '{s}'", .{ key, token });
    }

    /// Whether the next token is `-` (an absent array); consumes it if so.
    fn absent(tokens: *Tokens) bool {
        const saved = tokens.*;
        const token = tokens.next() orelse return false;
        if (std.mem.eql(u8, token, "-")) return true;
        tokens.* = saved;
        return false;
    }

    fn integer(tokens: *Tokens, comptime T: type) error{CorpusSyntax}!T {
        const token = try tokens.word();
        return std.fmt.parseInt(T, token, 10) catch return tokens.fail("'{s}' is not a decimal {s}", .{ token, @typeName(T) });
    }

    fn bits(tokens: *Tokens, comptime T: type) error{CorpusSyntax}!T {
        const Bits = std.meta.Int(.unsigned, @bitSizeOf(T));
        const token = try tokens.word();
        const digits = @bitSizeOf(T) / 4;
        if (token.len != 2 + digits or !std.mem.startsWith(u8, token, "0x")) {
            return tokens.fail("'{s}' is not a {s} written as 0x and {d} hex digits", .{ token, @typeName(T), digits });
        }
        const value = std.fmt.parseUnsigned(Bits, token[2..], 16) catch {
            return tokens.fail("'{s}' has a character that is not a hex digit", .{token});
        };
        return @bitCast(value);
    }

    /// `key value`.
    fn field(tokens: *Tokens, key: []const u8, comptime T: type) error{CorpusSyntax}!T {
        try tokens.expect(key);
        return if (@typeInfo(T) == .Float) tokens.bits(T) else tokens.integer(T);
    }

    /// `key count v...`; `count` must equal `expected_count` unless that is null.
    fn array(tokens: *Tokens, allocator: std.mem.Allocator, key: []const u8, comptime T: type, expected_count: ?usize) Error![]T {
        try tokens.expect(key);
        return tokens.values(allocator, key, T, expected_count);
    }

    /// `key count v...`, or `key -` for none.
    fn optionalArray(tokens: *Tokens, allocator: std.mem.Allocator, key: []const u8, comptime T: type, expected_count: usize) Error!?[]T {
        try tokens.expect(key);
        if (tokens.absent()) return null;
        return try tokens.values(allocator, key, T, expected_count);
    }

    fn values(tokens: *Tokens, allocator: std.mem.Allocator, key: []const u8, comptime T: type, expected_count: ?usize) Error![]T {
        const count = try tokens.integer(usize);
        if (count > values_max) return tokens.fail("{s} has {d} values, more than {d}", .{ key, count, values_max });
        if (expected_count) |expected| {
            if (count != expected) return tokens.fail("{s} has {d} values; this case needs {d}", .{ key, count, expected });
        }
        const result = try allocator.alloc(T, count);
        for (result) |*value| {
            value.* = if (@typeInfo(T) == .Float) try tokens.bits(T) else try tokens.integer(T);
        }
        return result;
    }
};

/// A result beyond its tolerance, described for the build log.
const Mismatch = struct {
    buffer: [320]u8 = undefined,
    len: usize = 0,

    fn init(comptime format: []const u8, args: anytype) Mismatch {
        var mismatch = Mismatch{};
        // A description too long for the buffer is cut short, not lost.
        const written = std.fmt.bufPrint(&mismatch.buffer, format, args) catch mismatch.buffer[0..];
        mismatch.len = written.len;
        assert(mismatch.len <= mismatch.buffer.len);
        return mismatch;
    }

    fn text(mismatch: *const Mismatch) []const u8 {
        return mismatch.buffer[0..mismatch.len];
    }
};

/// The outcome of one replay over a file.
const Tally = struct {
    check: Check,
    cases: u32 = 0,
    failures: u32 = 0,
    planted_caught: u32 = 0,
    max_error: f64 = 0,

    /// Prints `corpus CHECK ISA: N cases, ERROR, P planted errors caught`; false on any failure.
    fn printSummary(tally: *const Tally, cases_least: u32) !bool {
        // One write per line: the harnesses of several targets run at once.
        var line_buffer: [256]u8 = undefined;
        var line = std.io.fixedBufferStream(&line_buffer);
        const writer = line.writer();
        try writer.print("corpus {s} {s}: {d} cases, {s} ", .{
            @tagName(tally.check), @tagName(simd.isa), tally.cases, tally.check.errorName(),
        });
        if (tally.max_error == 0) try writer.writeByte('0') else try writer.print("{e:.2}", .{tally.max_error});
        try writer.print(", {d} planted errors caught", .{tally.planted_caught});
        if (tally.cases < cases_least) try writer.print(", FAILED: fewer than {d} cases", .{cases_least});
        if (tally.failures > 0) try writer.print(", FAILED: {d} failures (above)", .{tally.failures});
        try writer.writeByte('\n');
        try std.io.getStdOut().writeAll(line.getWritten());
        return tally.cases >= cases_least and tally.failures == 0;
    }
};

/// The replay of one kernel's file, its own and the derived ones, with their tallies.
const Replay = struct {
    kernel: Kernel,
    tokens: Tokens,
    arena: *ffi.Arena,
    tallies: [checks_max]Tally,
    case_name: []const u8 = "",

    fn init(kernel: Kernel, tokens: Tokens, arena: *ffi.Arena) Replay {
        var replay = Replay{ .kernel = kernel, .tokens = tokens, .arena = arena, .tallies = undefined };
        for (kernel.checks(), replay.tallies[0..kernel.checks().len]) |check, *slot| slot.* = .{ .check = check };
        assert(replay.tallies[0].check == kernel.checks()[0]);
        return replay;
    }

    fn tally(replay: *Replay, check: Check) *Tally {
        for (replay.tallies[0..replay.kernel.checks().len]) |*candidate| {
            if (candidate.check == check) return candidate;
        }
        unreachable;
    }

    fn run(replay: *Replay, parent: std.mem.Allocator) !void {
        try replay.tokens.expect("corpus");
        try replay.tokens.expect(@tagName(replay.kernel));
        const version = try replay.tokens.integer(u32);
        if (version != format_version) return replay.tokens.fail("format version {d} is not {d}", .{ version, format_version });
        var arena = std.heap.ArenaAllocator.init(parent);
        defer arena.deinit();
        while (replay.tokens.next()) |token| {
            if (!std.mem.eql(u8, token, "case")) return replay.tokens.fail("expected 'case', found '{s}'", .{token});
            replay.case_name = try replay.tokens.word();
            const allocator = arena.allocator();
            switch (replay.kernel) {
                .cosine => try replay.cosine(allocator),
                .topk => try replay.topK(allocator),
                .spread => try replay.spread(allocator),
                .decay => try replay.decay(allocator),
            }
            try replay.tokens.expect("end");
            _ = arena.reset(.retain_capacity);
        }
    }

    /// Prints one line per replay; false on any failure. The kernel's own
    /// replay must hold `cases_min` cases, each derived one at least one.
    fn printSummaries(replay: *const Replay) !bool {
        var passed = true;
        for (replay.tallies[0..replay.kernel.checks().len], 0..) |*each, i| {
            const cases_least: u32 = if (i == 0) cases_min else 1;
            passed = (try each.printSummary(cases_least)) and passed;
        }
        return passed;
    }

    /// Records the outcome of one check of a real result.
    fn judge(replay: *Replay, check: Check, mismatch: ?Mismatch, shift: usize) void {
        const found = mismatch orelse return;
        replay.tally(check).failures += 1;
        report("corpus {s} {s}: case '{s}' (inputs at element {d}): {s}\n", .{
            @tagName(check), @tagName(simd.isa), replay.case_name, shift, found.text(),
        });
    }

    /// Records the outcome of a check of a result with an error planted in it: it must fail.
    fn judgePlanted(replay: *Replay, check: Check, mismatch: ?Mismatch) void {
        if (mismatch != null) {
            replay.tally(check).planted_caught += 1;
            return;
        }
        replay.tally(check).failures += 1;
        report("corpus {s} {s}: case '{s}': the check let a planted error through\n", .{
            @tagName(check), @tagName(simd.isa), replay.case_name,
        });
    }

    /// Whether the kernel answered ok; records a failure if not.
    fn statusOk(replay: *Replay, check: Check, status: c_int) bool {
        if (status == status_ok) return true;
        replay.tally(check).failures += 1;
        report("corpus {s} {s}: case '{s}': the kernel returned status {d}, not 0\n", .{
            @tagName(check), @tagName(simd.isa), replay.case_name, status,
        });
        return false;
    }

    fn cosine(replay: *Replay, allocator: std.mem.Allocator) !void {
        const tokens = &replay.tokens;
        const dimensions = try tokens.field("dimensions", u32);
        const rows = try tokens.field("rows", u32);
        const case = CosineCase{
            .dimensions = dimensions,
            .rows = rows,
            .query = try tokens.array(allocator, "query", f32, dimensions),
            .matrix = try tokens.array(allocator, "matrix", f32, @as(usize, rows) * dimensions),
            .norms = try tokens.optionalArray(allocator, "norms", f32, rows),
            .expect = try tokens.array(allocator, "expect", f32, rows),
        };
        try replay.cosineRange(allocator, .cosine, case, 0);
        if (rows >= 2) try replay.cosineRange(allocator, .cosine_range, case, 1);
    }

    /// The case's rows from `first_row` on, judged against the stored
    /// expectations of those rows.
    fn cosineRange(replay: *Replay, allocator: std.mem.Allocator, check: Check, case: CosineCase, first_row: u32) !void {
        assert(first_row == 0 or first_row < case.rows);
        const row_count = case.rows - first_row;
        const expect = case.expect[first_row..];
        replay.tally(check).cases += 1;
        const out = try allocator.alloc(f32, row_count);
        for (shifts) |shift| {
            @memset(out, std.math.nan(f32));
            const status = engram_cosine(
                replay.arena,
                (try place(allocator, case.query, shift)).ptr,
                case.dimensions,
                (try place(allocator, case.matrix, shift)).ptr,
                first_row,
                row_count,
                if (case.norms) |given| (try place(allocator, given, shift)).ptr else null,
                out.ptr,
            );
            if (!replay.statusOk(check, status)) return;
            replay.judge(check, checkScores("out", out, expect, &replay.tally(check).max_error), shift);
        }
        if (firstFinite(out)) |i| {
            out[i] += 2e-6;
            var ignored: f64 = 0;
            replay.judgePlanted(check, checkScores("out", out, expect, &ignored));
        }
    }

    fn topK(replay: *Replay, allocator: std.mem.Allocator) !void {
        const tokens = &replay.tokens;
        const dimensions = try tokens.field("dimensions", u32);
        const rows = try tokens.field("rows", u32);
        const k = try tokens.field("k", u32);
        const case = TopKCase{
            .dimensions = dimensions,
            .rows = rows,
            .k = k,
            .query = try tokens.array(allocator, "query", f32, dimensions),
            .matrix = try tokens.array(allocator, "matrix", f32, @as(usize, rows) * dimensions),
            .norms = try tokens.optionalArray(allocator, "norms", f32, rows),
            .scores = try tokens.array(allocator, "scores", f32, rows),
            .expect_index = try tokens.array(allocator, "expect_index", i32, k),
            .expect_score = try tokens.array(allocator, "expect_score", f32, k),
        };
        if (k < 1 or k > rows) return tokens.fail("k {d} is outside 1..{d}", .{ k, rows });
        for (case.expect_index) |row| {
            if (row < 0 or row >= rows) return tokens.fail("expect_index holds {d}, not a row of {d}", .{ row, rows });
        }
        const expected = TopK{ .index = case.expect_index, .score = case.expect_score, .row_scores = case.scores, .first_row = 0 };
        try replay.topKRange(allocator, .topk, case, expected);
        if (rows >= 2) {
            const first_row = rows / 2;
            const range_k = @min(k, rows - first_row);
            try replay.topKRange(allocator, .topk_range, case, try rankedByStoredScores(allocator, case.scores, first_row, range_k));
        }
        try replay.topKBatch(allocator, case, expected);
    }

    /// Top-k over the rows from `expected.first_row` on, judged by the tie rule.
    fn topKRange(replay: *Replay, allocator: std.mem.Allocator, check: Check, case: TopKCase, expected: TopK) !void {
        const k = expected.index.len;
        assert(k >= 1 and expected.first_row < case.rows);
        replay.tally(check).cases += 1;
        const index = try allocator.alloc(i32, k);
        const score = try allocator.alloc(f32, k);
        for (shifts) |shift| {
            @memset(index, -1);
            @memset(score, std.math.nan(f32));
            const status = engram_cosine_topk(
                replay.arena,
                (try place(allocator, case.query, shift)).ptr,
                1,
                case.dimensions,
                (try place(allocator, case.matrix, shift)).ptr,
                expected.first_row,
                case.rows - expected.first_row,
                if (case.norms) |given| (try place(allocator, given, shift)).ptr else null,
                @intCast(k),
                index.ptr,
                score.ptr,
            );
            if (!replay.statusOk(check, status)) return;
            replay.judge(check, try expected.check(allocator, index, score, &replay.tally(check).max_error), shift);
        }
        var ignored: f64 = 0;
        if (k >= 2) {
            std.mem.swap(i32, &index[0], &index[1]);
            std.mem.swap(f32, &score[0], &score[1]);
            replay.judgePlanted(check, try expected.check(allocator, index, score, &ignored));
        } else if (!std.math.isNan(score[0])) {
            score[0] += 2e-6;
            replay.judgePlanted(check, try expected.check(allocator, index, score, &ignored));
        }
    }

    /// The case's query and three of its rows as one batch: each query's
    /// result must be bit-identical to its call alone, and the case's query
    /// must meet the stored expectations.
    fn topKBatch(replay: *Replay, allocator: std.mem.Allocator, case: TopKCase, expected: TopK) !void {
        const check = Check.topk_batch;
        const k = case.k;
        const dimensions = case.dimensions;
        replay.tally(check).cases += 1;
        const queries = try allocator.alloc(f32, batch_queries * dimensions);
        @memcpy(queries[0..dimensions], case.query);
        for ([_]usize{ 0, case.rows / 2, case.rows - 1 }, 1..) |row, q| {
            @memcpy(queries[q * dimensions ..][0..dimensions], case.matrix[row * dimensions ..][0..dimensions]);
        }
        const batch_index = try allocator.alloc(i32, batch_queries * k);
        const batch_score = try allocator.alloc(f32, batch_queries * k);
        const single_index = try allocator.alloc(i32, k);
        const single_score = try allocator.alloc(f32, k);
        for (shifts) |shift| {
            const placed_queries = try place(allocator, queries, shift);
            const placed = PlacedRows{
                .matrix = (try place(allocator, case.matrix, shift)).ptr,
                .norms = if (case.norms) |given| (try place(allocator, given, shift)).ptr else null,
            };
            if (!replay.statusOk(check, replay.topKCall(placed_queries, batch_queries, case, placed, batch_index, batch_score))) return;
            replay.judge(check, try expected.check(allocator, batch_index[0..k], batch_score[0..k], &replay.tally(check).max_error), shift);
            for (0..batch_queries) |q| {
                if (!replay.statusOk(check, replay.topKCall(placed_queries[q * dimensions ..], 1, case, placed, single_index, single_score))) return;
                replay.judge(check, checkIdentical(q, batch_index[q * k ..][0..k], batch_score[q * k ..][0..k], single_index, single_score), shift);
            }
        }
        const last = (batch_queries - 1) * k;
        batch_score[last] = @bitCast(@as(u32, @bitCast(batch_score[last])) ^ 1);
        replay.judgePlanted(check, checkIdentical(batch_queries - 1, batch_index[last..], batch_score[last..], single_index, single_score));
    }

    fn topKCall(replay: *Replay, queries: []const f32, query_count: u32, case: TopKCase, rows: PlacedRows, index: []i32, score: []f32) c_int {
        assert(index.len == @as(usize, query_count) * case.k and score.len == index.len);
        @memset(index, -1);
        @memset(score, std.math.nan(f32));
        return engram_cosine_topk(replay.arena, queries.ptr, query_count, case.dimensions, rows.matrix, 0, case.rows, rows.norms, case.k, index.ptr, score.ptr);
    }

    fn spread(replay: *Replay, allocator: std.mem.Allocator) !void {
        const case = try SpreadCase.parse(&replay.tokens, allocator);
        try replay.spreadDense(allocator, case);
        try replay.spreadSparse(allocator, case);
    }

    fn spreadDense(replay: *Replay, allocator: std.mem.Allocator, case: SpreadCase) !void {
        const check = Check.spread;
        const nodes = case.nodes;
        replay.tally(check).cases += 1;
        const activation = try allocator.alloc(f32, nodes);
        const first_hop = try allocator.alloc(i32, nodes);
        var count: u32 = undefined;
        for (shifts) |shift| {
            @memset(activation, std.math.nan(f32));
            @memset(first_hop, std.math.maxInt(i32));
            const status = replay.spreadCall(allocator, case, shift, .{
                .mode = spread_dense,
                .capacity = 0,
                .nodes = null,
                .activation = activation.ptr,
                .first_hop = first_hop.ptr,
                .reached_count = &count,
            });
            if (!replay.statusOk(check, try status)) return;
            replay.judge(check, checkSpread(activation, first_hop, count, case, &replay.tally(check).max_error), shift);
        }
        if (nodes > 0) {
            activation[0] = @bitCast(@as(u32, @bitCast(activation[0])) ^ 1);
        } else {
            count += 1;
        }
        var ignored: f64 = 0;
        replay.judgePlanted(check, checkSpread(activation, first_hop, count, case, &ignored));
    }

    /// Sparse mode, with room for every node and for half the reached ones,
    /// judged against the stored dense expectations in activation order.
    fn spreadSparse(replay: *Replay, allocator: std.mem.Allocator, case: SpreadCase) !void {
        const check = Check.spread_sparse;
        replay.tally(check).cases += 1;
        const order = try activationOrder(allocator, case);
        for ([_]u32{ case.nodes, case.expect_count / 2 }) |capacity| {
            const out = try SparseOut.init(allocator, capacity);
            var count: u32 = undefined;
            for (shifts) |shift| {
                out.fill();
                const status = replay.spreadCall(allocator, case, shift, .{
                    .mode = spread_sparse,
                    .capacity = capacity,
                    .nodes = out.node.ptr,
                    .activation = out.activation.ptr,
                    .first_hop = out.first_hop.ptr,
                    .reached_count = &count,
                });
                if (!replay.statusOk(check, try status)) return;
                replay.judge(check, out.check(count, order, case, &replay.tally(check).max_error), shift);
            }
            if (@min(capacity, count) >= 1) {
                out.activation[0] = @bitCast(@as(u32, @bitCast(out.activation[0])) ^ 1);
            } else {
                count += 1;
            }
            var ignored: f64 = 0;
            replay.judgePlanted(check, out.check(count, order, case, &ignored));
        }
    }

    fn spreadCall(replay: *Replay, allocator: std.mem.Allocator, case: SpreadCase, shift: usize, out: SpreadOut) !c_int {
        return engram_spread(
            replay.arena,
            case.nodes,
            case.targets.len,
            case.offsets.ptr,
            case.targets.ptr,
            case.weights.ptr,
            (try place(allocator, case.seed_nodes, shift)).ptr,
            (try place(allocator, case.seed_activations, shift)).ptr,
            @intCast(case.seed_nodes.len),
            &case.params,
            out.mode,
            out.capacity,
            out.nodes,
            out.activation,
            out.first_hop,
            out.reached_count,
        );
    }

    fn decay(replay: *Replay, allocator: std.mem.Allocator) !void {
        const case = try DecayCase.parse(&replay.tokens, allocator);
        try replay.decayPlain(allocator, case);
        try replay.decayGather(allocator, case);
    }

    fn decayPlain(replay: *Replay, allocator: std.mem.Allocator, case: DecayCase) !void {
        const check = Check.decay;
        const count = case.strength.len;
        replay.tally(check).cases += 1;
        for (shifts) |shift| {
            // Out of place, then in place: `out` may be `strength` itself.
            for ([_]bool{ false, true }) |in_place| {
                const input = try place(allocator, case.strength, shift);
                const out = if (in_place) input else try allocator.alloc(f32, count);
                const status = engram_decay(
                    replay.arena,
                    input.ptr,
                    (try place(allocator, case.age_seconds, shift)).ptr,
                    if (case.access_count) |counts| (try place(allocator, counts, shift)).ptr else null,
                    count,
                    &case.params,
                    out.ptr,
                );
                if (!replay.statusOk(check, status)) return;
                replay.judge(check, checkDecay(out, case.expect, &replay.tally(check).max_error), shift);
                if (in_place and shift == 0) {
                    if (firstNormal(out)) |i| {
                        out[i] *= 1 + 4e-6;
                        var ignored: f64 = 0;
                        replay.judgePlanted(check, checkDecay(out, case.expect, &ignored));
                    }
                }
            }
        }
    }

    /// The memories gathered in a shuffled order with repeats, each aged
    /// `0 - (-age)`: exactly its stored age, in f64.
    fn decayGather(replay: *Replay, allocator: std.mem.Allocator, case: DecayCase) !void {
        const check = Check.decay_gather;
        const count = case.strength.len;
        replay.tally(check).cases += 1;
        const last_access = try allocator.alloc(f64, count);
        for (last_access, case.age_seconds) |*last, age| last.* = -@as(f64, age);
        const indices = try gatherIndices(allocator, count);
        const expect = try allocator.alloc(f32, count);
        for (expect, indices) |*e, m| e.* = case.expect[@intCast(m)];
        const out = try allocator.alloc(f32, count);
        for (shifts) |shift| {
            @memset(out, std.math.nan(f32));
            const status = engram_decay_gather(
                replay.arena,
                (try place(allocator, indices, shift)).ptr,
                count,
                count,
                (try place(allocator, case.strength, shift)).ptr,
                (try place(allocator, last_access, shift)).ptr,
                if (case.access_count) |counts| (try place(allocator, counts, shift)).ptr else null,
                0,
                &case.params,
                out.ptr,
            );
            if (!replay.statusOk(check, status)) return;
            replay.judge(check, checkDecay(out, expect, &replay.tally(check).max_error), shift);
        }
        if (firstNormal(out)) |i| {
            out[i] *= 1 + 4e-6;
            var ignored: f64 = 0;
            replay.judgePlanted(check, checkDecay(out, expect, &ignored));
        }
    }
};

const CosineCase = struct {
    dimensions: u32,
    rows: u32,
    query: []const f32,
    matrix: []const f32,
    norms: ?[]const f32,
    expect: []const f32,
};

const TopKCase = struct {
    dimensions: u32,
    rows: u32,
    k: u32,
    query: []const f32,
    matrix: []const f32,
    norms: ?[]const f32,
    scores: []const f32,
    expect_index: []const i32,
    expect_score: []const f32,
};

/// A case's matrix and norms as placed for one run.
const PlacedRows = struct {
    matrix: [*]const f32,
    norms: ?[*]const f32,
};

/// The reference's top `k` of rows `first_row..`: its stored scores in the
/// contract's order, which is how the reference ranks them.
fn rankedByStoredScores(allocator: std.mem.Allocator, scores: []const f32, first_row: u32, k: u32) !TopK {
    assert(first_row < scores.len);
    assert(k >= 1 and k <= scores.len - first_row);
    const ranked = try allocator.alloc(i32, scores.len - first_row);
    for (ranked, first_row..) |*row, i| row.* = @intCast(i);
    std.sort.pdq(i32, ranked, scores, struct {
        fn lessThan(row_scores: []const f32, a: i32, b: i32) bool {
            return ranksBefore(row_scores[@intCast(a)], a, row_scores[@intCast(b)], b);
        }
    }.lessThan);
    const score = try allocator.alloc(f32, k);
    for (score, ranked[0..k]) |*s, row| s.* = scores[@intCast(row)];
    return .{ .index = ranked[0..k], .score = score, .row_scores = scores, .first_row = first_row };
}

/// Query `q`'s part of a batch against the same query's call alone: bit for bit.
fn checkIdentical(q: usize, batch_index: []const i32, batch_score: []const f32, single_index: []const i32, single_score: []const f32) ?Mismatch {
    assert(batch_index.len == single_index.len and batch_score.len == single_score.len);
    assert(batch_index.len == batch_score.len);
    for (batch_index, batch_score, single_index, single_score, 0..) |bi, bs, si, ss, i| {
        const batch_bits: u32 = @bitCast(bs);
        const single_bits: u32 = @bitCast(ss);
        if (bi != si or batch_bits != single_bits) {
            return Mismatch.init("query {d} of the batch, position {d}: (row {d}, 0x{x:0>8}); alone: (row {d}, 0x{x:0>8});" ++
                " a batch must give each query its lone result bit for bit", .{ q, i, bi, batch_bits, si, single_bits });
        }
    }
    return null;
}

const SpreadCase = struct {
    nodes: u32,
    offsets: []const i32,
    targets: []const i32,
    weights: []const f32,
    seed_nodes: []const i32,
    seed_activations: []const f32,
    params: ffi.SpreadParams,
    expect_activation: []const f32,
    expect_first_hop: []const i32,
    expect_count: u32,

    fn parse(tokens: *Tokens, allocator: std.mem.Allocator) !SpreadCase {
        const nodes = try tokens.field("nodes", u32);
        const offsets = try tokens.array(allocator, "offsets", i32, @as(usize, nodes) + 1);
        const edges = std.math.cast(usize, offsets[nodes]) orelse return tokens.fail("offsets[{d}] is negative", .{nodes});
        const targets = try tokens.array(allocator, "targets", i32, edges);
        const weights = try tokens.array(allocator, "weights", f32, edges);
        // The library re-checks only what it follows, so the harness checks the graph whole, first.
        if (!validGraph(offsets, targets, weights)) return tokens.fail("the graph is not valid CSR", .{});
        const seed_nodes = try tokens.array(allocator, "seed_nodes", i32, null);
        const seed_activations = try tokens.array(allocator, "seed_activations", f32, seed_nodes.len);
        const max_depth = try tokens.field("max_depth", u32);
        const threshold = try tokens.field("threshold", f32);
        var params = ffi.SpreadParams{
            .max_depth = max_depth,
            .refractory_hops = 0,
            .threshold = threshold,
            .reserved = 0,
            .hop_factors = [_]f32{0} ** 32,
        };
        if (max_depth < 1 or max_depth > params.hop_factors.len) {
            return tokens.fail("max_depth {d} is outside 1..{d}", .{ max_depth, params.hop_factors.len });
        }
        const hop_factors = try tokens.array(allocator, "hop_factors", f32, max_depth);
        @memcpy(params.hop_factors[0..hop_factors.len], hop_factors);
        params.refractory_hops = try tokens.field("refractory_hops", u32);
        return .{
            .nodes = nodes,
            .offsets = offsets,
            .targets = targets,
            .weights = weights,
            .seed_nodes = seed_nodes,
            .seed_activations = seed_activations,
            .params = params,
            .expect_activation = try tokens.array(allocator, "expect_activation", f32, nodes),
            .expect_first_hop = try tokens.array(allocator, "expect_first_hop", i32, nodes),
            .expect_count = try tokens.field("expect_count", u32),
        };
    }
};

const SpreadOut = struct {
    mode: u32,
    capacity: u32,
    nodes: ?[*]i32,
    activation: [*]f32,
    first_hop: [*]i32,
    reached_count: *u32,
};

/// The stored reached nodes (first hop not -1) in activation order: by
/// first hop, then node id.
fn activationOrder(allocator: std.mem.Allocator, case: SpreadCase) ![]i32 {
    var order = std.ArrayList(i32).init(allocator);
    const depth_max = @typeInfo(std.meta.fieldInfo(ffi.SpreadParams, .hop_factors).type).Array.len;
    for (0..depth_max + 1) |hop| {
        for (case.expect_first_hop, 0..) |first_hop, node| {
            if (first_hop == hop) try order.append(@intCast(node));
        }
    }
    return order.items;
}

/// A sparse output of `capacity` entries, and `sparse_guard` entries after
/// them that the kernel must not write.
const SparseOut = struct {
    const sentinel_node: i32 = -7;
    const sentinel_activation: f32 = -3.5;
    const sentinel_hop: i32 = -9;

    node: []i32,
    activation: []f32,
    first_hop: []i32,
    capacity: u32,

    fn init(allocator: std.mem.Allocator, capacity: u32) !SparseOut {
        const len = @as(usize, capacity) + sparse_guard;
        return .{
            .node = try allocator.alloc(i32, len),
            .activation = try allocator.alloc(f32, len),
            .first_hop = try allocator.alloc(i32, len),
            .capacity = capacity,
        };
    }

    fn fill(out: SparseOut) void {
        @memset(out.node, sentinel_node);
        @memset(out.activation, sentinel_activation);
        @memset(out.first_hop, sentinel_hop);
    }

    /// The first `min(capacity, reached)` entries are the stored reached
    /// nodes in activation order, bit for bit; no entry after them is written.
    fn check(out: SparseOut, count: u32, order: []const i32, case: SpreadCase, max_ulps: *f64) ?Mismatch {
        assert(out.node.len == @as(usize, out.capacity) + sparse_guard);
        if (count != case.expect_count) return Mismatch.init("reached count {d}, expected {d}", .{ count, case.expect_count });
        if (order.len != case.expect_count) return Mismatch.init("the corpus has {d} nodes with a first hop, and a count of {d}", .{ order.len, case.expect_count });
        const written = @min(out.capacity, order.len);
        for (order[0..written], 0..) |node_id, i| {
            const node: usize = @intCast(node_id);
            if (out.node[i] != node_id) return Mismatch.init("entry {d} is node {d}, expected node {d}", .{ i, out.node[i], node_id });
            if (activationMismatch(i, out.activation[i], case.expect_activation[node], max_ulps)) |mismatch| return mismatch;
            if (out.first_hop[i] != case.expect_first_hop[node]) {
                return Mismatch.init("entry {d} (node {d}): first hop {d}, expected {d}", .{ i, node_id, out.first_hop[i], case.expect_first_hop[node] });
            }
        }
        for (written..out.node.len) |i| {
            const untouched = out.node[i] == sentinel_node and out.activation[i] == sentinel_activation and out.first_hop[i] == sentinel_hop;
            if (!untouched) return Mismatch.init("entry {d} was written, past the {d} the kernel may write", .{ i, written });
        }
        return null;
    }
};

const DecayCase = struct {
    params: ffi.DecayParams,
    strength: []const f32,
    age_seconds: []const f32,
    access_count: ?[]const i32,
    expect: []const f32,

    fn parse(tokens: *Tokens, allocator: std.mem.Allocator) !DecayCase {
        var params = std.mem.zeroes(ffi.DecayParams);
        try tokens.expect("curve");
        const curve_name = try tokens.word();
        const curve = std.meta.stringToEnum(ffi.DecayCurve, curve_name) orelse {
            return tokens.fail("unknown curve '{s}'", .{curve_name});
        };
        params.curve = @intFromEnum(curve);
        switch (curve) {
            .exponential => params.half_life_seconds = try tokens.bits(f64),
            .power_law => {
                params.power_scale_seconds = try tokens.bits(f64);
                params.power_beta = try tokens.bits(f64);
            },
            .two_component => {
                params.tau_seconds = try tokens.bits(f64);
                params.neocortical_scale_seconds = try tokens.bits(f64);
                params.neocortical_beta = try tokens.bits(f64);
                params.consolidation_access_count = try tokens.integer(i32);
            },
            .ebbinghaus => {
                params.ebbinghaus_k = try tokens.bits(f64);
                params.ebbinghaus_c = try tokens.bits(f64);
            },
        }
        params.floor = try tokens.field("floor", f32);
        const count = try tokens.field("count", u32);
        return .{
            .params = params,
            .strength = try tokens.array(allocator, "strength", f32, count),
            .age_seconds = try tokens.array(allocator, "age_seconds", f32, count),
            .access_count = try tokens.optionalArray(allocator, "access_count", i32, count),
            .expect = try tokens.array(allocator, "expect", f32, count),
        };
    }
};

/// A permutation of 0..count-1 (steps of a stride prime to the count), with
/// every seventh index a repeat of the one three before it.
fn gatherIndices(allocator: std.mem.Allocator, count: usize) ![]i32 {
    const indices = try allocator.alloc(i32, count);
    var stride: usize = 7919;
    while (count > 0 and std.math.gcd(stride, count) != 1) stride += 2;
    for (indices, 0..) |*index, i| index.* = @intCast((i * stride + 13) % count);
    for (indices, 0..) |*index, i| {
        if (i % 7 == 6) index.* = indices[i - 3];
    }
    for (indices) |index| assert(index >= 0 and index < count);
    return indices;
}
/// The invariants `CsrGraph` establishes: offsets from 0 to the edge count,
/// never decreasing; targets nodes of the graph; weights in [0, 1].
fn validGraph(offsets: []const i32, targets: []const i32, weights: []const f32) bool {
    assert(offsets.len >= 1);
    assert(targets.len == weights.len);
    const node_count = offsets.len - 1;
    if (offsets[0] != 0 or offsets[node_count] != targets.len) return false;
    for (offsets[0..node_count], offsets[1..]) |begin, end| {
        if (end < begin) return false;
    }
    for (targets, weights) |target, weight| {
        if (target < 0 or target >= node_count or !(weight >= 0 and weight <= 1)) return false;
    }
    return true;
}

/// Writes one line to stderr in a single write, cut short if it is too long.
fn report(comptime format: []const u8, args: anytype) void {
    var buffer: [640]u8 = undefined;
    const line = std.fmt.bufPrint(&buffer, format, args) catch buffer[0..];
    std.io.getStdErr().writeAll(line) catch {};
}

/// A copy of `values` starting `shift` elements into a fresh buffer.
fn place(allocator: std.mem.Allocator, values: anytype, shift: usize) ![]@TypeOf(values[0]) {
    const T = @TypeOf(values[0]);
    assert(shift < 16);
    const buffer = try allocator.alloc(T, shift + values.len);
    @memcpy(buffer[shift..], values);
    return buffer[shift..];
}

fn firstFinite(values: []const f32) ?usize {
    for (values, 0..) |value, i| {
        if (std.math.isFinite(value)) return i;
    }
    return null;
}

fn firstNormal(values: []const f32) ?usize {
    for (values, 0..) |value, i| {
        if (std.math.isNormal(value)) return i;
    }
    return null;
}

/// NaN where expected is NaN, and only there; else within `cosine_tolerance`.
fn checkScores(what: []const u8, got: []const f32, expected: []const f32, max_error: *f64) ?Mismatch {
    assert(got.len == expected.len);
    for (got, expected, 0..) |g, e, i| {
        if (std.math.isNan(g) or std.math.isNan(e)) {
            if (std.math.isNan(g) != std.math.isNan(e)) return nanMismatch(what, i, g, e);
            continue;
        }
        const difference = @abs(@as(f64, g) - @as(f64, e));
        max_error.* = @max(max_error.*, difference);
        if (difference > cosine_tolerance) {
            return Mismatch.init("{s}[{d}] = {e} (0x{x:0>8}), expected {e}: error {e:.2} > {e}", .{
                what, i, g, @as(u32, @bitCast(g)), e, difference, cosine_tolerance,
            });
        }
    }
    return null;
}

fn nanMismatch(what: []const u8, index: usize, got: f32, expected: f32) Mismatch {
    return Mismatch.init("{s}[{d}] = {e}, expected {e}: NaN must give NaN, and only NaN", .{ what, index, got, expected });
}

/// The expected top k and every row's expected score, to judge an answer by
/// the contract's rule (as `Checks.topK` on the Java side), over the rows
/// from `first_row` on.
const TopK = struct {
    index: []const i32,
    score: []const f32,
    row_scores: []const f32,
    first_row: u32,

    fn check(expected: TopK, allocator: std.mem.Allocator, index: []const i32, score: []const f32, max_error: *f64) !?Mismatch {
        assert(index.len == expected.index.len and score.len == index.len);
        assert(index.len >= 1);
        const rows = expected.row_scores.len;
        const seen = try allocator.alloc(bool, rows);
        defer allocator.free(seen);
        @memset(seen, false);
        for (index, score, 0..) |row_id, row_score, i| {
            const row = std.math.cast(usize, row_id) orelse rows;
            if (row < expected.first_row or row >= rows or seen[row]) {
                return Mismatch.init("index[{d}] = {d} is not a row of {d}..{d} or is repeated", .{ i, row_id, expected.first_row, rows - 1 });
            }
            seen[row] = true;
            var score_error: f64 = 0;
            if (checkScores("score", &.{row_score}, expected.row_scores[row..][0..1], &score_error)) |mismatch| {
                return Mismatch.init("position {d}, row {d}: {s}", .{ i, row_id, mismatch.text() });
            }
            max_error.* = @max(max_error.*, score_error);
            if (i > 0 and !ranksBefore(score[i - 1], index[i - 1], row_score, row_id)) {
                return Mismatch.init("out of order at positions {d}..{d}: (row {d}, {e}) then (row {d}, {e});" ++
                    " the order is score descending, then index ascending", .{ i - 1, i, index[i - 1], score[i - 1], row_id, row_score });
            }
        }
        for (index, expected.index, 0..) |got_row, expected_row, i| {
            if (got_row == expected_row) continue;
            const a = expected.row_scores[@intCast(got_row)];
            const b = expected.row_scores[@intCast(expected_row)];
            if (!(@abs(@as(f64, a) - @as(f64, b)) <= topk_tie_window)) {
                return Mismatch.init("position {d} holds row {d} (score {e}) where the reference has row {d} (score {e});" ++
                    " only rows within {e} of each other may trade places", .{ i, got_row, a, expected_row, b, topk_tie_window });
            }
        }
        // A row in one list only must score within the tie window of the k-th score.
        const kth: f64 = expected.score[expected.score.len - 1];
        for (expected.index) |row| seen[@intCast(row)] = !seen[@intCast(row)];
        for (seen, 0..) |in_one_list_only, row| {
            if (in_one_list_only and !(@abs(@as(f64, expected.row_scores[row]) - kth) <= topk_tie_window)) {
                return Mismatch.init("row {d} (score {e}) is in one top {d} only, and not within {e} of the k-th score {e}", .{
                    row, expected.row_scores[row], index.len, topk_tie_window, kth,
                });
            }
        }
        return null;
    }
};

/// The contract's order: score descending (NaN last), then index ascending.
fn ranksBefore(score_a: f32, index_a: i32, score_b: f32, index_b: i32) bool {
    const a_is_nan = std.math.isNan(score_a);
    const b_is_nan = std.math.isNan(score_b);
    if (a_is_nan != b_is_nan) return b_is_nan;
    if (!a_is_nan and score_a != score_b) return score_a > score_b;
    return index_a < index_b;
}

/// The dense result against the case's stored expectations, bit for bit.
fn checkSpread(activation: []const f32, first_hop: []const i32, count: u32, case: SpreadCase, max_ulps: *f64) ?Mismatch {
    assert(activation.len == case.expect_activation.len);
    assert(first_hop.len == case.expect_first_hop.len);
    for (activation, case.expect_activation, 0..) |got, expected, v| {
        if (activationMismatch(v, got, expected, max_ulps)) |mismatch| return mismatch;
    }
    for (first_hop, case.expect_first_hop, 0..) |got, expected, v| {
        if (got != expected) return Mismatch.init("first_hop[{d}] = {d}, expected {d}", .{ v, got, expected });
    }
    if (count != case.expect_count) return Mismatch.init("activated count {d}, expected {d}", .{ count, case.expect_count });
    return null;
}

fn activationMismatch(index: usize, got: f32, expected: f32, max_ulps: *f64) ?Mismatch {
    const got_bits: u32 = @bitCast(got);
    const expected_bits: u32 = @bitCast(expected);
    if (got_bits == expected_bits) return null;
    // The distance in float32 steps (exact for values of one sign, as activations are).
    const ulps = @as(i64, got_bits) - @as(i64, expected_bits);
    max_ulps.* = @max(max_ulps.*, @as(f64, @floatFromInt(@abs(ulps))));
    return Mismatch.init("activation[{d}] = {e} (0x{x:0>8}), expected {e} (0x{x:0>8}): spreading must be bit-identical", .{
        index, got, got_bits, expected, expected_bits,
    });
}

/// Within `decay_tolerance` of the expected value, relative to it (to the
/// least normal float32 below that: subnormal results carry fewer bits).
fn checkDecay(got: []const f32, expected: []const f32, max_error: *f64) ?Mismatch {
    assert(got.len == expected.len);
    for (got, expected, 0..) |g, e, i| {
        if (std.math.isNan(g) or std.math.isNan(e)) {
            if (std.math.isNan(g) != std.math.isNan(e)) return nanMismatch("out", i, g, e);
            continue;
        }
        const scale = @max(@abs(@as(f64, e)), std.math.floatMin(f32));
        const relative = @abs(@as(f64, g) - @as(f64, e)) / scale;
        max_error.* = @max(max_error.*, relative);
        if (relative > decay_tolerance) {
            return Mismatch.init("out[{d}] = {e} (0x{x:0>8}), expected {e}: relative error {e:.2} > {e}", .{
                i, g, @as(u32, @bitCast(g)), e, relative, decay_tolerance,
            });
        }
    }
    return null;
}
