//! Memory decay: each strength times the retention of its age under one of
//! four forgetting curves, kept above a floor. Computed in f64 lanes, with
//! exp2 and log2 of its own (`exp2Block`, `log2Block`): no maths call per
//! memory.

const std = @import("std");
const builtin = @import("builtin");
const simd = @import("simd.zig");

const assert = std.debug.assert;

pub const Curve = union(enum) {
    /// R = 2^(-t / half_life_seconds).
    exponential: struct { half_life_seconds: f64 },
    /// R = (1 + t / scale_seconds)^(-beta).
    power_law: struct { scale_seconds: f64, beta: f64 },
    /// Hippocampal exp(-t / tau_seconds) while the access count is below
    /// `consolidation_access_count`, neocortical power law after; no counts count as 0.
    two_component: struct {
        tau_seconds: f64,
        consolidation_access_count: i32,
        neocortical_scale_seconds: f64,
        neocortical_beta: f64,
    },
    /// R = k / (log10(t / 60)^c + k) from one minute on, 1 before.
    ebbinghaus: struct { k: f64, c: f64 },
};

pub const Params = struct {
    curve: Curve,
    floor: f32,
};

/// Most elements a Java memory segment of floats can hold.
pub const count_max: u64 = std.math.maxInt(i64) / @sizeOf(f32);

/// `out[i]` from `strength[i]` and `age_seconds[i]` by the value rule of
/// `valueOf`, `lanes` memories at a time in f64 lanes (`Block`). `out` may be
/// `strength` itself: each block is read before its output is written.
pub fn decay(
    strength: []const f32,
    age_seconds: []const f32,
    access_count: ?[]const i32,
    params: Params,
    out: []f32,
) void {
    assert(age_seconds.len == strength.len and out.len == strength.len);
    assert(access_count == null or access_count.?.len == strength.len);
    const prepared = Prepared.of(params, access_count != null);
    switch (prepared.kind) {
        inline else => |kind| if (prepared.divided)
            decayLoop(kind, true, prepared, strength, age_seconds, access_count, out)
        else
            decayLoop(kind, false, prepared, strength, age_seconds, access_count, out),
    }
}

fn decayLoop(
    comptime kind: Kind,
    comptime divided: bool,
    prepared: Prepared,
    strength: []const f32,
    age_seconds: []const f32,
    access_count: ?[]const i32,
    out: []f32,
) void {
    const n = strength.len;
    const whole = n - n % lanes;
    var i: usize = 0;
    while (i < whole) : (i += lanes) {
        const s: F32s = strength[i..][0..lanes].*;
        const t: F64s = @floatCast(@as(F32s, age_seconds[i..][0..lanes].*));
        const count: I32s = if (kind == .two_component) access_count.?[i..][0..lanes].* else @splat(0);
        out[i..][0..lanes].* = valueBlock(kind, divided, prepared, s, t, count);
    }
    if (whole == n) return;
    // The tail, padded to a whole block with memories of age 0. Each value
    // goes into its lane in a register: a copy into a buffer on the stack,
    // read back as one vector, would wait for the narrow stores to reach the
    // cache (a failed store forwarding), a fifth of a one-memory call.
    const rest = n - whole;
    var s: F32s = @splat(0);
    var t: F32s = @splat(0);
    var count: I32s = @splat(0);
    for (0..rest) |lane| {
        const here = lane_numbers == @as(U32s, @splat(@intCast(lane)));
        s = @select(f32, here, @as(F32s, @splat(strength[whole + lane])), s);
        t = @select(f32, here, @as(F32s, @splat(age_seconds[whole + lane])), t);
        if (kind == .two_component) count = @select(i32, here, @as(I32s, @splat(access_count.?[whole + lane])), count);
    }
    const block: [lanes]f32 = valueBlock(kind, divided, prepared, s, @floatCast(t), count);
    for (out[whole..], block[0..rest]) |*o, value| o.* = value;
}

/// The memories `decayGather` reads from: `strength.len` of them.
pub const Memories = struct {
    strength: []const f32,
    last_access_seconds: []const f64,
    access_count: ?[]const i32,

    fn count(memories: Memories) usize {
        assert(memories.last_access_seconds.len == memories.strength.len);
        assert(memories.access_count == null or memories.access_count.?.len == memories.strength.len);
        return memories.strength.len;
    }
};

/// `out[i]` from memory `indices[i]`, aged `now_seconds - last_access_seconds`
/// (in f64). Each index is checked as it is read, since the index buffer
/// belongs to the caller: one outside the memories fails with
/// `error.InvalidArgument`, leaving `out` unspecified. `out` must not
/// overlap the inputs.
pub fn decayGather(
    indices: []const i32,
    memories: Memories,
    now_seconds: f64,
    params: Params,
    out: []f32,
) error{InvalidArgument}!void {
    assert(indices.len == out.len);
    assert(out.len <= count_max);
    const prepared = Prepared.of(params, memories.access_count != null);
    switch (prepared.kind) {
        inline else => |kind| if (prepared.divided)
            try gatherLoop(kind, true, prepared, indices, memories, now_seconds, out)
        else
            try gatherLoop(kind, false, prepared, indices, memories, now_seconds, out),
    }
}

fn gatherLoop(
    comptime kind: Kind,
    comptime divided: bool,
    prepared: Prepared,
    indices: []const i32,
    memories: Memories,
    now_seconds: f64,
    out: []f32,
) error{InvalidArgument}!void {
    const memory_count = memories.count();
    var first: usize = 0;
    while (first < indices.len) : (first += lanes) {
        const rest = @min(lanes, indices.len - first);
        // Gathered into one block, padded with memories of age 0.
        var s = [_]f32{0} ** lanes;
        var t = [_]f64{0} ** lanes;
        var count = [_]i32{0} ** lanes;
        for (indices[first..][0..rest], 0..) |index, lane| {
            if (index < 0 or index >= memory_count) return error.InvalidArgument;
            const m: usize = @intCast(index);
            s[lane] = memories.strength[m];
            t[lane] = now_seconds - memories.last_access_seconds[m];
            if (kind == .two_component) count[lane] = memories.access_count.?[m];
        }
        const block: [lanes]f32 = valueBlock(kind, divided, prepared, s, t, count);
        @memcpy(out[first..][0..rest], block[0..rest]);
    }
}

