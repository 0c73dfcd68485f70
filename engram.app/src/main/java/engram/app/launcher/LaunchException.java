package engram.app.launcher;

/** Why the app cannot start, in one line for a person: what is wrong and what to do. */
final class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
        super(message);
    }

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
