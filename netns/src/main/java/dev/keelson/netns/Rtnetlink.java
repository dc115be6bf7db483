package dev.keelson.netns;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NetlinkSocket;
import dev.keelson.linux.netlink.NlMsg;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A route-netlink (NETLINK_ROUTE) connection to one network namespace: the handle every object API
 * of this module (links, addresses, routes, neighbours) works through.
 *
 * <pre>{@code
 * try (Rtnetlink rtnl = Rtnetlink.open(ns)) {          // bound to ns for life
 *     new Links(rtnl).add(Veth.named("veth0").peer("eth0", podNs));
 * }
 * }</pre>
 *
 * The socket is opened on a namespace thread inside the namespace, and stays bound to it, so the
 * handle can then be used from any thread, virtual ones included. Requests are serialised by a lock:
 * one request (or one batch) at a time.
 */
public final class Rtnetlink implements AutoCloseable {
    private final NetlinkSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final String where;

    private Rtnetlink(NetlinkSocket socket, String where) {
        this.socket = socket;
        this.where = where;
    }

    /** A handle on the calling thread's namespace. */
    public static Rtnetlink open() {
        return new Rtnetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE), "the current network namespace");
    }

    /** A handle on {@code ns} (the socket is opened from a thread inside it). */
    public static Rtnetlink open(NetNamespace ns) {
        return new Rtnetlink(ns.run(() -> NetlinkSocket.open(Netlink.NETLINK_ROUTE)), ns.describe());
    }

    /** Which namespace this handle talks to, for messages. */
    public String where() {
        return where;
    }

    /**
     * Builds one or more requests with {@code build} and sends them as one datagram; waits for the
     * kernel's ACKs (requests should carry NLM_F_ACK) and throws the first error, typed.
     */
    public void execute(String call, String object, Consumer<MessageWriter> build) {
        execute(call, object, build, null);
    }

    /** As {@link #execute(String, String, Consumer)}, handing non-error replies (e.g. to a GET) to {@code replies}. */
    public void execute(String call, String object, Consumer<MessageWriter> build, Consumer<NlMsg> replies) {
        lock.lock();
        try {
            MessageWriter w = socket.writer();
            build.accept(w);
            socket.execute(w, call, object, replies);
        } finally {
            lock.unlock();
        }
    }

    /** A GET that answers with one message: returns {@code read} of it, or null if no reply came. */
    public <T> T get(String call, String object, Consumer<MessageWriter> build, Function<NlMsg, T> read) {
        List<T> out = new ArrayList<>(1);
        execute(call, object, build, m -> {
            if (out.isEmpty()) {
                out.add(read.apply(m));
            }
        });
        return out.isEmpty() ? null : out.get(0);
    }

    /**
     * A dump: {@code build} writes the one request (with NLM_F_DUMP), {@code read} maps each reply to
     * what the caller keeps (null to skip it). Retries of interrupted dumps are handled below this.
     */
    public <T> List<T> dump(String call, Consumer<MessageWriter> build, Function<NlMsg, T> read) {
        List<T> out = new ArrayList<>();
        lock.lock();
        try {
            MessageWriter w = socket.writer();
            build.accept(w);
            socket.dump(w, call, new NetlinkSocket.DumpHandler() {
                @Override
                public void message(NlMsg msg) {
                    T t = read.apply(msg);
                    if (t != null) {
                        out.add(t);
                    }
                }

                @Override
                public void restart() {
                    out.clear();
                }
            });
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** Turns on strict checking so that dumps honour the filters in the request (kernel 4.20+). */
    public Rtnetlink strict() {
        lock.lock();
        try {
            socket.strictChecking();
        } finally {
            lock.unlock();
        }
        return this;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            socket.close();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Rtnetlink[" + where + "]";
    }
}
