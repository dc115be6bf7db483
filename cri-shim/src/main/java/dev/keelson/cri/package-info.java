/**
 * The CRI shim: {@code runtime.v1} RuntimeService and ImageService over a Unix socket — pod
 * sandboxes (network namespace, CNI, pause), containers run by runc or crun, images pulled from
 * OCI registries into overlayfs snapshots.
 */
package dev.keelson.cri;
