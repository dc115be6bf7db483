package dev.keelson.proxy.model;

/** A Service port's transport protocol, as Kubernetes spells it in {@code spec.ports[].protocol}. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** The lower-case name nft and iptables use ({@code tcp}, {@code udp}, {@code sctp}). */
    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
