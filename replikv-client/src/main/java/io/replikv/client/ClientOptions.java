package io.replikv.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How a {@link KvClient} connects and how long it waits. Build with {@link #of(String...)} and the
 * {@code with...} methods.
 *
 * @param seeds            "host:port" client addresses of some servers; any one that answers is enough
 * @param connectTimeout   how long a TCP connect may take before the server counts as unreachable
 * @param attemptTimeout   how long one attempt waits for its reply before the client tries the next server
 * @param retryBackoffMax  the ceiling of the randomised backoff between attempts after a refusal (BUSY, WRONG_SERVER)
 * @param operationTimeout give up an operation after this long (a write then ends in UnknownOutcomeException
 *                         if one of its attempts went unanswered); zero retries forever
 * @param tick             the length of one client-core tick: the granularity of all the timeouts above
 * @param sessions         how many sessions (and so operations in flight) the client runs concurrently
 * @param randomSeed       seeds the client ids and server choices; null draws one from SecureRandom (tests fix it)
 */
public record ClientOptions(List<String> seeds, Duration connectTimeout, Duration attemptTimeout,
                            Duration retryBackoffMax, Duration operationTimeout, Duration tick,
                            int sessions, Long randomSeed) {
    /** Most sessions per client: each is a thread and a connection per server. */
    public static final int SESSIONS_MAX = 256;

    public ClientOptions {
        seeds = List.copyOf(seeds);
        if (seeds.isEmpty()) throw new IllegalArgumentException("at least one seed address is needed");
        for (String seed : seeds) parseAddress(seed);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("attemptTimeout", attemptTimeout);
        requirePositive("retryBackoffMax", retryBackoffMax);
        requirePositive("tick", tick);
        if (operationTimeout.isNegative()) throw new IllegalArgumentException("operationTimeout must not be negative");
        if (sessions < 1 || sessions > SESSIONS_MAX) {
            throw new IllegalArgumentException("sessions must be 1.." + SESSIONS_MAX + ": " + sessions);
        }
    }

    /** Defaults: connect 1 s, attempt 1 s, backoff up to 1 s, operation 10 s, tick 10 ms, 4 sessions. */
    public static ClientOptions of(String... seeds) {
        return of(Arrays.asList(seeds));
    }

    public static ClientOptions of(List<String> seeds) {
        return new ClientOptions(seeds, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofMillis(10), 4, null);
    }

    public ClientOptions withConnectTimeout(Duration d) {
        return new ClientOptions(seeds, d, attemptTimeout, retryBackoffMax, operationTimeout, tick, sessions, randomSeed);
    }

    public ClientOptions withAttemptTimeout(Duration d) {
        return new ClientOptions(seeds, connectTimeout, d, retryBackoffMax, operationTimeout, tick, sessions, randomSeed);
    }

    public ClientOptions withRetryBackoffMax(Duration d) {
        return new ClientOptions(seeds, connectTimeout, attemptTimeout, d, operationTimeout, tick, sessions, randomSeed);
    }

    public ClientOptions withOperationTimeout(Duration d) {
        return new ClientOptions(seeds, connectTimeout, attemptTimeout, retryBackoffMax, d, tick, sessions, randomSeed);
    }

    public ClientOptions withTick(Duration d) {
        return new ClientOptions(seeds, connectTimeout, attemptTimeout, retryBackoffMax, operationTimeout, d, sessions, randomSeed);
    }

    public ClientOptions withSessions(int n) {
        return new ClientOptions(seeds, connectTimeout, attemptTimeout, retryBackoffMax, operationTimeout, tick, n, randomSeed);
    }

    public ClientOptions withRandomSeed(Long seed) {
        return new ClientOptions(seeds, connectTimeout, attemptTimeout, retryBackoffMax, operationTimeout, tick, sessions, seed);
    }

    /** A duration in ticks, rounded up, at least one. */
    long ticks(Duration d) {
        long t = (d.toNanos() + tick.toNanos() - 1) / tick.toNanos();
        return Math.max(1, t);
    }

    /**
     * Parses "host:port" ("[v6]:port" for IPv6 literals) into an unresolved address.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static InetSocketAddress parseAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) throw new IllegalArgumentException("not host:port: " + address);
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not host:port: " + address);
        }
        if (port < 1 || port > 65_535) throw new IllegalArgumentException("port out of range: " + address);
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive: " + d);
    }
}
