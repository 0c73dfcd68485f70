//! Replays the regression corpus (`zig/corpus/*.txt`, format in
//! `zig/corpus/README.md`) on the kernels of the target it is compiled for,
//! through the C ABI of ffi.zig exactly as the Java side calls it, and checks
//! each result against the expectations the Java reference stored: cosine
//! within 1e-6 absolute, top-k by the contract's tie rule, spreading
//! bit-identical, decay within 1e-6 relative. `zig build test` runs it for
//! every library target the machine executes, aarch64 under qemu-aarch64.
//!
//! To show that its checks still bite, it also plants one error in each
//! result (a score 2e-6 off, two entries swapped, one bit flipped, a strength
//! 4e-6 off) and requires the check to reject it.
//!
//! Prints one line per kernel: cases run, the largest error, planted errors
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
const engram_cosine = ffi.engram_cosine;
const engram_cosine_topk = ffi.engram_cosine_topk;
const engram_spread = ffi.engram_spread;
const engram_decay = ffi.engram_decay;

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

const status_ok: c_int = @intFromEnum(ffi.Status.ok);

const Kernel = enum {
    cosine,
    topk,
    spread,
    decay,

    fn errorName(kernel: Kernel) []const u8 {
        return switch (kernel) {
            .cosine => "max abs error",
            .topk => "max abs score error",
            .spread => "max ulp difference",
            .decay => "max rel error",
        };
    }
};

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

