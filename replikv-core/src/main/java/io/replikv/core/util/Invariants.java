package io.replikv.core.util;

/**
 * Always-on assertions (the {@code assert} keyword is off without -ea). An operating condition is
 * returned as a value; only what must never happen is checked here.
 */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String what) {
        if (!condition) throw new InvariantViolation(what);
    }

    /** {@code what} is a {@link String#format} pattern, formatted only when the check fails. */
    public static void check(boolean condition, String what, Object... args) {
        if (!condition) throw new InvariantViolation(String.format(what, args));
    }

    public static InvariantViolation unreachable(String what, Object... args) {
        return new InvariantViolation("unreachable: " + String.format(what, args));
    }
}
