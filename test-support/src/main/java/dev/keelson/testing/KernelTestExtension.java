package dev.keelson.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Decides whether {@link KernelTest}s run: see there. */
public final class KernelTestExtension implements ExecutionCondition, BeforeAllCallback {
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    /** Why kernel tests cannot run in this JVM, or null when they can. */
    static String unavailableReason() {
        String sandbox = System.getenv("KEELSON_TEST_SANDBOX");
        if ("private".equals(sandbox)) {
            return null;
        }
        return sandbox == null
                ? "the test JVM was not started through bin/lib/sandbox/bin/java (no private network namespace)"
                : sandbox.replaceFirst("^none: ", "");
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = unavailableReason();
        if (why == null || ci()) {
            return ConditionEvaluationResult.enabled("kernel tests run in a private namespace");
        }
        if (TOLD.compareAndSet(false, true)) {
            System.err.println("keelson: skipping kernel tests: " + why + " (run the tests as root to include them)");
        }
        return ConditionEvaluationResult.disabled("kernel tests need root: " + why);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException("CI=true but kernel tests cannot run: " + why
                    + ". CI must run them as root; it may not skip them.");
        }
    }
}
