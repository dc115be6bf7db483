package dev.keelson.cni.ipam.hostlocal;

import java.net.InetAddress;

/**
 * Walks a range set's candidate addresses in the reference's round-robin order: from the address
 * after the set's last reserved one (or from the first range's rangeStart when there is none, or
 * when it is no longer in the set), through the end of its range, on into the next range, wrapping
 * from the last range to the first, until it arrives back where it started. Gateways are skipped.
 */
final class RangeIterator {
    private final RangeSet set;
    private int rangeIdx;
    private InetAddress cur;
    private InetAddress start;

    RangeIterator(RangeSet set, InetAddress lastReserved) {
        this.set = set;
        if (lastReserved != null) {
            for (int i = 0; i < set.ranges().size(); i++) {
                if (set.ranges().get(i).contains(lastReserved)) {
                    rangeIdx = i;
                    cur = lastReserved;
                    return;
                }
            }
        }
        start = set.ranges().getFirst().rangeStart();
    }

    /** The next candidate, or null once every address has been offered. */
    InetAddress next() {
        while (true) {
            IpRange r = set.ranges().get(rangeIdx);
            if (cur == null) {
                cur = r.rangeStart();
                start = cur;
                if (!cur.equals(r.gateway())) {
                    return cur;
                }
                continue;
            }
            if (cur.equals(r.rangeEnd())) {
                rangeIdx = (rangeIdx + 1) % set.ranges().size();
                r = set.ranges().get(rangeIdx);
                cur = r.rangeStart();
            } else {
                cur = Ips.next(cur);
            }
            if (start == null) {
                start = cur;
            } else if (cur.equals(start)) {
                return null;
            }
            if (!cur.equals(r.gateway())) {
                return cur;
            }
        }
    }

    /** The range the last candidate came from. */
    IpRange range() {
        return set.ranges().get(rangeIdx);
    }
}
