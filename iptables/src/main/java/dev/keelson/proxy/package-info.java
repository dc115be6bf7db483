/**
 * The Service forwarding rule engine: a model of Services and EndpointSlices, a pure compiler
 * from that model to rule transactions, and the nftables and iptables backends that apply them.
 */
package dev.keelson.proxy;
