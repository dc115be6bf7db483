package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class NativeBufferTest {
    @Test
    void growKeepsThePrefix() {
        try (NativeBuffer b = new NativeBuffer(16)) {
            b.segment().set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
            MemorySegment bigger = b.ensure(100, 8);
            assertEquals(0x1122334455667788L, bigger.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(100, b.capacity());
        }
    }

    @Test
    void aClosedBlockIsHandedOutAgainInsteadOfFreed() {
        long size = 4096 + 24; // a size no other test uses, so the pool is this test's own
        long first;
        try (NativeBuffer a = new NativeBuffer(size)) {
            first = a.segment().address();
        }
        try (NativeBuffer b = new NativeBuffer(size)) {
            assertEquals(first, b.segment().address(), "the pooled block was reused");
            assertEquals(size, b.capacity());
        }
    }

    @Test
    void aGrownBlockIsFreedAndAClosedBufferIsUnusable() {
        long size = 4096 + 40;
        NativeBuffer a = new NativeBuffer(size);
        a.ensure(2 * size, 0);
        long grown = a.segment().address();
        a.close();
        try (NativeBuffer b = new NativeBuffer(size)) {
            assertNotEquals(grown, b.segment().address());
            assertEquals(size, b.capacity());
        }
        assertEquals(MemorySegment.NULL, a.segment());
        assertThrows(IndexOutOfBoundsException.class, () -> a.segment().get(ValueLayout.JAVA_BYTE, 0));
        a.close(); // idempotent
    }
}
