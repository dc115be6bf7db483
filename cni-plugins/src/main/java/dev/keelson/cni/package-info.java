/**
 * Keelson's CNI: the spec (network configs, results, errors, versions), the plugins (bridge,
 * macvlan, host-local, loopback, portmap) and the runtime-side invoker. Work in progress; see
 * issue 4.
 */
package dev.keelson.cni;
