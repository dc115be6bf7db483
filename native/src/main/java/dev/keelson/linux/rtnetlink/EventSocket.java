package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import dev.keelson.linux.NativeBuffer;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * A NETLINK_ROUTE socket that only listens: it joins rtnetlink multicast groups ({@link Groups}) in
 * the network namespace of the thread that opens it, and one reader thread then blocks in
 * {@link #receive} for notifications.
 *
 * <p>Why not {@link dev.keelson.linux.netlink.NetlinkSocket}: a listener must be stoppable from
 * another thread while its reader is blocked in recvfrom(2), and on Linux neither close(2) nor
 * shutdown(2) (EOPNOTSUPP for netlink) wakes that reader. {@link #wakeUp} does: it sends the kernel
 * an NLMSG_NOOP with NLM_F_ACK from this socket, and the kernel answers with an ACK to this socket —
 * no state changes, no capability needed. It builds the request in its own memory, so it is safe to
 * call while another thread receives.
 *
 * <p>Lifecycle: {@link #close} frees the receive buffer, so only the receiving thread (or anyone,
 * once no thread receives) may call it; {@link #wakeUp} after close does nothing.
 */
public final class EventSocket implements AutoCloseable {
    /** {@link #receive} result: the kernel dropped notifications (ENOBUFS) or one did not fit; resync with a dump. */
    public static final int OVERRUN = -1;
    private static final int RECV_INITIAL = 64 * 1024;
    private static final int WAKE_SEQ = 0x7eaced;

    private final Fd fd;
    private final int portId;
    private final NativeBuffer recv = new NativeBuffer(RECV_INITIAL);
    private final NlMsg msg = new NlMsg();
    private final Object lifecycle = new Object();
    private final Arena wakeArena = Arena.ofShared();
    private final MemorySegment wake;
    private long truncatedLength;

    private EventSocket(Fd fd, int portId) {
        this.fd = fd;
        this.portId = portId;
        this.wake = wakeArena.allocate(Netlink.HEADER_SIZE, 8);
        // nlmsghdr: len 16, NLMSG_NOOP, REQUEST|ACK, a fixed seq, pid 0 (the kernel)
        wake.set(JAVA_INT_UNALIGNED, 0, Netlink.HEADER_SIZE);
        wake.set(JAVA_SHORT, 4, (short) Netlink.NLMSG_NOOP);
        wake.set(JAVA_SHORT, 6, (short) (Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK));
        wake.set(JAVA_INT_UNALIGNED, 8, WAKE_SEQ);
    }

    /**
     * Opens a socket in the calling thread's network namespace, joined to {@code groups}
     * (RTNLGRP_* numbers), with a receive buffer of {@code receiveBuffer} bytes (the kernel doubles
     * it; forced past net.core.rmem_max when the caller has CAP_NET_ADMIN).
     */
    public static EventSocket open(int[] groups, int receiveBuffer) {
        Fd fd = Fd.adopt(Libc.socket(Flags.AF_NETLINK, Flags.SOCK_RAW | Flags.SOCK_CLOEXEC, Netlink.NETLINK_ROUTE));
        try {
            int s = fd.get();
            try {
                Libc.setsockopt(s, Flags.SOL_SOCKET, Flags.SO_RCVBUFFORCE, receiveBuffer);
            } catch (ErrnoException notPrivileged) {
                Libc.setsockopt(s, Flags.SOL_SOCKET, Flags.SO_RCVBUF, receiveBuffer);
            }
            int port;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment addr = a.allocate(12, 4); // sockaddr_nl: family, pad, pid 0 = kernel picks, groups 0
                addr.set(JAVA_SHORT, 0, (short) Flags.AF_NETLINK);
                Libc.bind(s, addr);
                Libc.getsockname(s, addr, a);
                port = addr.get(JAVA_INT_UNALIGNED, 4);
            }
            for (int g : groups) {
                Libc.setsockopt(s, Netlink.SOL_NETLINK, Netlink.NETLINK_ADD_MEMBERSHIP, g);
            }
            return new EventSocket(fd, port);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The port id the kernel gave this socket. */
    public int portId() {
        return portId;
    }

    /** The receive buffer the kernel actually granted (SO_RCVBUF, already doubled). */
    public int receiveBufferSize() {
        return Libc.getsockopt(fd.get(), Flags.SOL_SOCKET, Flags.SO_RCVBUF);
    }

    /**
     * Blocks until a datagram arrives and hands each notification in it to {@code events} (the
     * flyweight is reused: copy what you keep). Returns how many were handed over: 0 after a
     * {@link #wakeUp} (or an interrupted call), {@link #OVERRUN} when notifications were lost —
     * the kernel's ENOBUFS (the socket's receive queue overflowed) or a datagram larger than the
     * buffer (which is enlarged for the next one). Other errors are thrown, typed.
     */
    public int receive(Consumer<NlMsg> events) {
        long n;
        try {
            n = Libc.recvfrom(fd.get(), recv.segment(), Flags.MSG_TRUNC);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOBUFS) {
                truncatedLength = 0;
                return OVERRUN;
            }
            if (e.errno() == Errno.EINTR) {
                return 0;
            }
            throw e;
        }
        if (n > recv.capacity()) {
            truncatedLength = n;
            recv.ensure(n, 0);
            return OVERRUN;
        }
        MemorySegment s = recv.segment();
        int count = 0;
        for (long off = 0; off + Netlink.HEADER_SIZE <= n; ) {
            msg.wrap(s, off);
            int len = msg.length();
            if (len < Netlink.HEADER_SIZE || off + len > n) {
                break; // a length the kernel would never send
            }
            int type = msg.type();
            // ACKs (our wake-ups) and NOOPs are not notifications
            if (type != Netlink.NLMSG_ERROR && type != Netlink.NLMSG_NOOP && type != Netlink.NLMSG_DONE) {
                events.accept(msg);
                count++;
            }
            off += Netlink.align(len);
        }
        return count;
    }

    /** After an {@link #OVERRUN}: the length of the datagram that did not fit the buffer, or 0 when the kernel dropped notifications (ENOBUFS). */
    public long lastTruncatedLength() {
        return truncatedLength;
    }

    /**
     * Makes a thread blocked in {@link #receive} return (with 0), by asking the kernel to ACK a
     * no-op. Safe from any thread; does nothing once the socket is closed. If the receive queue is
     * full the ACK is dropped, but then the kernel has flagged an overrun, which wakes the reader too.
     */
    public void wakeUp() {
        synchronized (lifecycle) {
            if (!fd.isOpen()) {
                return;
            }
            Libc.sendto(fd.get(), wake, Netlink.HEADER_SIZE, Flags.MSG_DONTWAIT, MemorySegment.NULL);
        }
    }

    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the socket and frees its buffers; idempotent. Only when no other thread is in {@link #receive}. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (!fd.isOpen()) {
                return;
            }
            fd.close();
            recv.close();
            wakeArena.close();
        }
    }
}
