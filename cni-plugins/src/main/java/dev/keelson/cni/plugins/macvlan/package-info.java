/**
 * The {@code macvlan} CNI plugin: a macvlan on a host lower device, created directly inside the
 * container's namespace, addresses from a delegated IPAM plugin, every ADD step undone on failure.
 */
package dev.keelson.cni.plugins.macvlan;
