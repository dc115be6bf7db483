package dev.keelson.proxy.traffic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Client side of the traffic tests. Call from inside the client's namespace
 * ({@code ns.run(() -> Probe.tcp(...))}): the sockets are created on the calling thread.
 */
final class Probe {
    static final int TIMEOUT_MS = 3000;

    private Probe() {
    }

    /** What a server answered: its name and the address it saw the client come from. */
    record Answer(String name, String peer) {
        static Answer parse(String line) {
            if (line == null) {
                throw new IllegalStateException("the server closed without answering");
            }
            String[] p = line.trim().split(" ");
            return new Answer(p[0], p[1]);
        }
    }

    /** Connects from {@code src} (null: the kernel's choice) to {@code dst}, reads the greeting and closes. */
    static Answer tcp(InetAddress src, InetSocketAddress dst) throws IOException {
        try (Conn c = Conn.open(src, dst)) {
            return c.greeting;
        }
    }

    /** Sends one datagram from {@code src} to {@code dst} and returns the answer. */
    static Answer udp(InetSocketAddress src, InetSocketAddress dst) throws IOException {
        try (DatagramSocket s = new DatagramSocket(src)) {
            s.setSoTimeout(TIMEOUT_MS);
            byte[] q = "who".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(q, q.length, dst));
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            s.receive(p);
            return Answer.parse(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        }
    }

    /** A kept-open TCP connection to an echoing server. */
    static final class Conn implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        final Answer greeting;

        private Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.greeting = Answer.parse(in.readLine());
        }

        static Conn open(InetAddress src, InetSocketAddress dst) throws IOException {
            Socket s = new Socket();
            try {
                s.setSoTimeout(TIMEOUT_MS);
                if (src != null) {
                    s.bind(new InetSocketAddress(src, 0));
                }
                s.connect(dst, TIMEOUT_MS);
                return new Conn(s);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        /** Sends {@code line} and returns the echo. */
        String echo(String line) throws IOException {
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
