package dev.keelson.cni.ipam.hostlocal;

/**
 * A container's interface: the key allocations are recorded under.
 *
 * @param containerId the container id ({@code CNI_CONTAINERID})
 * @param ifname the interface name ({@code CNI_IFNAME})
 */
public record Attachment(String containerId, String ifname) {
}
