package dev.keelson.control.controller;

import dev.keelson.control.client.ApiException;

/**
 * API calls whose "already done" answers are not failures for a level-triggered reconciler: the
 * object is gone (404), or someone else changed it first (409) and the next pass will see it.
 */
final class Calls {
    private Calls() {}

    /** Runs {@code call}; a 404 means the work is moot. */
    static void unlessGone(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** Runs {@code call}; a 404 or a 409 leaves it to the next reconcile. */
    static void unlessGoneOrStale(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            if (!e.notFound() && !e.conflict()) {
                throw e;
            }
        }
    }
}