/// Memories per block: two vector registers of f64 on every target (4, 8 or
/// 16), so that two independent chains of each polynomial are in flight.
const lanes = simd.f32_lanes;
const F64s = @Vector(lanes, f64);
const F32s = @Vector(lanes, f32);
const I32s = @Vector(lanes, i32);
const I64s = @Vector(lanes, i64);
const U64s = @Vector(lanes, u64);
const Bools = @Vector(lanes, bool);
const U32s = @Vector(lanes, u32);
/// 0, 1, ..., lanes - 1.
const lane_numbers: U32s = std.simd.iota(u32, lanes);

/// What the loop computes, decided once per call: a two-component curve
/// without access counts is one of its components throughout.
const Kind = enum { exponential, power_law, two_component, ebbinghaus };

/// The curve's constants in the form the blocks use, computed once per call.
const Prepared = struct {
    kind: Kind,
    floor: f64,
    /// exponential: y = t * exponent_factor (-1 / half-life, or -log2(e) / tau).
    exponent_factor: f64 = 0,
    /// power law: y = exponent_power * log2(1 + t / scale).
    scale: f64 = 1,
    exponent_power: f64 = 0,
    consolidation: i32 = 0,
    /// Ebbinghaus: R = k / (2^(c * log2(log10(t / 60))) + k).
    k: f64 = 1,
    c: f64 = 1,
    /// Whether t / scale (power law) or t / 60 (Ebbinghaus) is divided, as
    /// the definition does, or multiplied by the reciprocal, which is within
    /// 1.5 units of the last place of the quotient (the sum 1 + t / scale
    /// then within one unit of the definition's). A power law's y =
    /// -beta * log2(u) then moves by at most beta * 2^-52 / ln 2, so R by
    /// beta * 2.3e-16 relative: the product for beta up to 1e6. In
    /// Ebbinghaus's R = k / (L^c + k), L = log10(t / 60), one unit of t / 60
    /// moves L by 1e-16 absolute, so R by at most c / k * 1e-16 * L^(c - 1)
    /// relative, unbounded as L goes to 0 for c < 1: the product for c in
    /// [1, 1e6] and c / k up to 1e6. Elsewhere, the quotient.
    divided: bool = true,

    fn of(params: Params, counted: bool) Prepared {
        const floor: f64 = params.floor;
        return switch (params.curve) {
            .exponential => |c| .{ .kind = .exponential, .floor = floor, .exponent_factor = factor(-1, c.half_life_seconds) },
            .power_law => |c| .{ .kind = .power_law, .floor = floor, .scale = c.scale_seconds, .exponent_power = -c.beta, .divided = !(c.beta <= 1e6 and normalReciprocal(c.scale_seconds)) },
            .two_component => |c| blk: {
                const hippocampal = factor(-std.math.log2e, c.tau_seconds);
                if (counted) break :blk .{
                    .kind = .two_component,
                    .floor = floor,
                    .exponent_factor = hippocampal,
                    .scale = c.neocortical_scale_seconds,
                    .exponent_power = -c.neocortical_beta,
                    .consolidation = c.consolidation_access_count,
                    .divided = !(c.neocortical_beta <= 1e6 and normalReciprocal(c.neocortical_scale_seconds)),
                };
                // No counts count as 0: below every consolidation count above 0.
                if (c.consolidation_access_count > 0) break :blk .{ .kind = .exponential, .floor = floor, .exponent_factor = hippocampal };
                break :blk .{
                    .kind = .power_law,
                    .floor = floor,
                    .scale = c.neocortical_scale_seconds,
                    .exponent_power = -c.neocortical_beta,
                    .divided = !(c.neocortical_beta <= 1e6 and normalReciprocal(c.neocortical_scale_seconds)),
                };
            },
            .ebbinghaus => |c| .{
                .kind = .ebbinghaus,
                .floor = floor,
                .k = c.k,
                .c = c.c,
                .divided = !(c.c >= 1 and c.c <= 1e6 and c.c / c.k <= 1e6),
            },
        };
    }

    /// Whether 1 / x is a normal f64, so within half a unit of the exact
    /// reciprocal: neither infinite (for x below 2^-1024) nor subnormal.
    fn normalReciprocal(x: f64) bool {
        const reciprocal = 1 / x;
        return reciprocal >= std.math.floatMin(f64) and reciprocal <= std.math.floatMax(f64);
    }

    /// numerator / time, kept finite: a time so short that the factor
    /// overflows gives -floatMax, so that an age of 0 still gives y = 0 (not
    /// 0 * -inf = NaN) and any other age an exponent far below -1075.
    fn factor(numerator: f64, time: f64) f64 {
        const quotient = numerator / time;
        return if (quotient < -std.math.floatMax(f64)) -std.math.floatMax(f64) else quotient;
    }
};

/// The value rule of `valueOf` on one block: NaN where the strength or the
/// age is NaN; else the strength clamped to [0, 1] and the age to [0, +inf],
/// `max(floor, s * R(t))` in f64, rounded once to f32. Never -0.0.
inline fn valueBlock(comptime kind: Kind, comptime divided: bool, prepared: Prepared, strength: F32s, age_seconds: F64s, count: I32s) F32s {
    const zero: F64s = @splat(0);
    const one32: F32s = @splat(1);
    const zero32: F32s = @splat(0);
    const s: F64s = @floatCast(@select(f32, strength > one32, one32, @select(f32, strength > zero32, strength, zero32)));
    // NaN goes to 0 here and comes back at the end.
    const t = @select(f64, age_seconds > zero, age_seconds, zero);
    const infinite = t == @as(F64s, @splat(std.math.inf(f64)));
    const r = @select(f64, infinite, zero, retentionBlock(kind, divided, prepared, t, count));
    const x = s * r;
    const floor: F64s = @splat(prepared.floor);
    // A comparison, not @max, so that a NaN product stays NaN; adding +0.0
    // turns -0.0 into +0.0 (see `valueOf`).
    const kept = @select(f64, x < floor, floor, x) + zero;
    const value: F32s = @floatCast(kept);
    const nan32: F32s = @splat(std.math.nan(f32));
    return @select(f32, strength != strength, nan32, @select(f32, age_seconds != age_seconds, nan32, value));
}

