package dev.keelson.cni.plugins.common;

import dev.keelson.cni.spec.CniException;
import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import java.time.Duration;
import java.util.List;

/**
 * Waiting for IPv6 duplicate address detection to finish on an interface. The kernel marks an
 * address IFA_F_TENTATIVE while it probes (one Neighbour Solicitation and RetransTimer, 1 s, by
 * default), then clears it, or sets IFA_F_DADFAILED if another node answered (linux/if_addr.h,
 * net/ipv6/addrconf.c). The reference polls the same way ({@code ip.SettleAddresses}).
 */
final class DadWait {
    /** The reference's later limit (v1.1.1 waited 10 s and then went on regardless). */
    static final Duration LIMIT = Duration.ofSeconds(5);
    private static final long POLL_MS = 20;

    private DadWait() {
    }

    /** Returns once no address of {@code index} is tentative; a failed DAD or the limit is an error. */
    static void settle(Addresses addrs, String ifName, int index) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            List<Address> list = addrs.list(index, RouteAttrs.AF_UNSPEC);
            boolean tentative = false;
            for (Address a : list) {
                if (a.hasFlag(RouteAttrs.IFA_F_DADFAILED)) {
                    throw new CniException(CniException.INTERNAL, "IPv6 address " + a.prefix() + " on \"" + ifName
                            + "\" failed duplicate address detection: another node on the link uses it");
                }
                tentative |= a.hasFlag(RouteAttrs.IFA_F_TENTATIVE);
            }
            if (!tentative) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CniException(CniException.INTERNAL, "link " + ifName + " still has tentative addresses after "
                        + LIMIT.toSeconds() + " seconds");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CniException(CniException.INTERNAL, "interrupted while waiting for DAD on " + ifName);
            }
        }
    }
}
