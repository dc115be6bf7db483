package dev.keelson.linux.netlink;

import static dev.keelson.linux.netlink.Netlink.*;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import dev.keelson.linux.NativeBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * A netlink socket (netlink(7)) bound in the network namespace of the thread that opened it. It
 * stays bound to that namespace for life, so once opened on a namespace thread it can be used
 * from any thread — but by one thread at a time: it is not thread-safe.
 *
 * <p>Requests are built in {@link #writer()} and sent with {@link #execute} (wait for the ACK of
 * each message, hand replies to a consumer) or {@link #dump} (a multipart dump). Errors come back
 * as typed {@link ErrnoException}s carrying the kernel's extended-ack text (NETLINK_EXT_ACK is on).
 * NETLINK_CAP_ACK is on too, so an ACK does not echo the whole request back.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** A dump whose data changed under it (NLM_F_DUMP_INTR) is retried this many times. */
    static final int DUMP_ATTEMPTS = 10;
    private static final int RECV_INITIAL = 64 * 1024;
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

    private final Fd fd;
    private final int protocol;
    private final int portId;
    private final MessageWriter writer = new MessageWriter();
    private final NativeBuffer recv = new NativeBuffer(RECV_INITIAL);
    private final NlMsg msg = new NlMsg();
    private final AttrCursor ack = new AttrCursor();
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    /** The send buffer asked for; a larger datagram (a big nf_tables batch) raises it first. */
    private int sendBuffer = SOCKET_BUFFER;

    private NetlinkSocket(Fd fd, int protocol, int portId) {
        this.fd = fd;
        this.protocol = protocol;
        this.portId = portId;
    }

    /** Opens a request socket for {@code protocol} (e.g. {@link Netlink#NETLINK_ROUTE}) in the calling thread's netns. */
    public static NetlinkSocket open(int protocol) {
        return open(protocol, 0);
    }

    /** Opens a socket subscribed to the legacy multicast {@code groups} bitmask. */
    public static NetlinkSocket open(int protocol, int groups) {
        Fd fd = Fd.adopt(Libc.socket(Flags.AF_NETLINK, Flags.SOCK_RAW | Flags.SOCK_CLOEXEC, protocol));
        try {
            int s = fd.get();
            Libc.setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, 1);
            Libc.setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, 1);
            setBuffer(s, Flags.SO_RCVBUFFORCE, Flags.SO_RCVBUF, SOCKET_BUFFER);
            setBuffer(s, Flags.SO_SNDBUFFORCE, Flags.SO_SNDBUF, SOCKET_BUFFER);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment addr = sockaddr(a, groups);
                Libc.bind(s, addr);
                Libc.getsockname(s, addr, a);
                return new NetlinkSocket(fd, protocol, addr.get(JAVA_INT_UNALIGNED, 4));
            }
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Large dumps arrive faster than they are read: ask for a big buffer, forcing it past rmem_max when root. */
    private static void setBuffer(int s, int force, int plain, int bytes) {
        try {
            Libc.setsockopt(s, Flags.SOL_SOCKET, force, bytes);
        } catch (ErrnoException notPrivileged) {
            Libc.setsockopt(s, Flags.SOL_SOCKET, plain, bytes);
        }
    }

    /** struct sockaddr_nl: u16 family, u16 pad, u32 pid (0 = kernel picks), u32 groups. */
    private static MemorySegment sockaddr(Arena a, int groups) {
        MemorySegment addr = a.allocate(12, 4);
        addr.set(JAVA_SHORT, 0, (short) Flags.AF_NETLINK);
        addr.set(JAVA_INT_UNALIGNED, 8, groups);
        return addr;
    }

    /** Joins multicast group {@code group} (works for group numbers above 32, unlike bind). */
    public void joinGroup(int group) {
        Libc.setsockopt(fd.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
    }

    /** Turns on NETLINK_GET_STRICT_CHK: dumps then honour the filters in the request header. */
    public void strictChecking() {
        Libc.setsockopt(fd.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
    }

    public int protocol() {
        return protocol;
    }

    /** The port id the kernel assigned to this socket. */
    public int portId() {
        return portId;
    }

    /** The socket's writer, emptied. Build the next request in it, then call {@link #execute} or {@link #dump}. */
    public MessageWriter writer() {
        return writer.reset();
    }

    /** As {@link #execute(MessageWriter, String, String, Consumer)} without replies. */
    public void execute(MessageWriter w, String call, String object) {
        execute(w, call, object, null);
    }

    /**
     * Sends every message in {@code w} as one datagram, with consecutive sequence numbers, and waits
     * until the kernel has acknowledged the last message that asked for an ACK. Non-error replies
     * (e.g. the answer to a GET) go to {@code replies}. The first error reported is thrown after all
     * acknowledgements arrived, so the socket is left with nothing pending.
     */
    public void execute(MessageWriter w, String call, String object, Consumer<NlMsg> replies) {
        int first = seq + 1;
        int lastAck = stamp(w);
        send(w);
        if (lastAck == 0) {
            return;
        }
        ErrnoException failure = null;
        while (true) {
            long n = receive();
            if (n < 0) {
                failure = truncated(call, object, n);
                continue;
            }
            MemorySegment s = recv.segment();
            for (long off = 0, next; (next = wrapAt(off, n)) >= 0; off = next) {
                int q = msg.seq();
                if (q - first >= 0 && lastAck - q >= 0) {
                    if (msg.type() == NLMSG_ERROR) {
                        int err = -s.get(JAVA_INT_UNALIGNED, msg.payload());
                        if (err != 0 && failure == null) {
                            failure = ErrnoException.of(call, object, err, extack(msg));
                        }
                        if (q == lastAck) {
                            if (failure != null) {
                                throw failure;
                            }
                            return;
                        }
                    } else if (replies != null && msg.type() != NLMSG_DONE) {
                        replies.accept(msg);
                    }
                }
            }
        }
    }

    /**
     * Sends the dump request in {@code w} (one message, NLM_F_DUMP set by the caller) and hands each
     * reply to {@code handler}. If the kernel flags the dump as interrupted (NLM_F_DUMP_INTR: the
     * table changed while it was being read) or a datagram did not fit, the handler is told to
     * start over and the dump is retried — the only place in Keelson that does so.
     */
    public void dump(MessageWriter w, String call, DumpHandler handler) {
        for (int attempt = 1; ; attempt++) {
            boolean restart = dumpOnce(w, call, handler);
            if (!restart) {
                return;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw ErrnoException.of(call, "dump", Errno.EINTR,
                        "the dump was interrupted " + DUMP_ATTEMPTS + " times in a row");
            }
            handler.restart();
        }
    }

    /** Runs one pass of a dump; returns true when it must be retried. */
    private boolean dumpOnce(MessageWriter w, String call, DumpHandler handler) {
        stamp(w);
        int q = seq;
        send(w);
        boolean interrupted = false;
        while (true) {
            long n = receive();
            if (n < 0) {
                interrupted = true; // a lost datagram: finish this pass, then redo it with the bigger buffer
                continue;
            }
            MemorySegment s = recv.segment();
            for (long off = 0, next; (next = wrapAt(off, n)) >= 0; off = next) {
                if (msg.seq() != q) {
                    continue; // left over from an earlier request that failed half-way
                }
                interrupted |= (msg.flags() & NLM_F_DUMP_INTR) != 0;
                switch (msg.type()) {
                    case NLMSG_DONE -> {
                        int err = msg.length() >= HEADER_SIZE + 4 ? -s.get(JAVA_INT_UNALIGNED, msg.payload()) : 0;
                        if (err != 0) {
                            throw ErrnoException.of(call, "dump", err, extack(msg));
                        }
                        return interrupted;
                    }
                    case NLMSG_ERROR -> {
                        int err = -s.get(JAVA_INT_UNALIGNED, msg.payload());
                        if (err == Errno.EINTR) {
                            return true;
                        }
                        throw ErrnoException.of(call, "dump", err, extack(msg));
                    }
                    case NLMSG_NOOP, NLMSG_OVERRUN -> { }
                    default -> {
                        if (!interrupted) {
                            handler.message(msg);
                        }
                    }
                }
            }
        }
    }

    /** Receives one datagram of multicast events (blocking) and hands each message to {@code events}; returns the count. */
    public int receiveEvents(Consumer<NlMsg> events) {
        long n = receive();
        if (n < 0) {
            throw ErrnoException.of("recvfrom", "netlink events", Errno.ENOBUFS,
                    "an event datagram of " + -n + " bytes did not fit the receive buffer");
        }
        int count = 0;
        for (long off = 0, next; (next = wrapAt(off, n)) >= 0; off = next, count++) {
            events.accept(msg);
        }
        return count;
    }

    /**
     * Points {@link #msg} at the message at {@code off} of the {@code n}-byte datagram in the receive
     * buffer; returns where the next message starts, or -1 when no whole message is at {@code off}
     * (the end, or a length the kernel would never send).
     */
    private long wrapAt(long off, long n) {
        if (off + HEADER_SIZE > n) {
            return -1;
        }
        msg.wrap(recv.segment(), off);
        int len = msg.length();
        if (len < HEADER_SIZE || off + len > n) {
            return -1;
        }
        return off + Netlink.align(len);
    }

    /** Gives each message in {@code w} the next sequence number; returns that of the last one that asked for an ACK (0 if none). */
    private int stamp(MessageWriter w) {
        MemorySegment s = w.segment();
        int lastAck = 0;
        for (long off = 0; off < w.length(); ) {
            msg.wrap(s, off);
            int q = ++seq == 0 ? ++seq : seq;
            s.set(JAVA_INT_UNALIGNED, off + 8, q);
            if ((msg.flags() & NLM_F_ACK) != 0) {
                lastAck = q;
            }
            off += Netlink.align(msg.length());
        }
        return lastAck;
    }

    private void send(MessageWriter w) {
        // One datagram is one nf_tables transaction: it must fit the send buffer whole (EMSGSIZE otherwise).
        if (w.length() > sendBuffer) {
            sendBuffer = w.length();
            setBuffer(fd.get(), Flags.SO_SNDBUFFORCE, Flags.SO_SNDBUF, sendBuffer);
        }
        Libc.sendto(fd.get(), w.segment(), w.length(), 0, MemorySegment.NULL);
    }

    /**
     * Receives one datagram into the receive buffer and returns its length; if it did not fit, grows
     * the buffer for next time and returns minus the real length (the datagram itself is lost).
     */
    private long receive() {
        long n = Libc.recvfrom(fd.get(), recv.segment(), Flags.MSG_TRUNC);
        if (n > recv.capacity()) {
            recv.ensure(n, 0);
            return -n;
        }
        return n;
    }

    private static ErrnoException truncated(String call, String object, long n) {
        return ErrnoException.of(call, object, Errno.ENOBUFS,
                "a reply of " + -n + " bytes did not fit the receive buffer (it has been enlarged; retry)");
    }

    /**
     * The NLMSGERR_ATTR_MSG text of an NLMSG_ERROR (or NLMSG_DONE) reply, or null.
     *
     * <pre>
     *  nlmsghdr | int error | nlmsghdr of the request (+ its payload unless NLM_F_CAPPED) | TLVs
     * </pre>
     */
    private String extack(NlMsg m) {
        if ((m.flags() & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        long orig = m.payload() + 4;
        long tlvs = (m.flags() & NLM_F_CAPPED) != 0
                ? orig + HEADER_SIZE
                : orig + Netlink.align(m.segment().get(JAVA_INT_UNALIGNED, orig));
        ack.wrap(m.segment(), tlvs, m.end());
        return ack.find(NLMSGERR_ATTR_MSG) ? ack.string() : null;
    }

    @Override
    public void close() {
        fd.close();
        writer.close();
        recv.close();
    }

    /** Receives the messages of a dump. */
    public interface DumpHandler {
        /** One message of the dump; the flyweight is reused for the next one, so copy what you keep. */
        void message(NlMsg msg);

        /** The dump is being retried: forget what {@link #message} collected so far. */
        void restart();
    }
}
