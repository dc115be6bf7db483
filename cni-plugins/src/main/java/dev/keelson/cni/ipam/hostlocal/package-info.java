/**
 * host-local IPAM, compatible with the reference (containernetworking/plugins v1.1.1) in config,
 * allocation order, error messages and on-disk layout: {@link dev.keelson.cni.ipam.hostlocal.HostLocalConfig}
 * parses the network config, {@link dev.keelson.cni.ipam.hostlocal.HostLocal} runs ADD, DEL, CHECK
 * and GC. Independent of the spec types for now; errors are
 * {@link dev.keelson.cni.ipam.hostlocal.IpamException} with a CNI code.
 */
package dev.keelson.cni.ipam.hostlocal;
