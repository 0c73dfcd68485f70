/**
 * The launcher of the Engram app: {@code ./engram} runs {@link engram.app.launcher.Main},
 * which starts the Felix framework with the bundles of {@code engram.jar} (the bnd export of
 * {@code engram.bndrun}), from a state folder it owns, and either hands the console to Gogo or
 * runs {@code -c} commands one statement at a time.
 */
package engram.app.launcher;