/// R(t) for clamped finite ages (infinite ones are replaced after): every
/// curve is 2^y of a y computed from the age with `log2Block`.
inline fn retentionBlock(comptime kind: Kind, comptime divided: bool, prepared: Prepared, t: F64s, count: I32s) F64s {
    switch (kind) {
        .exponential => return retentionOf(t * @as(F64s, @splat(prepared.exponent_factor))),
        .power_law => return retentionOf(powerExponent(divided, prepared, t)),
        .two_component => {
            const young = count < @as(I32s, @splat(prepared.consolidation));
            const hippocampal = t * @as(F64s, @splat(prepared.exponent_factor));
            return retentionOf(@select(f64, young, hippocampal, powerExponent(divided, prepared, t)));
        },
        .ebbinghaus => {
            const minute: F64s = @splat(60);
            // t / 60 divided where `Prepared.divided` says so: near one
            // minute the curve can be steep in log10(t / 60).
            const ratio = if (divided) t / minute else t * @as(F64s, @splat(1.0 / 60.0));
            // log10(10) is 1 exactly, as java.lang.Math.log10 of 10^n is n:
            // with a large c, 1^c is the one power that is neither 0 nor inf.
            const ten: F64s = @splat(10);
            const log10_ratio = @select(f64, ratio == ten, @as(F64s, @splat(1)), log2Block(ratio) * @as(F64s, @splat(log10_2)));
            const power = exp2Block(log2Block(log10_ratio) * @as(F64s, @splat(prepared.c)));
            const k: F64s = @splat(prepared.k);
            return @select(f64, t < minute, @as(F64s, @splat(1)), k / (power + k));
        },
    }
}

/// 2^y as a retention that only multiplies a strength: 0 below 2^-200, where
/// s * 2^y (s at most 1) rounds to an f32 0 as s * 0 does. So no subnormal
/// f64 is ever made or multiplied, which costs a hundred cycles and more a
/// lane on x86 (most ages of a store of years underflow the exponential).
inline fn retentionOf(y: F64s) F64s {
    const least: F64s = @splat(-200);
    const underflows = y < least;
    return @select(f64, underflows, @as(F64s, @splat(0)), exp2Block(@select(f64, underflows, least, y)));
}

/// y = -beta * log2(1 + t / scale), the sum rounded as the definition rounds
/// it, the quotient divided where `Prepared.divided` says a product by
/// 1 / scale could be too far off (see there).
inline fn powerExponent(comptime divided: bool, prepared: Prepared, t: F64s) F64s {
    const one: F64s = @splat(1);
    const ratio = if (divided) t / @as(F64s, @splat(prepared.scale)) else t * @as(F64s, @splat(1 / prepared.scale));
    return log2Block(one + ratio) * @as(F64s, @splat(prepared.exponent_power));
}

const log10_2: f64 = 0.301029995663981195213738894724493027; // log10(2)

/// Fused where the target has FMA; a product and a sum where it has not (the
/// x86-64 baseline, where @mulAdd would call a software fma).
inline fn mulAdd(a: F64s, b: F64s, c: F64s) F64s {
    const fused = switch (builtin.cpu.arch) {
        .x86_64 => std.Target.x86.featureSetHas(builtin.cpu.features, .fma),
        else => true,
    };
    return if (fused) @mulAdd(F64s, a, b, c) else a * b + c;
}

/// The polynomial of `coefficients` (highest power first) at x, by Estrin's
/// scheme: pairs of terms joined with x, pairs of pairs with x^2, and so on,
/// so that a polynomial of degree 16 takes 5 steps of fused multiply-adds
/// one after the other where Horner's rule takes 16. The blocks are
/// independent, but one of them is most of what the out-of-order window
/// holds: the shorter chain is what lets the next block's work start.
inline fn polynomial(comptime coefficients: []const f64, x: F64s) F64s {
    const n = coefficients.len;
    var terms: [n]F64s = undefined;
    inline for (&terms, 0..) |*term, i| term.* = @splat(coefficients[n - 1 - i]);
    var power = x;
    comptime var count = n;
    inline while (count > 1) {
        const joined = (count + 1) / 2;
        inline for (0..joined) |i| {
            terms[i] = if (2 * i + 1 < count) mulAdd(terms[2 * i + 1], power, terms[2 * i]) else terms[2 * i];
        }
        count = joined;
        if (count > 1) power = power * power;
    }
    return terms[0];
}

/// (2^r - 1) / r for |r| <= 1/2, highest power first: a near-minimax fit
/// (mpmath.chebyfit, 9 terms), relative error 9e-14 before rounding.
const exp2_coefficients = [_]f64{
    1.0203121063391729e-07, 1.3255224878668817e-06, 1.525268684626772e-05,
    0.00015403455852453838, 0.0013333558179043112,  0.009618129159402558,
    0.055504108664760424,   0.2402265069581299,     0.6931471805599453,
};

/// log2(1 + r) / r for r in [sqrt(1/2) - 1, sqrt(2) - 1], highest power
/// first: a near-minimax fit (mpmath.chebyfit, 17 terms), relative error
/// 1.3e-14 before rounding.
const log2_coefficients = [_]f64{
    0.05121935584898476,  -0.10725845712699396, 0.11265494808769237,
    -0.10352015620797361, 0.10857264352677319,  -0.11986979223868179,
    0.1313238799673856,   -0.14430411581312902, 0.16029304769136193,
    -0.1803353701249133,  0.20609941956995803,  -0.24044920526979943,
    0.2885390069301937,   -0.36067375993511086, 0.4808983469677407,
    -0.7213475204452209,  1.44269504088896,
};

/// 1.5 * 2^52: added to an f64 below 2^51 in magnitude, it rounds it to an
/// integer held in the low bits of the sum.
const rounder: f64 = 0x1.8p52;
const rounder_bits: i64 = @bitCast(rounder);

