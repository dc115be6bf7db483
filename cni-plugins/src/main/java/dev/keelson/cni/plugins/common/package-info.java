/** What the main plugins (bridge, macvlan) share: the ADD undo stack and the container-side address and route set-up. */
package dev.keelson.cni.plugins.common;
