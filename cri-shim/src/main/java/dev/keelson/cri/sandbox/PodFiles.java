package dev.keelson.cri.sandbox;

import dev.keelson.cri.api.v1.DNSConfig;
import dev.keelson.cri.api.v1.PodSandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files a pod's containers see under {@code /etc}: {@code hostname}, {@code resolv.conf} (from
 * the CRI {@code DNSConfig}, else the node's, as containerd does) and {@code hosts}.
 */
public final class PodFiles {
    private PodFiles() {
    }

    /** Writes the three files into {@code etc}. */
    public static void write(Path etc, PodSandboxConfig pod, String hostname, List<String> ips) throws IOException {
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("hostname"), hostname + "\n");
        Files.writeString(etc.resolve("resolv.conf"), resolvConf(pod.getDnsConfig()));
        StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        for (String ip : ips) {
            hosts.append(ip).append('\t').append(hostname).append('\n');
        }
        Files.writeString(etc.resolve("hosts"), hosts);
    }

    /** resolv.conf(5) text for {@code dns}; the node's own file when the config is empty. */
    public static String resolvConf(DNSConfig dns) throws IOException {
        if (dns.getServersCount() == 0 && dns.getSearchesCount() == 0 && dns.getOptionsCount() == 0) {
            Path node = Path.of("/etc/resolv.conf");
            return Files.isReadable(node) ? Files.readString(node) : "";
        }
        StringBuilder b = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            b.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (String s : dns.getServersList()) {
            b.append("nameserver ").append(s).append('\n');
        }
        if (dns.getOptionsCount() > 0) {
            b.append("options ").append(String.join(" ", dns.getOptionsList())).append('\n');
        }
        return b.toString();
    }
}
