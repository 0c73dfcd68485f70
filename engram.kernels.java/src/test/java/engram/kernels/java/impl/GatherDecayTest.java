package engram.kernels.java.impl;

import static engram.kernels.java.impl.DecayTest.assertRelative;
import static engram.kernels.java.impl.SegmentApiTest.floatsWritten;
import static engram.kernels.java.impl.SegmentApiTest.garbage;
import static engram.kernels.java.impl.SegmentApiTest.nativeDoubles;
import static engram.kernels.java.impl.SegmentApiTest.nativeFloats;
import static engram.kernels.java.impl.SegmentApiTest.nativeInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * Gather decay: {@code out[i]} is the decay of memory {@code indices[i]} at age
 * {@code nowSeconds - lastAccessSeconds[m]}, computed in float64; indices may repeat.
 */
class GatherDecayTest {
    private static final List<DecayCurve> CURVES = List.of(new DecayCurve.Exponential(), new DecayCurve.PowerLaw(),
            new DecayCurve.TwoComponent(), new DecayCurve.Ebbinghaus(), new DecayCurve.TwoComponent(100, 1_000, 1, 5));

    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorGatherDecayTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    @Test
    void equalsDecayOfTheGatheredValues() {
        // Ages that are exact in float32, so decay's float32 ages and the gather's float64 ones are the same.
        Random random = new Random(51);
        int memories = 64;
        float[] strength = new float[memories];
        double[] lastAccess = new double[memories];
        int[] count = new int[memories];
        double now = 1_000_000;
        for (int m = 0; m < memories; m++) {
            strength[m] = random.nextInt(8) == 0 ? 1.5f : random.nextFloat();
            lastAccess[m] = now - random.nextInt(2_000_000) + 500_000;
            count[m] = random.nextInt(7);
        }
        int[] indices = new int[200];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(memories);
        }
        indices[1] = indices[0];
        float[] gatheredStrength = new float[indices.length];
        float[] gatheredAge = new float[indices.length];
        int[] gatheredCount = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int m = indices[i];
            gatheredStrength[i] = strength[m];
            gatheredAge[i] = (float) (now - lastAccess[m]);
            assertEquals(now - lastAccess[m], gatheredAge[i], "the age is exact in float32");
            gatheredCount[i] = count[m];
        }
        for (DecayCurve curve : CURVES) {
            DecayParams params = new DecayParams(curve, 0.01f);
            float[] expected = kernel.decay(gatheredStrength, gatheredAge, gatheredCount, params);
            float[] gathered = kernel.decayGather(indices, strength, lastAccess, count, now, params);
            assertArrayEquals(expected, gathered, curve.toString());
            assertEquals(gathered[0], gathered[1], "a repeated index gives the same value");
            float[] withoutCounts = kernel.decayGather(indices, strength, lastAccess, null, now, params);
            assertArrayEquals(kernel.decay(gatheredStrength, gatheredAge, null, params), withoutCounts,
                    curve + " without counts");
        }
    }

    @Test
    void theAgeIsComputedInFloat64() {
        // Epoch times near 1.7e9 s are 128 s apart in float32; an age of 0.75 s survives only in float64.
        double lastAccess = 1.7e9 + 0.25;
        double now = 1.7e9 + 1.0;
        DecayParams params = DecayParams.of(new DecayCurve.Exponential(1));
        float[] out = kernel.decayGather(new int[] {0}, new float[] {1f}, new double[] {lastAccess}, null, now, params);
        assertEquals((float) Math.pow(2, -0.75), out[0]);
        assertNotEquals((float) Math.pow(2, -((float) now - (float) lastAccess)), out[0],
                "a float32 age would be another value");
    }

    @Test
    void matchesTheOracleAtEpochTimes() {
        Random random = new Random(52);
        int memories = 300;
        float[] strength = new float[memories];
        double[] lastAccess = new double[memories];
        int[] count = new int[memories];
        double now = 1.7e9 + random.nextDouble();
        for (int m = 0; m < memories; m++) {
            strength[m] = random.nextFloat();
            lastAccess[m] = now - Math.exp(random.nextDouble() * Math.log(3.15e9)) + (random.nextInt(20) == 0 ? 1e4 : 0);
            count[m] = random.nextInt(6);
        }
        int[] indices = new int[500];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(memories);
        }
        try (KernelWorkspace workspace = kernel.newWorkspace(); Arena arena = Arena.ofConfined()) {
            for (DecayCurve curve : CURVES) {
                float floor = random.nextFloat() * 0.05f;
                DecayParams params = new DecayParams(curve, floor);
                MemorySegment out = garbage(arena, indices.length);
                kernel.decayGather(workspace, nativeInts(arena, indices), indices.length, memories,
                        nativeFloats(arena, strength), nativeDoubles(arena, lastAccess), nativeInts(arena, count), now,
                        params, out);
                float[] actual = floatsWritten(out, indices.length);
                for (int i = 0; i < indices.length; i++) {
                    int m = indices[i];
                    assertRelative(Oracle.decay(curve, floor, strength[m], now - lastAccess[m], count[m]), actual[i],
                            curve + " at " + i + " (memory " + m + ")");
                }
            }
        }
    }

    @Test
    void outOfRangeValuesFollowTheContractsRule() {
        float[] strength = {0.5f, 0.5f, 0.5f, Float.NaN, -1f, 2f, 0.5f, 0.5f};
        double[] lastAccess = {100, 200, Double.NaN, 0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        int[] indices = {0, 1, 2, 3, 4, 5, 6, 7};
        double now = 150;
        for (DecayCurve curve : CURVES) {
            for (float floor : new float[] {0f, -0f, 0.1f}) {
                DecayParams params = new DecayParams(curve, floor);
                float[] out = kernel.decayGather(indices, strength, lastAccess, null, now, params);
                for (int i = 0; i < indices.length; i++) {
                    assertRelative(Oracle.decay(curve, floor, strength[i], now - lastAccess[i], 0), out[i],
                            curve + " floor " + floor + " memory " + i);
                }
                assertEquals(Math.max(0.5f, floor), out[1], "an access 50 s in the future counts as age 0");
                assertTrue(Float.isNaN(out[2]) && Float.isNaN(out[3]), "NaN in, NaN out");
                assertEquals(0.5f, out[6], "a last access at +inf: age -inf, which counts as 0");
                assertEquals(floor + 0f, out[7], "a last access at -inf: an infinite age, the floor");
            }
        }
    }

    @Test
    void readsOnlyCountIndicesAndWritesOnlyCountResults() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 2);
            kernel.decayGather(null, nativeInts(arena, 1, 0, 99), 2, 2, nativeFloats(arena, 0.5f, 0.25f),
                    nativeDoubles(arena, 0, 0), null, 0, DecayParams.of(new DecayCurve.Exponential()), out);
            assertArrayEquals(new float[] {0.25f, 0.5f}, floatsWritten(out, 2));
        }
    }

    @Test
    void nothingToGather() {
        assertEquals(0, kernel.decayGather(new int[0], new float[] {1f}, new double[] {0}, null, 0,
                DecayParams.of(new DecayCurve.Exponential())).length);
    }

    @Test
    void badIndicesAreRefusedBeforeAnythingIsWritten() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.decayGather(null,
                    nativeInts(arena, 0, 1, 2), 3, 2, nativeFloats(arena, 0.5f, 0.25f), nativeDoubles(arena, 0, 0),
                    null, 0, DecayParams.of(new DecayCurve.Exponential()), out));
            assertTrue(e.getMessage().contains("indices[2] is 2"), e.getMessage());
            assertEquals(SegmentApiTest.GARBAGE, out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 0));
        }
    }
}
