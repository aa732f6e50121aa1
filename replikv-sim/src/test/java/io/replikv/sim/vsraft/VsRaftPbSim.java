package io.replikv.sim.vsraft;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.pb.PbClientConfig;
import io.replikv.core.pb.PbClientCore;
import io.replikv.core.pb.PbConfig;
import io.replikv.core.pb.PbServerCore;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.sim.Cluster;
import io.replikv.sim.DiskSettings;
import io.replikv.sim.LinkSettings;
import io.replikv.sim.pb.ReplicatedPbViewService;
import io.replikv.sim.NodeFactory;
import io.replikv.sim.check.CheckResult;
import io.replikv.sim.check.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mode pb with a replicated view service on the simulator: view-service members vs1..vsN (a Raft
 * group of {@link ReplicatedNode}s over {@code ViewServiceCore}, each with its own simulated disk;
 * {@link ReplicatedPbViewService}), pb servers s1, s2,
 * ... started and killed by the test (journalling on their simulated disks), clients c1.. that know
 * every view-service member. One tick is 10 ms, as in the pb suites.
 */
final class VsRaftPbSim {
    static final ReplicatedConfig REPLICATED = ReplicatedPbViewService.REPLICATED;

    static final long SECOND = 100;
    static final long PING_INTERVAL = ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT;
    static final long DEAD_TIME = PING_INTERVAL * ViewServiceConfig.DEAD_PINGS_DEFAULT;
    static final long OPERATION_TICKS_MAX = 30 * SECOND;

    final Cluster c;
    final List<NodeId> viewServices;
    private final NodeFactory serverFactory;
    private final TreeSet<NodeId> started = new TreeSet<>();

    VsRaftPbSim(long seed, int viewServiceMembers, int backups, int clients, LinkSettings network) {
        this(seed, viewServiceMembers, backups, clients, network, DiskSettings.IMMEDIATE, PbConfig.DEFAULT, REPLICATED);
    }

    VsRaftPbSim(long seed, int viewServiceMembers, int backups, int clients, LinkSettings network,
                DiskSettings disk, PbConfig serverConfig, ReplicatedConfig replicated) {
        this.viewServices = vsIds(viewServiceMembers);
        List<NodeId> vs = viewServices;
        // the recovered storage, so a restarted server journals on the disk it recovered from
        this.serverFactory = (id, prng, storage) -> new PbServerCore(id, vs, serverConfig, storage);
        ViewServiceConfig config = ViewServiceConfig.DEFAULT.withBackupsMax(backups);
        Cluster.Builder b = Cluster.builder().seed(seed);
        for (NodeId m : vs) {
            b.node(m, (id, prng, storage) -> ReplicatedPbViewService.member(id, vs, storage, prng, config, replicated));
        }
        this.c = b.clients(clients, (id, known, prng) -> new PbClientCore(id, known, prng, PbClientConfig.DEFAULT))
                .clientServers(vs)
                .network(network)
                .disk(disk)
                .build();
        c.afterEachTick("synced servers at the same index hold the same state", this::checkSameIndexSameState);
        c.afterEachTick("committed views agree", this::checkCommittedViewsAgree);
        c.afterEachTick("copies of the view service agree", () -> ReplicatedPbViewService.checkCopiesAgree(c, vs));
    }

    static List<NodeId> vsIds(int n) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) ids.add(NodeId.of("vs" + i));
        return List.copyOf(ids);
    }

    static NodeId s(int n) {
        return NodeId.of("s" + n);
    }

    NodeId start(int n) {
        NodeId id = s(n);
        if (started.add(id)) {
            c.simulator().addNode(id, serverFactory);
        } else {
            c.restart(id);
        }
        return id;
    }

    ReplicatedNode member(NodeId id) {
        return c.node(id, ReplicatedNode.class);
    }

    /** The member's copy of the view service. */
    ViewServiceCore inner(NodeId id) {
        return ReplicatedPbViewService.inner(member(id));
    }

    /** The view the member's copy holds (committed: copies apply committed inputs only). */
    View memberView(NodeId id) {
        return inner(id).view();
    }

    boolean memberAcknowledged(NodeId id) {
        return inner(id).acknowledged();
    }

    boolean isLeader(NodeId id) {
        return member(id).isLeader();
    }

    long term(NodeId id) {
        return member(id).core().term();
    }

    /** The live leader with the newest term, or null. */
    NodeId leader() {
        NodeId best = null;
        for (NodeId m : viewServices) {
            if (!c.alive(m) || !isLeader(m)) continue;
            if (best == null || term(m) > term(best)) best = m;
        }
        return best;
    }

    NodeId awaitLeader() {
        c.tickUntil("a view-service leader", () -> leader() != null, 10 * SECOND);
        return leader();
    }

    /** The newest view any member has applied (committed), and whether it is acknowledged there. */
    View view() {
        return memberView(newest());
    }

    boolean acknowledged() {
        return memberAcknowledged(newest());
    }

    private NodeId newest() {
        NodeId best = null;
        for (NodeId m : viewServices) {
            if (best == null || memberView(m).number() > memberView(best).number()
                    || memberView(m).number() == memberView(best).number() && memberAcknowledged(m)) {
                best = m;
            }
        }
        return best;
    }

    PbServerCore server(NodeId id) {
        return c.node(id, PbServerCore.class);
    }

    /** The view is acknowledged, its members alive and synced, and its primary serving. */
    boolean stable() {
        View v = view();
        if (!acknowledged() || v.primary() == null) return false;
        for (NodeId m : v.members()) {
            if (!c.alive(m) || !server(m).synced()) return false;
        }
        return server(v.primary()).serving();
    }

    void awaitStable(String what, long maxTicks) {
        c.tickUntil(what, this::stable, maxTicks);
    }

    /** Any two members that applied a view with the same number hold the same view (a committed view is one view). */
    private void checkCommittedViewsAgree() {
        TreeMap<Long, View> seen = new TreeMap<>();
        for (NodeId m : viewServices) {
            View v = memberView(m);
            View other = seen.putIfAbsent(v.number(), v);
            if (other != null && !other.equals(v)) throw new AssertionError("members disagree on " + other + " / " + v);
        }
    }

    private void checkSameIndexSameState() {
        TreeMap<Long, List<NodeId>> byIndex = new TreeMap<>();
        for (NodeId s : started) {
            if (!c.alive(s) || !server(s).synced()) continue;
            byIndex.computeIfAbsent(server(s).index(), i -> new ArrayList<>()).add(s);
        }
        for (List<NodeId> group : byIndex.values()) {
            long digest = server(group.getFirst()).stateMachine().digest();
            for (NodeId s : group) {
                if (server(s).stateMachine().digest() != digest) {
                    throw new AssertionError("servers " + group + " at index " + server(s).index() + " disagree");
                }
            }
        }
    }

    void check(int client, String key, String value) {
        assertThat(c.get(client, key, OPERATION_TICKS_MAX)).as("get %s; %s", key, c.seedHint()).isEqualTo(value);
    }

    void put(int client, String key, String value) {
        c.put(client, key, value, OPERATION_TICKS_MAX);
    }

    /** The whole history is linearizable; UNKNOWN (budget exhausted) fails too. */
    void checkLinearizable() {
        CheckResult result = LinearizabilityChecker.check(c.history());
        assertThat(result.verdict()).as("%s%s", result.report(), c.seedHint()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
    }
}
