package dev.keelson.cni.ipam.hostlocal;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A range set: the ranges one attachment gets exactly one address from. All ranges have the same
 * family and none overlap (checked by {@link #of}).
 *
 * @param ranges the ranges, in config order
 */
public record RangeSet(List<IpRange> ranges) {

    /** Copies the list. */
    public RangeSet {
        ranges = List.copyOf(ranges);
    }

    /** Validates a set as the reference does: non-empty, one family, no overlap inside. */
    static RangeSet of(List<IpRange> ranges) throws IpamException {
        if (ranges.isEmpty()) {
            throw new IpamException(IpamException.INVALID_CONFIG, "empty range set");
        }
        for (IpRange r : ranges) {
            if (!Ips.sameFamily(r.rangeStart(), ranges.getFirst().rangeStart())) {
                throw new IpamException(IpamException.INVALID_CONFIG, "mixed address families");
            }
        }
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                if (ranges.get(i).overlaps(ranges.get(j))) {
                    throw new IpamException(IpamException.INVALID_CONFIG,
                            "subnets " + ranges.get(i) + " and " + ranges.get(j) + " overlap");
                }
            }
        }
        return new RangeSet(ranges);
    }

    /** The first range containing {@code a}, or null. */
    public IpRange rangeFor(InetAddress a) {
        for (IpRange r : ranges) {
            if (r.contains(a)) {
                return r;
            }
        }
        return null;
    }

    /** Whether some range of the set contains {@code a}. */
    public boolean contains(InetAddress a) {
        return rangeFor(a) != null;
    }

    boolean overlaps(RangeSet o) {
        return ranges.stream().anyMatch(r -> o.ranges.stream().anyMatch(r::overlaps));
    }

    boolean isIpv4() {
        return ranges.getFirst().rangeStart().getAddress().length == 4;
    }

    /** The ranges joined with commas, as the reference prints a set in its messages. */
    @Override
    public String toString() {
        return ranges.stream().map(IpRange::toString).collect(Collectors.joining(","));
    }
}
