package io.replikv.server.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Base ports for local clusters in integration tests: a base P such that P+i, P+100+i and
 * P+200+i are free for i = 0..nodes (the view service uses i = 0). Probing starts at an offset
 * drawn from this JVM's pid, so two test runs on one machine (two checkouts, say) rarely probe
 * the same ports at the same moment; a port taken between the probe and the bind still fails
 * the test with a clear BindException in the node's log.
 */
final class Ports {
    private Ports() {}

    /** Bases are multiples of 1,000 in [20,000, 60,000). */
    static final int BASE_MIN = 20_000, BASE_MAX = 60_000, STRIDE = 1_000;

    private static int next = BASE_MIN + (int) (ProcessHandle.current().pid() % ((BASE_MAX - BASE_MIN) / STRIDE)) * STRIDE;

    /** A free base for {@code nodes} nodes, never the same one twice in this JVM. */
    static int freeBasePort(int nodes) {
        return freeBasePort(nodes, 1);
    }

    /**
     * A free base for {@code nodes} nodes and a view service of {@code viewServices} members
     * (members 2.. sit on P+100-10*(j-1) and P+200-10*(j-1), see ClusterCommand).
     */
    static synchronized int freeBasePort(int nodes, int viewServices) {
        for (int tries = 0; tries < (BASE_MAX - BASE_MIN) / STRIDE; tries++) {
            int p = next;
            next = next + STRIDE >= BASE_MAX ? BASE_MIN : next + STRIDE;
            boolean all = true;
            for (int i = 0; i <= nodes && all; i++) all = free(p + i) && free(p + 100 + i) && free(p + 200 + i);
            for (int j = 1; j < viewServices && all; j++) all = free(p + 100 - 10 * j) && free(p + 200 - 10 * j);
            if (all) return p;
        }
        throw new IllegalStateException("no free base port in [" + BASE_MIN + ", " + BASE_MAX + ")");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