/// 2^y for every f64 y but NaN, to about 1e-13 relative, subnormal results
/// and the overflow to +inf included: y is taken into [-1075, 1024] (2^-1075
/// rounds to 0, 2^1024 is +inf, as the exact value beyond would), n =
/// round(y), 2^(y - n) = 1 + r * P(r), times 2^n in two steps of normal
/// powers of two (so that a subnormal result is rounded once). NaN gives a
/// number of no meaning, which the callers replace.
pub inline fn exp2Block(y: F64s) F64s {
    const low: F64s = @splat(-1075);
    const high: F64s = @splat(1024);
    const clamped = @select(f64, y < high, @select(f64, y > low, y, low), high);
    const rounded = clamped + @as(F64s, @splat(rounder));
    const r = clamped - (rounded - @as(F64s, @splat(rounder)));
    const p = mulAdd(polynomial(&exp2_coefficients, r), r, @splat(1));
    const n = @as(I64s, @bitCast(rounded)) - @as(I64s, @splat(rounder_bits));
    const half = n >> @splat(1);
    const bias: I64s = @splat(1023);
    const scale_low: F64s = @bitCast((half + bias) << @splat(52));
    const scale_high: F64s = @bitCast((n - half + bias) << @splat(52));
    return p * scale_low * scale_high;
}

/// log2(x) for x = 0 (-inf), +inf (+inf) or any positive normal f64, to about
/// 2e-14 relative: its exponent e plus log2(m) of its mantissa m taken into
/// [sqrt(1/2), sqrt(2)], as (m - 1) * P(m - 1), exact for x = 1. Subnormal,
/// negative and NaN arguments give a number of no meaning (no curve makes
/// one that counts).
pub inline fn log2Block(x: F64s) F64s {
    const bits: U64s = @bitCast(x);
    const mantissa_mask: U64s = @splat(0x000F_FFFF_FFFF_FFFF);
    const one_bits: U64s = @splat(@bitCast(@as(f64, 1)));
    const mantissa: F64s = @bitCast((bits & mantissa_mask) | one_bits);
    // The biased exponent, made an f64 the way exp2Block makes an integer.
    const exponent_field: I64s = @intCast(bits >> @splat(52));
    const biased: F64s = @bitCast(exponent_field + @as(I64s, @splat(rounder_bits - 1023)));
    const exponent = biased - @as(F64s, @splat(rounder));
    const high = mantissa > @as(F64s, @splat(std.math.sqrt2));
    const m = @select(f64, high, mantissa * @as(F64s, @splat(0.5)), mantissa);
    const e = @select(f64, high, exponent + @as(F64s, @splat(1)), exponent);
    const r = m - @as(F64s, @splat(1));
    const log = mulAdd(polynomial(&log2_coefficients, r), r, e);
    const infinity: F64s = @splat(std.math.inf(f64));
    return @select(f64, x == @as(F64s, @splat(0)), -infinity, @select(f64, x == infinity, infinity, log));
}

/// The value rule, one memory at a time in scalar f64 with std.math: NaN if
/// the strength or the age is NaN; else the strength clamped to [0, 1] and
/// the age to [0, +inf], and `max(floor, s * R(t))` computed in f64 and
/// rounded once to f32. Never -0.0. The tests hold the blocks to it (and
/// bench.zig times it: the kernel as it was).
pub fn valueOf(curve: Curve, floor: f64, strength: f32, age_seconds: f64, access_count: i32) f32 {
    if (std.math.isNan(strength) or std.math.isNan(age_seconds)) return std.math.nan(f32);
    const s = clampStrength(strength);
    const t = clampAge(age_seconds);
    const x = s * retention(curve, t, access_count);
    // A comparison, not @max, so that a NaN product (from curve constants
    // the caller should have refused) stays NaN.
    const kept = if (x < floor) floor else x;
    // Adding +0.0 turns -0.0 into +0.0 and leaves every other value as it
    // is: a floor of -0.0 is taken only below a negative product, which only
    // curve constants the caller should have refused can give.
    const value: f32 = @floatCast(kept + 0.0);
    assert(!(value == 0 and std.math.signbit(value)));
    return value;
}

/// To [0, 1]: -0.0, negatives and -inf to +0.0; +inf to 1.
fn clampStrength(strength: f32) f64 {
    assert(!std.math.isNan(strength));
    const s: f64 = if (strength > 1) 1 else if (strength > 0) strength else 0;
    assert(s >= 0 and s <= 1);
    return s;
}

/// To [0, +inf]: -0.0, negatives and -inf to +0.0.
fn clampAge(age_seconds: f64) f64 {
    assert(!std.math.isNan(age_seconds));
    const t: f64 = if (age_seconds > 0) age_seconds else 0;
    assert(t >= 0 and !std.math.signbit(t));
    return t;
}

/// R(t) of the curve, for a clamped age. R(+inf) is 0 on every curve, said
/// once here rather than left to each formula's limit.
fn retention(curve: Curve, t: f64, access_count: i32) f64 {
    assert(t >= 0);
    if (t == std.math.inf(f64)) return 0;
    return switch (curve) {
        .exponential => |c| @exp2(-t / c.half_life_seconds),
        .power_law => |c| powerLaw(t, c.scale_seconds, c.beta),
        .two_component => |c| if (access_count >= c.consolidation_access_count)
            powerLaw(t, c.neocortical_scale_seconds, c.neocortical_beta)
        else
            @exp(-t / c.tau_seconds),
        .ebbinghaus => |c| ebbinghaus(t, c.k, c.c),
    };
}

fn powerLaw(t: f64, scale_seconds: f64, beta: f64) f64 {
    assert(t >= 0 and t < std.math.inf(f64));
    return std.math.pow(f64, 1 + t / scale_seconds, -beta);
}

fn ebbinghaus(t: f64, k: f64, c: f64) f64 {
    assert(t >= 0 and t < std.math.inf(f64));
    if (t < 60) return 1;
    return k / (std.math.pow(f64, std.math.log10(t / 60), c) + k);
}

const testing = std.testing;
const nan = std.math.nan(f32);

const exponential_day = Curve{ .exponential = .{ .half_life_seconds = 86400 } };
const power_law_hour = Curve{ .power_law = .{ .scale_seconds = 3600, .beta = 0.18 } };
const two_component_default = Curve{ .two_component = .{
    .tau_seconds = 1.96 * 3600,
    .consolidation_access_count = 3,
    .neocortical_scale_seconds = 86400,
    .neocortical_beta = 0.18,
} };
const ebbinghaus_default = Curve{ .ebbinghaus = .{ .k = 1.84, .c = 1.25 } };
const all_curves = [_]Curve{ exponential_day, power_law_hour, two_component_default, ebbinghaus_default };

