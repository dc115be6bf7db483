package dev.keelson.node.dns;

import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cluster DNS server of a node: UDP and TCP on one address and port, authoritative for the
 * cluster domain ({@link ClusterZone}, fed by informers on Services and EndpointSlices), and a
 * forwarder for every other name ({@link Forwarder}).
 *
 * <pre>
 *   try (ClusterDns dns = ClusterDns.start(client, DnsConfig.of("10.96.0.10", 53))) { ... }
 * </pre>
 */
public final class ClusterDns implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterDns.class.getName());
    private static final int UDP_DEFAULT = 512;
    private static final int TCP_IDLE_MILLIS = 10_000;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ClusterZone zone;
    private final Forwarder forwarder;
    private final List<Informer> owned;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private ClusterDns(DatagramSocket udp, ServerSocket tcp, ClusterZone zone, Forwarder forwarder, List<Informer> owned) {
        this.udp = udp;
        this.tcp = tcp;
        this.zone = zone;
        this.forwarder = forwarder;
        this.owned = owned;
    }

    /** Starts informers on Services and EndpointSlices of every namespace, waits for them, and serves. */
    public static ClusterDns start(KubeClient client, DnsConfig config) throws IOException {
        Informer services = new Informer(client, Resource.SERVICES, null, null, null).start();
        Informer slices = new Informer(client, Resource.ENDPOINTSLICES, null, null, null).start();
        try {
            if (!services.awaitSynced(Duration.ofSeconds(30)) || !slices.awaitSynced(Duration.ofSeconds(30))) {
                throw new IOException("cluster DNS: the Service and EndpointSlice caches did not fill within 30 s");
            }
            return serve(services, slices, config, List.of(services, slices));
        } catch (IOException | InterruptedException | RuntimeException e) {
            services.close();
            slices.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException("cluster DNS not started: " + e.getMessage(), e);
        }
    }

    /** Serves from informers the caller owns (e.g. shared with the Service proxy) and keeps running. */
    public static ClusterDns start(Informer services, Informer slices, DnsConfig config) throws IOException {
        return serve(services, slices, config, List.of());
    }

    private static ClusterDns serve(Informer services, Informer slices, DnsConfig config, List<Informer> owned)
            throws IOException {
        InetAddress bind = InetAddress.getByName(config.address());
        ServerSocket tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(bind, config.port()), 128);
        DatagramSocket udp;
        try {
            udp = new DatagramSocket(new InetSocketAddress(bind, tcp.getLocalPort()));
        } catch (IOException e) {
            tcp.close();
            throw new IOException("cluster DNS: cannot bind UDP " + config.address() + ":" + tcp.getLocalPort()
                    + ": " + e.getMessage(), e);
        }
        ClusterZone zone = new ClusterZone(new ServiceView(services, slices), config.domain(), config.ttl());
        ClusterDns dns = new ClusterDns(udp, tcp, zone, new Forwarder(config.upstreams(), config.timeout()), owned);
        dns.threads.add(Thread.ofPlatform().daemon().name("dns-udp").start(dns::udpLoop));
        dns.threads.add(Thread.ofVirtual().name("dns-tcp").start(dns::tcpLoop));
        return dns;
    }

    /** The port both transports listen on. */
    public int port() {
        return tcp.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
    }

    private void udpLoop() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "cluster DNS UDP receive: {0}", e.getMessage());
                }
                continue;
            }
            byte[] query = java.util.Arrays.copyOf(p.getData(), p.getLength());
            var from = p.getSocketAddress();
            // Forwarded queries wait on the network: one virtual thread each keeps the loop free.
            Thread.ofVirtual().start(() -> {
                byte[] reply = handle(query, false);
                if (reply != null) {
                    try {
                        udp.send(new DatagramPacket(reply, reply.length, from));
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.DEBUG, "cluster DNS UDP send to {0}: {1}", from, e.getMessage());
                    }
                }
            });
        }
    }

    private void tcpLoop() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "cluster DNS TCP accept: {0}", e.getMessage());
                }
                continue;
            }
            Thread.ofVirtual().start(() -> serveTcp(s));
        }
    }

    /** RFC 7766: length-prefixed messages, several per connection, until the client closes or idles. */
    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                byte[] reply = handle(query, true);
                if (reply == null) {
                    return;
                }
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (EOFException e) {
            // The client is done.
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cluster DNS TCP: {0}", e.getMessage());
        }
    }

    /** The reply to one wire-format query, or null for garbage that deserves no answer. */
    byte[] handle(byte[] wire, boolean tcp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;  // not a DNS message: answering could feed a reflection attack
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Record question = query.getQuestion();
        int max = tcp ? 65535 : udpLimit(query);
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            return reply(query, Rcode.NOTIMP).toWire(max);
        }
        if (zone.covers(question.getName())) {
            return authoritative(query, question).toWire(max);
        }
        if (question.getType() == Type.PTR && ClusterZone.isReverse(question.getName())) {
            var ptr = zone.reverse(question.getName());
            if (ptr.isPresent()) {
                Message r = reply(query, Rcode.NOERROR);
                r.getHeader().setFlag(Flags.AA);
                r.addRecord(ptr.get(), Section.ANSWER);
                return r.toWire(max);
            }
        }
        byte[] upstream = forwarder.forward(wire, tcp);
        return upstream != null ? upstream : reply(query, Rcode.SERVFAIL).toWire(max);
    }

    private Message authoritative(Message query, Record question) {
        ClusterZone.Answer a = zone.answer(question.getName(), question.getType());
        Message r = reply(query, a.exists() ? Rcode.NOERROR : Rcode.NXDOMAIN);
        r.getHeader().setFlag(Flags.AA);
        a.answers().forEach(rec -> r.addRecord(rec, Section.ANSWER));
        a.additional().forEach(rec -> r.addRecord(rec, Section.ADDITIONAL));
        if (a.answers().isEmpty()) {
            r.addRecord(zone.soa(), Section.AUTHORITY);  // negative answers carry the SOA (RFC 2308)
        }
        return r;
    }

    private static Message reply(Message query, int rcode) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setOpcode(query.getHeader().getOpcode());
        r.getHeader().setRcode(rcode);
        if (query.getQuestion() != null) {
            r.addRecord(query.getQuestion(), Section.QUESTION);
        }
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            r.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        return r;
    }

    /** The client's EDNS buffer size, else the classic 512 bytes (RFC 1035, RFC 6891). */
    private static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        return opt == null ? UDP_DEFAULT : Math.max(UDP_DEFAULT, Math.min(opt.getPayloadSize(), 4096));
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing cluster DNS TCP: {0}", e.getMessage());
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        owned.forEach(Informer::close);
    }
}
