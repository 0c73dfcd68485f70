package engram.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * The framework the suites ran on is the one this run expects ({@code engram.itests.framework}),
 * at the version of the Maven build: a class path that offered Felix to both runs fails here
 * (and in {@link EngramTestSupport#configuration()}), instead of passing twice on Felix.
 */
public class OsgiFrameworkTest extends EngramTestSupport {
    /** What each framework puts in {@code org.osgi.framework.vendor}. */
    private static final Map<OsgiFramework, String> VENDORS = Map.of(OsgiFramework.FELIX,
            "Apache Software Foundation", OsgiFramework.EQUINOX, "Eclipse");

    @Test
    public void theSystemBundleIsTheExpectedFrameworkAtTheBuildsVersion() {
        OsgiFramework expected = expectedFramework();
        Bundle systemBundle = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);

        assertEquals("the system bundle's id", 0, systemBundle.getBundleId());
        assertEquals("the symbolic name of the system bundle of " + expected, expected.systemBundleSymbolicName,
                systemBundle.getSymbolicName());
        assertEquals("the framework vendor of " + expected, VENDORS.get(expected),
                context.getProperty(Constants.FRAMEWORK_VENDOR));
        String expectedVersion = System.getProperty(FRAMEWORK_VERSION_PROPERTY);
        assertTrue("the run names the framework's version in " + FRAMEWORK_VERSION_PROPERTY,
                expectedVersion != null && !expectedVersion.isBlank());
        Version version = systemBundle.getVersion();
        // Equinox's version has a build qualifier (3.24.300.v2025...), which the Maven version has not.
        assertEquals("the version of " + expected + ", without its qualifier", Version.parseVersion(expectedVersion),
                new Version(version.getMajor(), version.getMinor(), version.getMicro()));
        assertEquals("engram.core runs in the same framework", Bundle.ACTIVE, bundle("engram.core").getState());
        System.out.printf("framework: %s, system bundle %s %s, vendor %s%n", expected, systemBundle.getSymbolicName(),
                version, context.getProperty(Constants.FRAMEWORK_VENDOR));
    }
}
