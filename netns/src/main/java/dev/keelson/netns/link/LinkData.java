package dev.keelson.netns.link;

/**
 * What the kernel reports about a link of a known kind (its IFLA_LINKINFO / IFLA_INFO_DATA), typed.
 * {@link Link#data()} is null for kinds without a record here.
 */
public sealed interface LinkData permits VethData, BridgeData, MacvlanData, IpvlanData, VlanData, VxlanData {
}
