package dev.keelson.node.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code nameserver} lines of a resolv.conf (resolv.conf(5)), as upstreams on port 53. */
public final class ResolvConf {
    private ResolvConf() {}

    /**
     * The nameservers in {@code file}, in order; none when the file is missing. Literals only: a
     * name there is not resolved (the resolver itself does not resolve them either).
     */
    public static List<InetSocketAddress> nameservers(Path file) throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver") && looksLikeIp(f[1])) {
                String ip = f[1].contains("%") ? f[1].substring(0, f[1].indexOf('%')) : f[1];
                out.add(new InetSocketAddress(InetAddress.getByName(ip), 53));
            }
        }
        return out;
    }

    private static boolean looksLikeIp(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }
}
