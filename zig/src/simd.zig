//! The one place that knows the instruction-set level of the target this
//! library is compiled for and the vector width the kernels use on it.

const std = @import("std");
const builtin = @import("builtin");

/// Instruction-set level of a compiled library. The numeric values are part
/// of the ABI (`engram_isa`); never renumber them.
pub const Isa = enum(u32) {
    x86_64_baseline = 0,
    x86_64_v3 = 1,
    x86_64_v4 = 2,
    aarch64_neon = 3,

    pub fn name(level: Isa) [*:0]const u8 {
        return switch (level) {
            .x86_64_baseline => "x86-64 baseline",
            .x86_64_v3 => "x86-64-v3 (AVX2, FMA)",
            .x86_64_v4 => "x86-64-v4 (AVX-512)",
            .aarch64_neon => "aarch64 (NEON)",
        };
    }
};

/// Level of the target being compiled, decided from its CPU features so the
/// answer cannot disagree with the code the compiler was allowed to emit.
pub const isa: Isa = isaOf(builtin.cpu);

/// Number of f32 lanes of one vector register on this target: 16 with
/// AVX-512, 8 with AVX2, 4 with SSE2 or NEON.
pub const f32_lanes: comptime_int = switch (isa) {
    .x86_64_baseline, .aarch64_neon => 4,
    .x86_64_v3 => 8,
    .x86_64_v4 => 16,
};

comptime {
    std.debug.assert(std.math.isPowerOfTwo(f32_lanes));
    std.debug.assert(f32_lanes >= 4 and f32_lanes <= 16);
}

fn isaOf(comptime cpu: std.Target.Cpu) Isa {
    return switch (cpu.arch) {
        .x86_64 => blk: {
            const x86 = std.Target.x86;
            if (x86.featureSetHasAll(cpu.features, .{ .avx512f, .avx512bw, .avx512dq, .avx512vl })) {
                break :blk .x86_64_v4;
            }
            if (x86.featureSetHasAll(cpu.features, .{ .avx2, .fma })) break :blk .x86_64_v3;
            break :blk .x86_64_baseline;
        },
        .aarch64 => blk: {
            if (!std.Target.aarch64.featureSetHas(cpu.features, .neon)) {
                @compileError("the aarch64 build of engram_kernels requires NEON");
            }
            break :blk .aarch64_neon;
        },
        else => @compileError("engram_kernels supports x86_64 and aarch64, not " ++ @tagName(cpu.arch)),
    };
}

test "the ISA level matches the compilation target" {
    switch (builtin.cpu.arch) {
        .aarch64 => try std.testing.expectEqual(Isa.aarch64_neon, isa),
        .x86_64 => try std.testing.expect(isa != .aarch64_neon),
        else => unreachable,
    }
    try std.testing.expect(f32_lanes * @sizeOf(f32) <= 64);
}

test "every ISA level has a distinct name" {
    const levels = [_]Isa{ .x86_64_baseline, .x86_64_v3, .x86_64_v4, .aarch64_neon };
    for (levels, 0..) |a, i| {
        for (levels[i + 1 ..]) |b| {
            try std.testing.expect(!std.mem.eql(u8, std.mem.span(a.name()), std.mem.span(b.name())));
        }
    }
}

/// Whether this CPU's vendor is AMD, from `cpuid` leaf 0, asked once per
/// process (in a virtual machine `cpuid` may trap to the hypervisor, which
/// costs microseconds) and kept; false on other architectures.
pub fn cpuIsAmd() bool {
    if (builtin.cpu.arch != .x86_64) return false;
    const known = vendor_state.load(.monotonic);
    if (known != vendor_unknown) return known == vendor_amd;
    const amd = vendorIsAmd();
    vendor_state.store(if (amd) vendor_amd else vendor_other, .monotonic);
    return amd;
}

const vendor_unknown: u8 = 0;
const vendor_amd: u8 = 1;
const vendor_other: u8 = 2;
var vendor_state = std.atomic.Value(u8).init(vendor_unknown);

fn vendorIsAmd() bool {
    var ebx: u32 = undefined;
    var ecx: u32 = undefined;
    var edx: u32 = undefined;
    _ = asm volatile ("cpuid"
        : [eax] "={eax}" (-> u32),
          [ebx] "={ebx}" (ebx),
          [ecx] "={ecx}" (ecx),
          [edx] "={edx}" (edx),
        : [leaf] "{eax}" (@as(u32, 0)),
          [sub] "{ecx}" (@as(u32, 0)),
    );
    // "AuthenticAMD", in the order ebx, edx, ecx.
    return ebx == 0x68747541 and edx == 0x69746e65 and ecx == 0x444d4163;
}

test "the vendor is asked once and the answer kept" {
    const first = cpuIsAmd();
    try std.testing.expectEqual(first, cpuIsAmd());
    if (builtin.cpu.arch != .x86_64) try std.testing.expect(!first);
}
