package dev.keelson.netns.link;

import dev.keelson.netns.NetNamespace;

/**
 * Options every link kind takes at creation. Null means "the kernel's default".
 *
 * @param mtu        IFLA_MTU
 * @param mac        IFLA_ADDRESS
 * @param txQueueLen IFLA_TXQLEN
 * @param namespace  create the link directly inside this namespace (IFLA_NET_NS_FD at the top
 *                   level), instead of the one the {@link Links} handle talks to; the namespace
 *                   must stay open until the request is done
 * @param up         set IFF_UP in the same request
 * @param master     IFLA_MASTER: enslave the new link to this ifindex (a bridge or bond in the
 *                   namespace the link is created in) in the same request, saving a round trip
 */
public record LinkOptions(Integer mtu, MacAddress mac, Integer txQueueLen, NetNamespace namespace, boolean up,
                          Integer master) {
    /** No options: everything as the kernel chooses. */
    public static final LinkOptions DEFAULTS = new LinkOptions(null, null, null, null, false, null);

    public LinkOptions {
        if (mtu != null && mtu <= 0) {
            throw new IllegalArgumentException("mtu must be positive, not " + mtu);
        }
        if (txQueueLen != null && txQueueLen < 0) {
            throw new IllegalArgumentException("txqueuelen must not be negative, not " + txQueueLen);
        }
        if (master != null && master <= 0) {
            throw new IllegalArgumentException("master must be an ifindex, not " + master);
        }
    }

    /** These options with another MTU. */
    public LinkOptions withMtu(int mtu) {
        return new LinkOptions(mtu, mac, txQueueLen, namespace, up, master);
    }

    /** These options with another MAC address. */
    public LinkOptions withMac(MacAddress mac) {
        return new LinkOptions(mtu, mac, txQueueLen, namespace, up, master);
    }

    /** These options with another transmit queue length. */
    public LinkOptions withTxQueueLen(int txQueueLen) {
        return new LinkOptions(mtu, mac, txQueueLen, namespace, up, master);
    }

    /** These options with another target namespace. */
    public LinkOptions withNamespace(NetNamespace namespace) {
        return new LinkOptions(mtu, mac, txQueueLen, namespace, up, master);
    }

    /** These options, bringing the link up or not. */
    public LinkOptions withUp(boolean up) {
        return new LinkOptions(mtu, mac, txQueueLen, namespace, up, master);
    }

    /** These options, enslaving the new link to ifindex {@code master}. */
    public LinkOptions withMaster(int master) {
        return new LinkOptions(mtu, mac, txQueueLen, namespace, up, master);
    }
}
