/**
 * nftables rules for the CNI plugins: {@link dev.keelson.cni.nft.IpMasq} (bridge {@code ipMasq}),
 * {@link dev.keelson.cni.nft.SpoofCheck} (bridge {@code macspoofchk}) and the shared
 * per-container-chain layout {@link dev.keelson.cni.nft.ContainerChains} that portmap uses too.
 */
package dev.keelson.cni.nft;
