package dev.keelson.netns.link;

/**
 * A veth: the kernel reports no IFLA_INFO_DATA for it, only the peer's index as IFLA_LINK — an
 * index in the namespace named by {@link Link#linkNetnsId()} when the peer lives elsewhere.
 *
 * @param peerIndex the peer's ifindex, or 0 if not reported
 */
public record VethData(int peerIndex) implements LinkData {
}