fn decayOne(strength: f32, age_seconds: f32, access_count: ?i32, curve: Curve, floor: f32) f32 {
    var out: [1]f32 = undefined;
    const counts: ?[]const i32 = if (access_count) |count| &.{count} else null;
    decay(&.{strength}, &.{age_seconds}, counts, .{ .curve = curve, .floor = floor }, &out);
    return out[0];
}

fn expectRelative(expected: f64, actual: f32) !void {
    try testing.expectApproxEqRel(expected, @as(f64, actual), 1e-6);
}

test "every curve keeps the full strength at age 0" {
    for (all_curves) |curve| {
        try testing.expectEqual(@as(f32, 0.8), decayOne(0.8, 0, null, curve, 0));
        try testing.expectEqual(@as(f32, 0.8), decayOne(0.8, 0, 5, curve, 0));
    }
}

test "exponential: a true half-life" {
    try testing.expectEqual(@as(f32, 0.4), decayOne(0.8, 86400, null, exponential_day, 0));
    try testing.expectEqual(@as(f32, 0.2), decayOne(0.8, 2 * 86400, null, exponential_day, 0));
}

test "power law at t = scale is 2^-beta" {
    try expectRelative(0.6 * 0.8827029962906549, decayOne(0.6, 3600, null, power_law_hour, 0));
}

test "two-component switches to the neocortical curve at the consolidation count" {
    const tau: f32 = 1.96 * 3600;
    try expectRelative(0.36787944117144233, decayOne(1, tau, null, two_component_default, 0));
    try expectRelative(0.36787944117144233, decayOne(1, tau, 2, two_component_default, 0));
    try expectRelative(0.8827029962906549, decayOne(1, 86400, 3, two_component_default, 0));
    try expectRelative(0.8827029962906549, decayOne(1, 86400, std.math.maxInt(i32), two_component_default, 0));
}

test "Ebbinghaus: full strength up to one minute, then k / (log10(t / 60)^c + k)" {
    try testing.expectEqual(@as(f32, 0.7), decayOne(0.7, 59.9, null, ebbinghaus_default, 0));
    try testing.expectEqual(@as(f32, 0.7), decayOne(0.7, 60, null, ebbinghaus_default, 0));
    try expectRelative(0.647887323943662, decayOne(1, 600, null, ebbinghaus_default, 0));
    try expectRelative(0.4361828639094142, decayOne(1, 6000, null, ebbinghaus_default, 0));
}

test "the floor holds after ten years on every curve" {
    const ten_years_seconds: f32 = 10 * 365.25 * 86400;
    for (all_curves) |curve| {
        const kept = decayOne(0.9, ten_years_seconds, 0, curve, 0.05);
        try testing.expect(kept >= 0.05 and kept < 0.9);
    }
    try testing.expectEqual(@as(f32, 0.05), decayOne(0.9, ten_years_seconds, null, exponential_day, 0.05));
    try testing.expectEqual(@as(f32, 0), decayOne(0.9, ten_years_seconds, null, exponential_day, 0));
}

test "NaN strength or age gives NaN, never the floor" {
    for (all_curves) |curve| {
        try testing.expect(std.math.isNan(decayOne(nan, 100, 0, curve, 0.1)));
        try testing.expect(std.math.isNan(decayOne(0.5, nan, 0, curve, 0.1)));
        try testing.expect(std.math.isNan(decayOne(0.5, nan, 9, curve, 0.1)));
    }
}

test "a memory in the tail of a call decays to the bits it gets inside a whole block" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0007);
    const random = prng.random();
    const n = 4 * lanes;
    var strength: [n]f32 = undefined;
    var age_seconds: [n]f32 = undefined;
    var access_count: [n]i32 = undefined;
    for (&strength, &age_seconds, &access_count) |*s, *t, *a| {
        s.* = random.float(f32);
        t.* = random.float(f32) * 3e8;
        a.* = random.intRangeAtMost(i32, 0, 6);
    }
    strength[1] = nan;
    age_seconds[2] = -5;
    for (all_curves) |curve| {
        const params = Params{ .curve = curve, .floor = 0.01 };
        var whole: [n]f32 = undefined;
        decay(&strength, &age_seconds, &access_count, params, &whole);
        // Every length and start: the tail's memories are filled into their lanes one by one.
        for (0..n) |start| {
            for (1..n - start + 1) |len| {
                var part: [n]f32 = undefined;
                decay(strength[start..][0..len], age_seconds[start..][0..len], access_count[start..][0..len], params, part[0..len]);
                for (whole[start..][0..len], part[0..len]) |expected, got| try expectBits(expected, got);
            }
        }
    }
}

test "the output may alias the strengths, at every length" {
    var prng = std.Random.DefaultPrng.init(0x5eed_0004);
    const random = prng.random();
    const lengths = [_]usize{ 1, 3, 7, 15, 17, 31, 33, 1023, 1025 };
    var strength: [1026]f32 = undefined;
    var expected: [1026]f32 = undefined;
    var age_seconds: [1025]f32 = undefined;
    var access_count: [1025]i32 = undefined;
    for (all_curves) |curve| {
        for (lengths) |len| {
            for (strength[0..len], age_seconds[0..len], access_count[0..len]) |*s, *t, *a| {
                s.* = random.float(f32);
                t.* = random.float(f32) * 1e6;
                a.* = random.intRangeAtMost(i32, 0, 6);
            }
            strength[len] = -1;
            const params = Params{ .curve = curve, .floor = 0.01 };
            for (expected[0..len], 0..) |*e, i| e.* = decayOne(strength[i], age_seconds[i], access_count[i], curve, 0.01);
            decay(strength[0..len], age_seconds[0..len], access_count[0..len], params, strength[0..len]);
            try testing.expectEqualSlices(f32, expected[0..len], strength[0..len]);
            try testing.expectEqual(@as(f32, -1), strength[len]);
        }
    }
}

const inf = std.math.inf(f32);

fn expectBits(expected: f32, actual: f32) !void {
    try testing.expectEqual(@as(u32, @bitCast(expected)), @as(u32, @bitCast(actual)));
}

