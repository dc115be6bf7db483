/**
 * Images for the CRI shim: references ({@link dev.keelson.cri.image.ImageReference}), pulling from
 * OCI distribution registries ({@code registry}), the content-addressed store and image records
 * ({@code store}), layer unpacking into overlayfs snapshots ({@code unpack}), and the pull and
 * import flows that tie them together ({@link dev.keelson.cri.image.ImageService}).
 */
package dev.keelson.cri.image;
