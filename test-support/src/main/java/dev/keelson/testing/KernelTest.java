package dev.keelson.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs the real kernel (namespaces, links, rules) and root. It runs only
 * when the test JVM sits in the private network + mount namespace that {@code bin/lib/sandbox/bin/java}
 * makes; otherwise it is skipped with one line saying why — or fails, when {@code CI=true}, because
 * CI must never pass by skipping the kernel.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KernelTestExtension.class)
public @interface KernelTest {
}
