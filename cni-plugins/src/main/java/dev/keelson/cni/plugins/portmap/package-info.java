/** The {@code portmap} plugin on nftables: host ports DNAT'ed to a container, O(1) per packet and per DEL. */
package dev.keelson.cni.plugins.portmap;
