package io.replikv.sim.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.pb.PbClientConfig;
import io.replikv.core.pb.PbClientCore;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.pb.PbServerCore;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.sim.Cluster;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import io.replikv.sim.NodeFactory;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * The original pbservice test setting on the simulator (specs §1.1, §4.5, §5): one view service
 * "vs", servers s1, s2, ... started and killed by the test, clients c1.. that find the primary
 * through the view service. One tick is 10 ms: the original 100 ms ping interval is 10 ticks, one
 * second is {@link #SECOND} ticks. Kill = crash (no more messages or ticks); a restart builds the
 * server again at the same name from what its simulated disk kept (it recovers its state but holds
 * no view, so it rejoins as the original restarted server does, docs/pb.md). The network is reliable (1 tick per message) unless a
 * test makes a server unreliable, which is the original lab fault model.
 */
final class PbSim {
    static final NodeId VS = NodeId.of("vs");
    /** The members of a replicated view service ({@link #PbSim(int, long, int, int, Function, LinkSettings, DiskSettings, PbConfig)}). */
    static final List<NodeId> VS_MEMBERS = List.of(NodeId.of("vs1"), NodeId.of("vs2"), NodeId.of("vs3"));
    /** One second of the original tests, in 10 ms ticks. */
    static final long SECOND = 100;
    static final long PING_INTERVAL = ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT;
    static final long DEAD_TIME = PING_INTERVAL * ViewServiceConfig.DEAD_PINGS_DEFAULT;
    /** How long a "check" (a Get or Put that must succeed) may take before the test fails. */
    static final long OPERATION_TICKS_MAX = 30 * SECOND;

    final Cluster c;
    final int backups;
    /** The view service's nodes: "vs", or the members of the replicated one. */
    final List<NodeId> viewServices;
    private final NodeFactory serverFactory;
    private long viewsRecoveredSeen;
    private final TreeSet<NodeId> started = new TreeSet<>();

    PbSim(long seed, int backups, int clients) {
        this(seed, backups, clients, id -> PbClientConfig.DEFAULT);
    }

    PbSim(long seed, int backups, int clients, Function<NodeId, PbClientConfig> clientConfig) {
        this(seed, backups, clients, clientConfig, LinkSettings.RELIABLE);
    }

    PbSim(long seed, int backups, int clients, Function<NodeId, PbClientConfig> clientConfig, LinkSettings network) {
        this(seed, backups, clients, clientConfig, network, DiskSettings.IMMEDIATE, PbConfig.DEFAULT);
    }

    PbSim(long seed, int backups, int clients, Function<NodeId, PbClientConfig> clientConfig, LinkSettings network,
          DiskSettings disk, PbConfig serverConfig) {
        this(1, seed, backups, clients, clientConfig, network, disk, serverConfig);
    }

    /**
     * With {@code viewServiceMembers} = 1 the single view service "vs"; with 3, a replicated one
     * ({@link ReplicatedPbViewService}) of members vs1..vs3, which servers and clients all know.
     */
    PbSim(int viewServiceMembers, long seed, int backups, int clients, Function<NodeId, PbClientConfig> clientConfig,
          LinkSettings network, DiskSettings disk, PbConfig serverConfig) {
        this.backups = backups;
        this.viewServices = viewServiceMembers == 1 ? List.of(VS) : VS_MEMBERS;
        List<NodeId> vs = viewServices;
        ViewServiceConfig config = ViewServiceConfig.DEFAULT.withBackupsMax(backups);
        this.serverFactory = (id, prng, storage) -> new PbServerCore(id, vs, serverConfig, storage);
        Cluster.Builder b = Cluster.builder().seed(seed);
        if (viewServiceMembers == 1) {
            b.node(VS, (id, prng, storage) -> new ViewServiceCore(id, config, storage));
        } else {
            for (NodeId m : vs) {
                b.node(m, (id, prng, storage) ->
                        ReplicatedPbViewService.member(id, vs, storage, prng, config, ReplicatedPbViewService.REPLICATED));
            }
        }
        this.c = b.clients(clients, (id, known, prng) -> new PbClientCore(id, known, prng, clientConfig.apply(id)))
                .clientServers(vs)
                .network(network)
                .disk(disk)
                .build();
        c.afterEachTick("synced servers at the same index hold the same state", this::checkSameIndexSameState);
        c.afterEachTick("views recovered, noted", () -> viewsRecoveredSeen = Math.max(viewsRecoveredSeen,
                Long.parseLong(vs().status().details().get("viewsRecovered"))));
        if (viewServiceMembers > 1) {
            c.afterEachTick("copies of the view service agree", () -> ReplicatedPbViewService.checkCopiesAgree(c, vs));
        }
    }

    /**
     * Checked after every tick: any two live synced servers that applied the same number of
     * updates of the primaries' stream hold identical state machines. (A primary applies an
     * update only after every backup of its view accepted it, and a server that may have missed
     * one is not synced, so equal positions mean equal histories.)
     */
    private void checkSameIndexSameState() {
        java.util.TreeMap<Long, List<NodeId>> byIndex = new java.util.TreeMap<>();
        for (NodeId s : started) {
            if (!c.alive(s) || !server(s).synced()) continue;
            byIndex.computeIfAbsent(server(s).index(), i -> new ArrayList<>()).add(s);
        }
        for (List<NodeId> group : byIndex.values()) {
            if (group.size() < 2) continue;
            long digest = server(group.getFirst()).stateMachine().digest();
            for (NodeId s : group) {
                if (server(s).stateMachine().digest() != digest) {
                    throw new AssertionError("servers " + group + " at index " + server(s).index() + " disagree");
                }
            }
        }
    }

    static NodeId s(int n) {
        return NodeId.of("s" + n);
    }

    /** Starts server s{n}, or a fresh one with empty state in place of a killed s{n}. */
    NodeId start(int n) {
        NodeId id = s(n);
        if (started.add(id)) {
            c.simulator().addNode(id, serverFactory);
        } else {
            c.restart(id);
        }
        return id;
    }

    void kill(NodeId id) {
        c.crash(id);
    }

    /** The view service: the single one, or the newest copy of the replicated one. */
    ViewServiceCore vs() {
        if (viewServices.size() == 1) return c.node(VS, ViewServiceCore.class);
        return ReplicatedPbViewService.newestCopy(c, viewServices);
    }

    /**
     * The most views the service (any copy, at any tick) had made from recovered data since its
     * last restart: the counter itself restarts with the service (and with the compactions of a
     * replicated one).
     */
    long viewsRecoveredSeen() {
        return viewsRecoveredSeen;
    }

    /** Crashes every node of the view service. */
    void crashViewService() {
        for (NodeId m : viewServices) c.crash(m);
    }

    /** Restarts every node of the view service (from their disks). */
    void restartViewService() {
        for (NodeId m : viewServices) c.restart(m);
    }

    View view() {
        return vs().view();
    }

    NodeId primary() {
        return view().primary();
    }

    PbServerCore server(NodeId id) {
        return c.node(id, PbServerCore.class);
    }

    PbClientCore client(int index) {
        return c.node(c.client(index), PbClientCore.class);
    }

    void sleep(long ticks) {
        c.tick(ticks);
    }

    /** The original poll loops: tick until the view satisfies {@code test}, at most {@code maxTicks}; no failure. */
    boolean pollView(Predicate<View> test, long maxTicks) {
        return poll(() -> test.test(view()), maxTicks);
    }

    boolean poll(BooleanSupplier condition, long maxTicks) {
        for (long t = 0; t < maxTicks; t++) {
            if (condition.getAsBoolean()) return true;
            c.tick();
        }
        return condition.getAsBoolean();
    }

    static boolean hasPrimaryAndBackup(View v) {
        return v.primary() != null && !v.backups().isEmpty();
    }

    /** The original {@code check(ck, key, value)}: a Get through client {@code client} must return {@code value}. */
    void check(int client, String key, String value) {
        assertThat(c.get(client, key, OPERATION_TICKS_MAX)).as("get %s; %s", key, c.seedHint()).isEqualTo(value);
    }

    void put(int client, String key, String value) {
        c.put(client, key, value, OPERATION_TICKS_MAX);
    }

    void append(int client, String key, String value) {
        c.append(client, key, value, OPERATION_TICKS_MAX);
    }

    /** What one simulated client does in a concurrent phase: the next command (null: stop), and what came of it. */
    interface Loop {
        Command next();

        default void done(Command command, Outcome outcome) {}
    }

    /**
     * Runs the loops concurrently for {@code ticks} ticks (each client one operation at a time,
     * pausing {@code pauseTicks} between operations, as the original client threads sleep), calling
     * {@code everyTick} with the elapsed tick (the killer thread); then lets every client finish its
     * operation in flight, as the 2015 tests wait for their client threads.
     */
    void runConcurrently(List<Loop> loops, long ticks, long pauseTicks, LongConsumer everyTick) {
        runConcurrently(loops, ticks, pauseTicks, everyTick, () -> { });
    }

    /** As above, calling {@code beforeFinish} (heal the faults, say) before waiting for the last operations. */
    void runConcurrently(List<Loop> loops, long ticks, long pauseTicks, LongConsumer everyTick, Runnable beforeFinish) {
        int n = loops.size();
        Cluster.Invocation[] inFlight = new Cluster.Invocation[n];
        Command[] commands = new Command[n];
        long[] readyAt = new long[n];
        boolean[] stopped = new boolean[n];
        for (long t = 0; t < ticks; t++) {
            for (int i = 0; i < n; i++) {
                if (inFlight[i] != null || stopped[i] || t < readyAt[i]) continue;
                commands[i] = loops.get(i).next();
                if (commands[i] == null) {
                    stopped[i] = true;
                } else {
                    inFlight[i] = c.invoke(i, commands[i]);
                }
            }
            c.tick();
            everyTick.accept(t);
            collect(loops, inFlight, commands, readyAt, t + 1 + pauseTicks);
        }
        beforeFinish.run();
        for (int i = 0; i < n; i++) {
            if (inFlight[i] == null) continue;
            int client = i;
            c.tickUntil("client " + c.client(i) + " finishes its last operation",
                    () -> c.done(inFlight[client]), OPERATION_TICKS_MAX);
            collect(loops, inFlight, commands, readyAt, 0);
        }
    }

    private void collect(List<Loop> loops, Cluster.Invocation[] inFlight, Command[] commands, long[] readyAt, long next) {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] == null || !c.done(inFlight[i])) continue;
            loops.get(i).done(commands[i], c.outcome(inFlight[i]));
            inFlight[i] = null;
            readyAt[i] = next;
        }
    }

    /**
     * The original append checker: for every client i and every n below its count of acknowledged
     * appends, "x i n y" occurs exactly once, at offsets increasing with n. Appends whose outcome
     * was indefinite may be present (once, in order) or absent.
     */
    static void checkAppends(String value, List<List<Outcome>> outcomesPerClient, String seedHint) {
        for (int i = 0; i < outcomesPerClient.size(); i++) {
            int lastOffset = -1;
            List<Outcome> outcomes = outcomesPerClient.get(i);
            for (int n = 0; n < outcomes.size(); n++) {
                String piece = "x " + i + " " + n + " y";
                int first = value.indexOf(piece);
                int last = value.lastIndexOf(piece);
                assertThat(first).as("%s appended more than once; %s", piece, seedHint).isEqualTo(last);
                if (outcomes.get(n) instanceof Outcome.Ok) {
                    assertThat(first).as("acknowledged %s missing; %s", piece, seedHint).isNotNegative();
                }
                if (first < 0) continue;
                assertThat(first).as("%s out of order; %s", piece, seedHint).isGreaterThan(lastOffset);
                lastOffset = first;
            }
        }
    }

    /** The view is acknowledged, its members alive, and every backup holds the primary's state. */
    boolean stable() {
        View v = view();
        if (!vs().acknowledged() || v.primary() == null) return false;
        for (NodeId m : v.members()) {
            if (!c.alive(m) || !server(m).synced()) return false;
        }
        return server(v.primary()).serving();
    }

    /**
     * The whole history so far is linearizable (per key; indefinite operations may take effect at
     * any time after their call). These histories are small enough for the default budget, and a
     * run is deterministic, so an UNKNOWN verdict (budget exhausted) fails too rather than pass
     * unproven; a violation fails with the checker's report.
     */
    CheckResult checkLinearizable() {
        CheckResult result = LinearizabilityChecker.check(c.history());
        assertThat(result.verdict()).as("%s%s", result.report(), c.seedHint())
                .isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        return result;
    }

    /** Every member of the current view that is alive and synced holds the same state. */
    void checkReplicasAgree() {
        List<Long> digests = new ArrayList<>();
        for (NodeId m : view().members()) {
            if (!c.alive(m) || !server(m).synced()) continue;
            digests.add(server(m).stateMachine().digest());
        }
        assertThat(new TreeSet<>(digests)).as("replica digests of %s; %s", view(), c.seedHint()).hasSizeLessThanOrEqualTo(1);
    }
}
