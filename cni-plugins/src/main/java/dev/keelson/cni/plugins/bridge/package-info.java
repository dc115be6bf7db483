/**
 * The {@code bridge} CNI plugin: a veth pair from the container to a Linux bridge in the host
 * namespace, addresses from a delegated IPAM plugin, every ADD step undone on failure.
 */
package dev.keelson.cni.plugins.bridge;
