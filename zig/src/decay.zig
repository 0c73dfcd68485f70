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

/// `out[i] = max(floor, strength[i] * R(age_seconds[i]))`, NaN if the product
/// is NaN. `out` may be `strength` itself: each element is read before its
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
    switch (params.curve) {
        .exponential => |curve| for (strength, age_seconds, out) |s, t, *o| {
            o.* = decayed(s, @exp2(-@as(f64, t) / curve.half_life_seconds), floor);
        },
        .power_law => |curve| for (strength, age_seconds, out) |s, t, *o| {
            o.* = decayed(s, powerLaw(t, curve.scale_seconds, curve.beta), floor);
        },
        .two_component => |curve| for (strength, age_seconds, out, 0..) |s, t, *o, i| {
            const count: i32 = if (access_count) |counts| counts[i] else 0;
            const consolidated = count >= curve.consolidation_access_count;
            const retention = if (consolidated)
                powerLaw(t, curve.neocortical_scale_seconds, curve.neocortical_beta)
            else
                @exp(-@as(f64, t) / curve.tau_seconds);
            o.* = decayed(s, retention, floor);
        },
        .ebbinghaus => |curve| for (strength, age_seconds, out) |s, t, *o| {
            o.* = decayed(s, ebbinghaus(t, curve.k, curve.c), floor);
        },
    }
}

fn powerLaw(age_seconds: f32, scale_seconds: f64, beta: f64) f64 {
    return std.math.pow(f64, 1 + @as(f64, age_seconds) / scale_seconds, -beta);
}

fn ebbinghaus(age_seconds: f32, k: f64, c: f64) f64 {
    const t: f64 = age_seconds;
    // Tested as `t < 60` rather than `t >= 60`, so that a NaN age takes the
    // formula and yields NaN, as the contract asks, instead of R = 1.
    if (t < 60) return 1;
    return k / (std.math.pow(f64, std.math.log10(t / 60), c) + k);
}

fn decayed(strength: f32, retention: f64, floor: f64) f32 {
    const x = @as(f64, strength) * retention;
    // A comparison, not @max, so that a NaN product stays NaN.
    const kept = if (x < floor) floor else x;
    return @floatCast(kept);
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
