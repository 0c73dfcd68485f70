package engram.kernels.java.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import engram.api.KnownAnswers;
import engram.api.SelfTestResult;

class KnownAnswersTest {

    @Test
    void referenceKernelsPassEveryKnownAnswer() {
        List<SelfTestResult> results = KnownAnswers.run(new ReferenceKernels());
        assertEquals(5, results.size());
        for (SelfTestResult result : results) {
            assertTrue(result.passed(), result.test() + ": " + result.detail());
            assertEquals("java", result.kernel());
        }
        assertTrue(KnownAnswers.allPassed(results));
    }
}
