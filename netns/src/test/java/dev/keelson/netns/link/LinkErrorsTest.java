package dev.keelson.netns.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.NotFoundException;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import org.junit.jupiter.api.Test;

/** Failure paths give typed errors that name the request and the link; ensure is idempotent. */
@KernelTest
class LinkErrorsTest extends LinkFixture {

    @Test
    void creatingATakenNameIsAlreadyExists() {
        links.add(Bridge.named("br0"));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> links.add(Bridge.named("br0")));
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK(\"br0\" bridge) failed: EEXIST"), e.getMessage());
        links.add(Veth.named("v0").peer("v1"));
        assertThrows(AlreadyExistsException.class, () -> links.add(Veth.named("v2").peer("v1")),
                "a taken peer name too");
        assertFalse(Ip.exists(A, "v2"));
    }

    @Test
    void aMissingLinkIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> links.get("nope"));
        assertEquals("ENODEV", e.symbol());
        assertEquals("RTM_GETLINK(\"nope\") failed: ENODEV (No such device)", e.getMessage());
        assertThrows(NotFoundException.class, () -> links.get(9999));
        assertThrows(NotFoundException.class, () -> links.delete("nope"));
        assertThrows(NotFoundException.class, () -> links.setMtu("nope", 1400));
        assertThrows(NotFoundException.class, () -> links.setUp("nope"));
        assertTrue(links.find("nope").isEmpty());
        assertFalse(links.deleteIfExists("nope"));
    }

    @Test
    void aMissingLowerDeviceIsNotFoundAndSaysWhichOne() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> links.add(Macvlan.named("mv0", "eth9")));
        assertTrue(e.getMessage().contains("the lower device of macvlan \"mv0\" does not exist"), e.getMessage());
    }

    @Test
    void aBadMtuIsEinvalWithTheKernelsReason() {
        links.add(Veth.named("v0").peer("v1"));
        ErrnoException low = assertThrows(ErrnoException.class, () -> links.setMtu("v0", 10));
        assertEquals(ErrnoException.class, low.getClass());
        assertEquals(Errno.EINVAL, low.errno());
        assertTrue(low.detail().contains("mtu less than device minimum"), low.detail());
        assertTrue(low.getMessage().startsWith("RTM_NEWLINK(\"v0\" mtu 10) failed: EINVAL (Invalid argument): "),
                low.getMessage());
        ErrnoException high = assertThrows(ErrnoException.class, () -> links.add(Bridge.named("br0").mtu(70000)));
        assertEquals(Errno.EINVAL, high.errno());
        assertTrue(high.detail().contains("mtu greater than device maximum"), high.detail());
        assertEquals(1500L, Ip.num(Ip.link(A, "v0"), "mtu"));
    }

    @Test
    void ensureReturnsTheExistingLinkOfTheSameKind() {
        Link created = links.ensure(Bridge.named("cni0").up());
        Link again = links.ensure(Bridge.named("cni0").up());
        assertEquals(created.index(), again.index());
        assertTrue(again.isUp());
        assertEquals(1, Ip.links(A).stream().filter(m -> "cni0".equals(m.get("ifname"))).count());
    }

    @Test
    void ensureOnAnotherKindFailsClearly() {
        links.add(Veth.named("cni0").peer("cni0p"));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> links.ensure(Bridge.named("cni0")));
        assertTrue(e.getMessage().contains("\"cni0\" already exists but is not a bridge (it is a veth)"), e.getMessage());
        assertEquals("veth", Ip.obj(Ip.link(A, "cni0"), "linkinfo").get("info_kind"));
    }

    @Test
    void ensureReadsBackFromTheTargetNamespace() {
        Link first = links.ensure(Bridge.named("br-b").inNamespace(nsB));
        Link second = links.ensure(Bridge.named("br-b").inNamespace(nsB));
        assertEquals(first, second);
        assertEquals(linksB.get("br-b").index(), first.index());
        assertFalse(Ip.exists(A, "br-b"));
    }

    @Test
    void badNamesAreRefusedBeforeAnyRequest() {
        assertThrows(IllegalArgumentException.class, () -> Bridge.named("a-name-that-is-too-long"));
        assertThrows(IllegalArgumentException.class, () -> Bridge.named("a/b"));
        assertThrows(IllegalArgumentException.class, () -> links.get(""));
        assertThrows(IllegalArgumentException.class, () -> Vlan.named("v", "eth0", 4095));
        assertThrows(IllegalArgumentException.class, () -> Vxlan.named("vx", 1 << 24));
    }
}