test "a negative, -0.0 or -inf age counts as 0 on every curve" {
    for (all_curves) |curve| {
        for ([_]f32{ -0.0, -1, -86400, -std.math.floatMax(f32), -inf }) |age| {
            try expectBits(0.8, decayOne(0.8, age, null, curve, 0));
            try expectBits(0.8, decayOne(0.8, age, 5, curve, 0.1));
            try expectBits(decayOne(0.3, 0, 2, curve, 0), decayOne(0.3, age, 2, curve, 0));
        }
    }
}

test "an infinite age gives the floor on every curve" {
    for (all_curves) |curve| {
        for ([_]?i32{ null, 0, 3, std.math.maxInt(i32) }) |count| {
            try expectBits(0, decayOne(0.9, inf, count, curve, 0));
            try expectBits(0.05, decayOne(0.9, inf, count, curve, 0.05));
            try expectBits(1, decayOne(1, inf, count, curve, 1));
        }
    }
}

test "strengths are clamped to [0, 1]: above 1 and +inf count as 1, below 0 and -inf as 0" {
    for (all_curves) |curve| {
        const age: f32 = 7200;
        const full = decayOne(1, age, 4, curve, 0);
        for ([_]f32{ std.math.nextAfter(f32, 1, 2), 1.5, 1e30, std.math.floatMax(f32), inf }) |strength| {
            try expectBits(full, decayOne(strength, age, 4, curve, 0));
            try expectBits(1, decayOne(strength, 0, 4, curve, 0));
        }
        for ([_]f32{ -0.0, -std.math.floatTrueMin(f32), -0.5, -1e30, -inf }) |strength| {
            try expectBits(0, decayOne(strength, age, 4, curve, 0));
            try expectBits(0.25, decayOne(strength, age, 4, curve, 0.25));
        }
    }
}

test "-0.0 is never returned, not even for a floor of -0.0" {
    for (all_curves) |curve| {
        for ([_]f32{ -0.0, 0, -1, -inf }) |strength| {
            for ([_]f32{ -0.0, 0, 100, inf, -inf }) |age| {
                try expectBits(0, decayOne(strength, age, 1, curve, -0.0));
                try expectBits(0, decayOne(strength, age, 1, curve, 0));
            }
        }
        try expectBits(0, decayOne(1, inf, null, curve, -0.0));
    }
}

test "NaN wins over every clamp: infinite strengths and ages with a NaN are NaN" {
    for (all_curves) |curve| {
        for ([_]f32{ inf, -inf, -0.0, 2, -2 }) |other| {
            try testing.expect(std.math.isNan(decayOne(nan, other, 0, curve, 0.5)));
            try testing.expect(std.math.isNan(decayOne(other, nan, 0, curve, 0.5)));
        }
        try testing.expect(std.math.isNan(decayOne(nan, nan, 9, curve, 1)));
    }
}

test "a gather decays memory indices[i] at age now - last access, in f64" {
    const strength = [_]f32{ 0.8, 0.6, 1, nan, 2 };
    const last_access_seconds = [_]f64{ 1e9 - 86400, 1e9, 1e9 - 2 * 86400, 0, 1e9 + 50 };
    const access_count = [_]i32{ 0, 1, 2, 3, 4 };
    const memories = Memories{ .strength = &strength, .last_access_seconds = &last_access_seconds, .access_count = &access_count };
    var out: [7]f32 = undefined;
    const params = Params{ .curve = exponential_day, .floor = 0 };
    try decayGather(&.{ 2, 0, 0, 4, 1, 3, 2 }, memories, 1e9, params, &out);
    try testing.expectEqualSlices(u8, std.mem.asBytes(&[_]f32{ 0.25, 0.4, 0.4, 1, 0.6 }), std.mem.sliceAsBytes(out[0..5]));
    try testing.expect(std.math.isNan(out[5]));
    try testing.expectEqual(@as(f32, 0.25), out[6]);

    // An age the f32 ages could not hold: one second after 10^9 seconds.
    try decayGather(&.{1}, memories, 1e9 + 1, .{ .curve = exponential_day, .floor = 0 }, out[0..1]);
    try expectRelative(0.6 * @exp2(-1.0 / 86400.0), out[0]);
    // Infinite times: an infinite age gives the floor, a NaN age (inf - inf) NaN.
    try decayGather(&.{0}, memories, std.math.inf(f64), .{ .curve = power_law_hour, .floor = 0.125 }, out[0..1]);
    try testing.expectEqual(@as(f32, 0.125), out[0]);
    const never = Memories{ .strength = &.{0.5}, .last_access_seconds = &.{std.math.inf(f64)}, .access_count = null };
    try decayGather(&.{0}, never, std.math.inf(f64), params, out[0..1]);
    try testing.expect(std.math.isNan(out[0]));
    try decayGather(&.{0}, never, 0, params, out[0..1]);
    try testing.expectEqual(@as(f32, 0.5), out[0]);
}

test "a gather matches the plain decay of the same memories on every curve" {
    var prng = std.Random.DefaultPrng.init(0x5eed_000a);
    const random = prng.random();
    const count = 33;
    var strength: [count]f32 = undefined;
    var age_seconds: [count]f32 = undefined;
    var last_access_seconds: [count]f64 = undefined;
    var access_count: [count]i32 = undefined;
    var indices: [2 * count]i32 = undefined;
    for (&strength, &age_seconds, &last_access_seconds, &access_count) |*s, *t, *last, *a| {
        s.* = random.float(f32);
        t.* = random.float(f32) * 1e7;
        last.* = -@as(f64, t.*);
        a.* = random.intRangeAtMost(i32, 0, 6);
    }
    for (&indices) |*index| index.* = random.intRangeLessThan(i32, 0, count);
    const memories = Memories{ .strength = &strength, .last_access_seconds = &last_access_seconds, .access_count = &access_count };
    for (all_curves) |curve| {
        const params = Params{ .curve = curve, .floor = 0.01 };
        var expected: [count]f32 = undefined;
        decay(&strength, &age_seconds, &access_count, params, &expected);
        var out: [2 * count]f32 = undefined;
        try decayGather(&indices, memories, 0, params, &out);
        for (indices, out) |index, got| try expectBits(expected[@intCast(index)], got);
    }
}

