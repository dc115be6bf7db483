package dev.keelson.control.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkQueueTest {

    @Test
    void aKeyAddedTwiceIsQueuedOnce() throws Exception {
        WorkQueue q = new WorkQueue();
        q.add("a");
        q.add("a");
        q.add("b");
        assertEquals(2, q.length());
        assertEquals("a", q.take());
        assertEquals("b", q.take());
    }

    @Test
    void aKeyAddedWhileProcessingComesBackAfterDone() throws Exception {
        WorkQueue q = new WorkQueue();
        q.add("a");
        String k = q.take();
        q.add("a");
        assertEquals(0, q.length(), "not handed to a second worker while the first still has it");
        q.done(k);
        assertEquals(1, q.length());
        assertEquals("a", q.take());
    }

    @Test
    void retriesWaitForTheirBackOff() throws Exception {
        WorkQueue q = new WorkQueue();
        q.add("a");
        q.done(q.take());
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            q.retry("a");
            q.done(q.take());
        }
        // 5 + 10 + 20 + 40 ms of back-off
        assertTrue(System.nanoTime() - t0 >= 70_000_000L, "back-off doubled");
    }
}
