/**
 * The {@code host-local} IPAM plugin: a drop-in for the reference binary over
 * {@link dev.keelson.cni.ipam.hostlocal.HostLocal}'s allocator, exec'd through {@link
 * dev.keelson.cni.plugins.hostlocal.Main} or called in-process by other plugins through
 * {@link dev.keelson.cni.plugins.hostlocal.HostLocalPlugin#allocate}.
 */
package dev.keelson.cni.plugins.hostlocal;