test "a gather refuses an index outside the memories" {
    const memories = Memories{ .strength = &.{ 0.5, 0.5 }, .last_access_seconds = &.{ 0, 0 }, .access_count = null };
    var out: [3]f32 = undefined;
    const params = Params{ .curve = exponential_day, .floor = 0 };
    for ([_]i32{ -1, 2, std.math.minInt(i32), std.math.maxInt(i32) }) |bad| {
        try testing.expectError(error.InvalidArgument, decayGather(&.{ 0, bad, 1 }, memories, 0, params, &out));
    }
    try decayGather(&.{}, memories, 0, params, out[0..0]);
}

/// The largest relative error of `exp2Block` and `log2Block` that the tests
/// accept, against std.math in f64: what the curves' accuracy argument uses.
/// (Measured on x86-64 v4, v3 and baseline: 3.7e-14 and 1.2e-14.)
const exp2_error_bound = 2e-13;
const log2_error_bound = 5e-14;

fn exp2Lanes(y: f64) f64 {
    return exp2Block(@splat(y))[lanes - 1];
}

fn log2Lanes(x: f64) f64 {
    return log2Block(@splat(x))[lanes - 1];
}

test "exp2Block is within its bound of std.math.exp2 over [-1075, 1024], subnormal results and overflow included" {
    var worst: f64 = 0;
    var prng = std.Random.DefaultPrng.init(0x5eed_e2);
    const random = prng.random();
    var i: usize = 0;
    while (i < 200_000) : (i += 1) {
        // A dense sweep of the whole range, then random exponents near 0
        // and near integers and half-integers (where round(y) changes).
        const y: f64 = switch (i % 3) {
            0 => -1075 + 2099 * @as(f64, @floatFromInt(i)) / 200_000,
            1 => (random.float(f64) - 0.5) * 4,
            else => @as(f64, @floatFromInt(random.intRangeAtMost(i32, -1074, 1023))) * 0.5 + (random.float(f64) - 0.5) * 1e-9,
        };
        const exact = std.math.exp2(y);
        const got = exp2Lanes(y);
        if (exact < std.math.floatMin(f64)) {
            // Subnormal: within one unit of the last place of the subnormals.

            try testing.expect(@abs(got - exact) <= std.math.floatTrueMin(f64) + exp2_error_bound * exact);
            continue;
        }
        if (std.math.isInf(exact)) {
            try testing.expect(std.math.isInf(got));
            continue;
        }
        worst = @max(worst, @abs(got - exact) / exact);
    }
    try testing.expect(worst < exp2_error_bound);
    for ([_]f64{ 0, -0.0, 1, -1, 10, -1022, 1023 }) |y| try testing.expectEqual(std.math.exp2(y), exp2Lanes(y));
    try testing.expectEqual(@as(f64, 0), exp2Lanes(-1076));
    try testing.expectEqual(@as(f64, 0), exp2Lanes(-std.math.inf(f64)));
    try testing.expectEqual(@as(f64, 0), exp2Lanes(-std.math.floatMax(f64)));
    try testing.expect(std.math.isPositiveInf(exp2Lanes(1024)));
    try testing.expect(std.math.isPositiveInf(exp2Lanes(std.math.inf(f64))));
    try testing.expectEqual(std.math.floatTrueMin(f64), exp2Lanes(-1074));
}

test "log2Block is within its bound of std.math.log2 for every normal f64, and exact at 1, 0 and +inf" {
    var worst: f64 = 0;
    var prng = std.Random.DefaultPrng.init(0x5eed_12);
    const random = prng.random();
    var exponent: i32 = -1022;
    while (exponent <= 1023) : (exponent += 1) {
        for (0..64) |j| {
            // Mantissas over [1, 2), and around 1 where log2 is near 0.
            const mantissa: f64 = switch (j % 4) {
                0 => 1 + random.float(f64),
                1 => 1 + @as(f64, @floatFromInt(j)) / 64,
                2 => 1 + random.float(f64) * 1e-6,
                else => 2 - random.float(f64) * 1e-6,
            };
            const x = std.math.ldexp(mantissa, exponent);
            const exact = std.math.log2(x);
            if (exact == 0) {
                try testing.expectEqual(@as(f64, 0), log2Lanes(x));
                continue;
            }
            worst = @max(worst, @abs(log2Lanes(x) - exact) / @abs(exact));
        }
    }
    // Near 1 from both sides, where only a relative error of (m - 1) * P counts.
    var step: f64 = 0x1p-52;
    while (step < 0.3) : (step *= 1.37) {
        for ([_]f64{ 1 + step, 1 - step / 2 }) |x| {
            const exact = std.math.log2(x);
            worst = @max(worst, @abs(log2Lanes(x) - exact) / @abs(exact));
        }
    }
    try testing.expect(worst < log2_error_bound);
    try testing.expectEqual(@as(f64, 0), log2Lanes(1));
    for ([_]f64{ 2, 0.5, 1024, 0x1p-1022, 0x1p1023 }) |x| try testing.expectEqual(std.math.log2(x), log2Lanes(x));
    try testing.expect(std.math.isNegativeInf(log2Lanes(0)));
    try testing.expect(std.math.isPositiveInf(log2Lanes(std.math.inf(f64))));
}

/// The contract's check: |got - exact| <= 1e-6 relative to the exact value,
/// below the normal f32 range relative to 2^-126, plus the f32 rounding of
/// the exact value (half a step).
fn expectWithinContract(exact: f32, got: f32) !void {
    if (std.math.isNan(exact)) return testing.expect(std.math.isNan(got));
    const scale = @max(@abs(@as(f64, exact)), std.math.floatMin(f32));
    const half_step = @abs(@as(f64, std.math.nextAfter(f32, exact, inf)) - exact) / 2;
    const err = @abs(@as(f64, got) - exact);
    if (err > 1e-6 * scale + half_step) {
        std.debug.print("exact {e} got {e}\n", .{ exact, got });
        return error.TestExpectedApproxEqRel;
    }
}

/// Ages a curve finds hard: 0, the least f32, around one minute and the
/// defaults' constants, powers of ten up to the largest f32, ten years.
const adversarial_ages = [_]f32{
    0,                              std.math.floatTrueMin(f32), std.math.floatMin(f32),           1e-30,                  1e-3,     0.5,       1,
    std.math.nextAfter(f32, 60, 0), 60,                         std.math.nextAfter(f32, 60, 100), 60.001,                 600,      6000,      3600,
    7056,                           86400,                      604800,                           2592000,                31536000, 315360000, 3.1536e9,
    1e12,                           1e20,                       1e30,                             std.math.floatMax(f32),
};

