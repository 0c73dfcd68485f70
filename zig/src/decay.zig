//! Memory decay: each strength times the retention of its age under one of
//! four forgetting curves, kept above a floor. Computed in f64 per element.

const std = @import("std");

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
/// `valueOf`. `out` may be `strength` itself: each element is read before its
/// output is written.
pub fn decay(
    strength: []const f32,
    age_seconds: []const f32,
    access_count: ?[]const i32,
    params: Params,
    out: []f32,
) void {
    assert(age_seconds.len == strength.len and out.len == strength.len);
    assert(access_count == null or access_count.?.len == strength.len);
    const floor: f64 = params.floor;
    for (strength, age_seconds, out, 0..) |s, t, *o, i| {
        const count: i32 = if (access_count) |counts| counts[i] else 0;
        o.* = valueOf(params.curve, floor, s, t, count);
    }
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
    const memory_count = memories.count();
    const floor: f64 = params.floor;
    for (indices, out) |index, *o| {
        if (index < 0 or index >= memory_count) return error.InvalidArgument;
        const m: usize = @intCast(index);
        const count: i32 = if (memories.access_count) |counts| counts[m] else 0;
        const age = now_seconds - memories.last_access_seconds[m];
        o.* = valueOf(params.curve, floor, memories.strength[m], age, count);
    }
}

/// The value rule: NaN if the strength or the age is NaN; else the strength
/// clamped to [0, 1] and the age to [0, +inf], and `max(floor, s * R(t))`
/// computed in f64 and rounded once to f32. Never -0.0.
fn valueOf(curve: Curve, floor: f64, strength: f32, age_seconds: f64, access_count: i32) f32 {
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
