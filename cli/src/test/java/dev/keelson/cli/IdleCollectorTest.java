package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One full collection after a quiet period that followed calls, none while nothing happens. */
class IdleCollectorTest {
    @Test
    void collectsOnceAfterActivityThenStaysQuiet() throws Exception {
        IdleCollector idle = new IdleCollector().start();
        Thread.sleep(IdleCollector.QUIET.toMillis() + 1200);
        assertEquals(0, idle.collections(), "no calls yet: nothing to give back");
        idle.touch();
        idle.touch();
        Thread.sleep(1000);
        assertEquals(0, idle.collections(), "not quiet long enough yet");
        Thread.sleep(IdleCollector.QUIET.toMillis() + 1000);
        assertEquals(1, idle.collections());
        Thread.sleep(IdleCollector.QUIET.toMillis() + 1000);
        assertEquals(1, idle.collections(), "quiet since: no second collection");
    }
}
