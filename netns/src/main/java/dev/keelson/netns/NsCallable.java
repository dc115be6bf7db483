package dev.keelson.netns;

/** Work to run inside a network namespace; may throw one checked exception type, which {@link NetNamespace#run} rethrows. */
@FunctionalInterface
public interface NsCallable<T, E extends Exception> {
    T call() throws E;
}
