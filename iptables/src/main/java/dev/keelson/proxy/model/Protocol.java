package dev.keelson.proxy.model;

/** A Service port's transport protocol, as Kubernetes spells it in {@code spec.ports[].protocol}. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number (IPPROTO_TCP 6, IPPROTO_UDP 17, IPPROTO_SCTP 132; linux/in.h). */
    public int number() {
        return number;
    }

    /** The lower-case name nft and iptables use ({@code tcp}, {@code udp}, {@code sctp}). */
    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