test "every curve within 1e-6 of the f64 definition at adversarial ages, with its constants at their range ends" {
    const tiny = std.math.floatTrueMin(f64);
    const huge = std.math.floatMax(f64);
    const curves = all_curves ++ [_]Curve{
        .{ .exponential = .{ .half_life_seconds = tiny } },
        .{ .exponential = .{ .half_life_seconds = 1e-300 } },
        .{ .exponential = .{ .half_life_seconds = 1 } },
        .{ .exponential = .{ .half_life_seconds = 1e9 } },
        .{ .exponential = .{ .half_life_seconds = 1e300 } },
        .{ .exponential = .{ .half_life_seconds = huge } },
        .{ .power_law = .{ .scale_seconds = tiny, .beta = 0.18 } },
        .{ .power_law = .{ .scale_seconds = 1, .beta = 3 } },
        .{ .power_law = .{ .scale_seconds = 1e7, .beta = 0.01 } },
        .{ .power_law = .{ .scale_seconds = huge, .beta = 0.18 } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = tiny } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = 1e-300 } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = 100 } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = 1e300 } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = huge } },
        .{ .two_component = .{ .tau_seconds = tiny, .consolidation_access_count = 3, .neocortical_scale_seconds = tiny, .neocortical_beta = 3 } },
        .{ .two_component = .{ .tau_seconds = huge, .consolidation_access_count = 0, .neocortical_scale_seconds = huge, .neocortical_beta = huge } },
        .{ .two_component = .{ .tau_seconds = 1e7, .consolidation_access_count = 9, .neocortical_scale_seconds = 1, .neocortical_beta = 0.01 } },
        .{ .ebbinghaus = .{ .k = 0.1, .c = 0.1 } },
        .{ .ebbinghaus = .{ .k = 10, .c = 3 } },
        .{ .ebbinghaus = .{ .k = tiny, .c = 1.25 } },
        .{ .ebbinghaus = .{ .k = huge, .c = 1.25 } },
        .{ .ebbinghaus = .{ .k = 1e300, .c = 100 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = tiny } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = 1e-300 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = 30 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = 1e6 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = huge } },
    };
    var prng = std.Random.DefaultPrng.init(0x5eed_ad);
    const random = prng.random();
    const count = adversarial_ages.len + 1000;
    var ages: [count]f32 = undefined;
    var strength: [count]f32 = undefined;
    var counts: [count]i32 = undefined;
    var out: [count]f32 = undefined;
    for (&ages, &strength, &counts, 0..) |*t, *s, *a, i| {
        // The adversarial ages, then ages log-uniform from 1 ms to the largest f32.
        t.* = if (i < adversarial_ages.len) adversarial_ages[i] else @floatCast(std.math.pow(f64, 10, random.float(f64) * 41 - 3));
        s.* = if (i % 3 == 0) 1 else random.float(f32);
        a.* = random.intRangeAtMost(i32, 0, 10);
    }
    for (curves) |curve| {
        for ([_]f32{ 0, 0.05 }) |floor| {
            const params = Params{ .curve = curve, .floor = floor };
            decay(&strength, &ages, &counts, params, &out);
            for (strength, ages, counts, out) |s, t, a, got| expectWithinContract(valueOf(curve, floor, s, t, a), got) catch |e| {
                std.debug.print("{} s {e} t {e} count {}\n", .{ curve, s, t, a });
                return e;
            };
            // A gather at ages in f64, the same memories a second later.
            var last_access: [count]f64 = undefined;
            for (&last_access, ages) |*l, t| l.* = -@as(f64, t) - 1;
            var indices: [count]i32 = undefined;
            for (&indices, 0..) |*index, i| index.* = @intCast(count - 1 - i);
            const memories = Memories{ .strength = &strength, .last_access_seconds = &last_access, .access_count = &counts };
            try decayGather(&indices, memories, 0, params, &out);
            for (indices, out) |index, got| {
                const m: usize = @intCast(index);
                try expectWithinContract(valueOf(curve, floor, strength[m], -last_access[m], counts[m]), got);
            }
        }
    }
}

test "Ebbinghaus and the power law within 1e-6 at f64 ages one unit of the last place apart from 60 s and from 0 on" {
    const curves = [_]Curve{
        .{ .ebbinghaus = .{ .k = 1.84, .c = 0.1 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = 0.999 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = 1 } },
        .{ .ebbinghaus = .{ .k = 1.84, .c = 1.25 } },
        .{ .ebbinghaus = .{ .k = 0.1, .c = 3 } },
        .{ .ebbinghaus = .{ .k = 1e-6, .c = 1 } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = 1e6 } },
        .{ .power_law = .{ .scale_seconds = 3600, .beta = 2e6 } },
        .{ .power_law = .{ .scale_seconds = 1e-300, .beta = 1e6 } },
    };
    const count = 20_000;
    var strength: [count]f32 = undefined;
    var last_access: [count]f64 = undefined;
    var indices: [count]i32 = undefined;
    // now = 0: the f64 ages from 60 s up, one unit of the last place apart
    // (among them those where t * (1/60) and t / 60 round apart), then ages
    // from 0 up in steps of 3600 * 2^-40 s.
    var age: f64 = 60;
    for (&strength, &last_access, &indices, 0..) |*s, *l, *index, i| {
        s.* = 1;
        l.* = if (i < count / 2) -age else -3600 * @as(f64, @floatFromInt(i - count / 2)) * 0x1p-40;
        age = std.math.nextAfter(f64, age, inf);
        index.* = @intCast(i);
    }
    const memories = Memories{ .strength = &strength, .last_access_seconds = &last_access, .access_count = null };
    var out: [count]f32 = undefined;
    for (curves) |curve| {
        try decayGather(&indices, memories, 0, .{ .curve = curve, .floor = 0 }, &out);
        for (last_access, out) |l, got| expectWithinContract(valueOf(curve, 0, 1, -l, 0), got) catch |e| {
            std.debug.print("{} t {e}\n", .{ curve, -l });
            return e;
        };
    }
}
