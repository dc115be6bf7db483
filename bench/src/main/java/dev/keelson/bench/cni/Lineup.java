package dev.keelson.bench.cni;

/**
 * Who is measured: three network configs ({@link Scenario}) times the ways of running them
 * ({@link Kind}). Each pair has its own network name, bridge or macvlan master, subnet, host-local
 * data dir and pods, so that no contender's state leaks into another's numbers.
 */
final class Lineup {
    private Lineup() {
    }

    /** A network config under test. */
    enum Scenario {
        BRIDGE("bridge", 'b'), MACVLAN("macvlan", 'm'), MASQ("bridge ipMasq", 'q');

        final String label;
        final char code;

        Scenario(String label, char code) {
            this.label = label;
            this.code = code;
        }
    }

    /** A way of running it. */
    enum Kind {
        REFERENCE("reference (exec'd)", 'r'), EXEC("keelson exec'd (client + daemon)", 'e'),
        IN_PROCESS("keelson in-process", 'i'), FLOOR("kernel floor (C)", 'f');

        final String label;
        final char code;

        Kind(String label, char code) {
            this.label = label;
            this.code = code;
        }
    }

    /** One contender's identity. */
    record Entry(Scenario scenario, Kind kind) {
        /** Short and unique: link, network and pod names are made from it. */
        String id() {
            return "kbench-" + scenario.code + kind.code;
        }

        String label() {
            return scenario.label + " " + kind.label;
        }

        /** Its own /16: 10.200.0.0/16 upwards, one per scenario and kind. */
        String prefix() {
            return "10." + (200 + scenario.ordinal() * Kind.values().length + kind.ordinal());
        }

        /** The bridge (bridge scenarios) or the macvlan master (a veth in the node namespace). */
        String lower() {
            return id();
        }

        /** The network config the plugin gets on stdin (the floor has none). */
        String config(String dataDir) {
            String ipam = "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + prefix() + ".0.0/16\",\"dataDir\":\""
                    + dataDir + "\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}";
            String head = "{\"cniVersion\":\"1.0.0\",\"name\":\"" + id() + "\",";
            return switch (scenario) {
                case BRIDGE -> head + "\"type\":\"bridge\",\"bridge\":\"" + lower() + "\",\"isGateway\":true," + ipam + "}";
                case MASQ -> head + "\"type\":\"bridge\",\"bridge\":\"" + lower() + "\",\"isGateway\":true,\"ipMasq\":true,"
                        + ipam + "}";
                case MACVLAN -> head + "\"type\":\"macvlan\",\"master\":\"" + lower() + "\",\"mode\":\"bridge\"," + ipam + "}";
            };
        }
    }
}