/// Replays the file of `kernel` and prints its summary line; false on any failure.
fn replayFile(allocator: std.mem.Allocator, dir: std.fs.Dir, dir_name: []const u8, kernel: Kernel) !bool {
    var name_buffer: [16]u8 = undefined;
    const file_name = try std.fmt.bufPrint(&name_buffer, "{s}.txt", .{@tagName(kernel)});
    const text = dir.readFileAlloc(allocator, file_name, file_bytes_max) catch |err| {
        report("corpus {s}: cannot read {s}/{s}: {s}\n", .{ @tagName(kernel), dir_name, file_name, @errorName(err) });
        return false;
    };
    defer allocator.free(text);
    var replay = Replay{ .kernel = kernel, .tokens = .{ .text = text, .file = file_name } };
    replay.run(allocator) catch |err| {
        report("corpus {s} {s}: stopped at {s}:{d}: {s}\n", .{ @tagName(kernel), @tagName(simd.isa), file_name, replay.tokens.line, @errorName(err) });
        replay.failures += 1;
    };
    return replay.printSummary();
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

/// The replay of one kernel's file, with its tallies.
const Replay = struct {
    kernel: Kernel,
    tokens: Tokens,
    cases: u32 = 0,
    failures: u32 = 0,
    planted_caught: u32 = 0,
    max_error: f64 = 0,
    case_name: []const u8 = "",

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
            replay.cases += 1;
            _ = arena.reset(.retain_capacity);
        }
    }

    /// Prints `corpus KERNEL ISA: N cases, ERROR, P planted errors caught`; false on any failure.
    fn printSummary(replay: *const Replay) !bool {
        // One write per line: the harnesses of several targets run at once.
        var line_buffer: [256]u8 = undefined;
        var line = std.io.fixedBufferStream(&line_buffer);
        const writer = line.writer();
        try writer.print("corpus {s} {s}: {d} cases, {s} ", .{
            @tagName(replay.kernel), @tagName(simd.isa), replay.cases, replay.kernel.errorName(),
        });
        if (replay.max_error == 0) try writer.writeByte('0') else try writer.print("{e:.2}", .{replay.max_error});
        try writer.print(", {d} planted errors caught", .{replay.planted_caught});
        if (replay.cases < cases_min) try writer.print(", FAILED: fewer than {d} cases", .{cases_min});
        if (replay.failures > 0) try writer.print(", FAILED: {d} failures (above)", .{replay.failures});
        try writer.writeByte('\n');
        try std.io.getStdOut().writeAll(line.getWritten());
        return replay.cases >= cases_min and replay.failures == 0;
    }

    /// Records the outcome of one check of a real result.
    fn judge(replay: *Replay, mismatch: ?Mismatch, shift: usize) void {
        const found = mismatch orelse return;
        replay.failures += 1;
        report("corpus {s} {s}: case '{s}' (inputs at element {d}): {s}\n", .{
            @tagName(replay.kernel), @tagName(simd.isa), replay.case_name, shift, found.text(),
        });
    }

    /// Records the outcome of a check of a result with an error planted in it: it must fail.
    fn judgePlanted(replay: *Replay, mismatch: ?Mismatch) void {
        if (mismatch != null) {
            replay.planted_caught += 1;
            return;
        }
        replay.failures += 1;
        report("corpus {s} {s}: case '{s}': the check let a planted error through\n", .{
            @tagName(replay.kernel), @tagName(simd.isa), replay.case_name,
        });
    }

    fn cosine(replay: *Replay, allocator: std.mem.Allocator) !void {
        const tokens = &replay.tokens;
        const dimensions = try tokens.field("dimensions", u32);
        const rows = try tokens.field("rows", u32);
        const query = try tokens.array(allocator, "query", f32, dimensions);
        const matrix = try tokens.array(allocator, "matrix", f32, @as(usize, rows) * dimensions);
        const norms = try tokens.optionalArray(allocator, "norms", f32, rows);
        const expect = try tokens.array(allocator, "expect", f32, rows);
        const out = try allocator.alloc(f32, rows);
        for (shifts) |shift| {
            @memset(out, std.math.nan(f32));
            const status = engram_cosine(
                (try place(allocator, query, shift)).ptr,
                dimensions,
                (try place(allocator, matrix, shift)).ptr,
                rows,
                if (norms) |given| (try place(allocator, given, shift)).ptr else null,
                out.ptr,
            );
            if (status != status_ok) return replay.statusFailure(status);
            replay.judge(checkScores("out", out, expect, &replay.max_error), shift);
        }
        if (firstFinite(out)) |i| {
            out[i] += 2e-6;
            var ignored: f64 = 0;
            replay.judgePlanted(checkScores("out", out, expect, &ignored));
        }
    }

    fn topK(replay: *Replay, allocator: std.mem.Allocator) !void {
        const tokens = &replay.tokens;
        const dimensions = try tokens.field("dimensions", u32);
        const rows = try tokens.field("rows", u32);
        const k = try tokens.field("k", u32);
        const query = try tokens.array(allocator, "query", f32, dimensions);
        const matrix = try tokens.array(allocator, "matrix", f32, @as(usize, rows) * dimensions);
        const norms = try tokens.optionalArray(allocator, "norms", f32, rows);
        const scores = try tokens.array(allocator, "scores", f32, rows);
        const expect_index = try tokens.array(allocator, "expect_index", i32, k);
        const expect_score = try tokens.array(allocator, "expect_score", f32, k);
        if (k < 1 or k > rows) return tokens.fail("k {d} is outside 1..{d}", .{ k, rows });
        for (expect_index) |row| {
            if (row < 0 or row >= rows) return tokens.fail("expect_index holds {d}, not a row of {d}", .{ row, rows });
        }
        const index = try allocator.alloc(i32, k);
        const score = try allocator.alloc(f32, k);
        const expected = TopK{ .index = expect_index, .score = expect_score, .row_scores = scores };
        for (shifts) |shift| {
            @memset(index, -1);
            @memset(score, std.math.nan(f32));
            const status = engram_cosine_topk(
                (try place(allocator, query, shift)).ptr,
                dimensions,
                (try place(allocator, matrix, shift)).ptr,
                rows,
                if (norms) |given| (try place(allocator, given, shift)).ptr else null,
                k,
                index.ptr,
                score.ptr,
            );
            if (status != status_ok) return replay.statusFailure(status);
            replay.judge(try expected.check(allocator, index, score, &replay.max_error), shift);
        }
        var ignored: f64 = 0;
        if (k >= 2) {
            std.mem.swap(i32, &index[0], &index[1]);
            std.mem.swap(f32, &score[0], &score[1]);
            replay.judgePlanted(try expected.check(allocator, index, score, &ignored));
        } else if (!std.math.isNan(score[0])) {
            score[0] += 2e-6;
            replay.judgePlanted(try expected.check(allocator, index, score, &ignored));
        }
    }

    fn spread(replay: *Replay, allocator: std.mem.Allocator) !void {
        const tokens = &replay.tokens;
        const nodes = try tokens.field("nodes", u32);
        const offsets = try tokens.array(allocator, "offsets", i32, @as(usize, nodes) + 1);
        const edges = std.math.cast(usize, offsets[nodes]) orelse return tokens.fail("offsets[{d}] is negative", .{nodes});
        const targets = try tokens.array(allocator, "targets", i32, edges);
        const weights = try tokens.array(allocator, "weights", f32, edges);
        // The library trusts the graph (the Java side validates it once), so the harness does too, first.
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
        const expect_activation = try tokens.array(allocator, "expect_activation", f32, nodes);
        const expect_first_hop = try tokens.array(allocator, "expect_first_hop", i32, nodes);
        const expect_count = try tokens.field("expect_count", u32);

        const activation = try allocator.alloc(f32, nodes);
        const first_hop = try allocator.alloc(i32, nodes);
        var count: u32 = undefined;
        for (shifts) |shift| {
            @memset(activation, std.math.nan(f32));
            @memset(first_hop, std.math.maxInt(i32));
            const status = engram_spread(
                nodes,
                offsets.ptr,
                targets.ptr,
                weights.ptr,
                (try place(allocator, seed_nodes, shift)).ptr,
                (try place(allocator, seed_activations, shift)).ptr,
                @intCast(seed_nodes.len),
                &params,
                activation.ptr,
                first_hop.ptr,
                &count,
            );
            if (status != status_ok) return replay.statusFailure(status);
            replay.judge(checkSpread(activation, first_hop, count, expect_activation, expect_first_hop, expect_count, &replay.max_error), shift);
        }
        if (nodes > 0) {
            activation[0] = @bitCast(@as(u32, @bitCast(activation[0])) ^ 1);
        } else {
            count += 1;
        }
        var ignored: f64 = 0;
        replay.judgePlanted(checkSpread(activation, first_hop, count, expect_activation, expect_first_hop, expect_count, &ignored));
    }

    fn decay(replay: *Replay, allocator: std.mem.Allocator) !void {
        const tokens = &replay.tokens;
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
        const strength = try tokens.array(allocator, "strength", f32, count);
        const age_seconds = try tokens.array(allocator, "age_seconds", f32, count);
        const access_count = try tokens.optionalArray(allocator, "access_count", i32, count);
        const expect = try tokens.array(allocator, "expect", f32, count);

        for (shifts) |shift| {
            // Out of place, then in place: `out` may be `strength` itself.
            for ([_]bool{ false, true }) |in_place| {
                const input = try place(allocator, strength, shift);
                const out = if (in_place) input else try allocator.alloc(f32, count);
                const status = engram_decay(
                    input.ptr,
                    (try place(allocator, age_seconds, shift)).ptr,
                    if (access_count) |counts| (try place(allocator, counts, shift)).ptr else null,
                    count,
                    &params,
                    out.ptr,
                );
                if (status != status_ok) return replay.statusFailure(status);
                replay.judge(checkDecay(out, expect, &replay.max_error), shift);
                if (in_place and shift == 0) {
                    if (firstNormal(out)) |i| {
                        out[i] *= 1 + 4e-6;
                        var ignored: f64 = 0;
                        replay.judgePlanted(checkDecay(out, expect, &ignored));
                    }
                }
            }
        }
    }

    fn statusFailure(replay: *Replay, status: c_int) void {
        replay.failures += 1;
        report("corpus {s} {s}: case '{s}': the kernel returned status {d}, not 0\n", .{
            @tagName(replay.kernel), @tagName(simd.isa), replay.case_name, status,
        });
    }
};

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
/// the contract's rule (as `Checks.topK` on the Java side).
const TopK = struct {
    index: []const i32,
    score: []const f32,
    row_scores: []const f32,

    fn check(expected: TopK, allocator: std.mem.Allocator, index: []const i32, score: []const f32, max_error: *f64) !?Mismatch {
        assert(index.len == expected.index.len and score.len == index.len);
        assert(index.len >= 1);
        const rows = expected.row_scores.len;
        const seen = try allocator.alloc(bool, rows);
        defer allocator.free(seen);
        @memset(seen, false);
        for (index, score, 0..) |row_id, row_score, i| {
            const row = std.math.cast(usize, row_id) orelse rows;
            if (row >= rows or seen[row]) {
                return Mismatch.init("index[{d}] = {d} is not a row of {d} or is repeated", .{ i, row_id, rows });
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

fn checkSpread(
    activation: []const f32,
    first_hop: []const i32,
    count: u32,
    expect_activation: []const f32,
    expect_first_hop: []const i32,
    expect_count: u32,
    max_ulps: *f64,
) ?Mismatch {
    assert(activation.len == expect_activation.len);
    assert(first_hop.len == expect_first_hop.len);
    for (activation, expect_activation, 0..) |got, expected, v| {
        const got_bits: u32 = @bitCast(got);
        const expected_bits: u32 = @bitCast(expected);
        if (got_bits != expected_bits) {
            // The distance in float32 steps (exact for values of one sign, as activations are).
            const ulps = @as(i64, got_bits) - @as(i64, expected_bits);
            max_ulps.* = @max(max_ulps.*, @as(f64, @floatFromInt(@abs(ulps))));
            return Mismatch.init("activation[{d}] = {e} (0x{x:0>8}), expected {e} (0x{x:0>8}): spreading must be bit-identical", .{
                v, got, got_bits, expected, expected_bits,
            });
        }
    }
    for (first_hop, expect_first_hop, 0..) |got, expected, v| {
        if (got != expected) return Mismatch.init("first_hop[{d}] = {d}, expected {d}", .{ v, got, expected });
    }
    if (count != expect_count) return Mismatch.init("activated count {d}, expected {d}", .{ count, expect_count });
    return null;
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
