package io.replikv.sim.pb;

import io.replikv.core.NodeId;
import io.replikv.core.codec.Codec;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.TreeMap;

/**
 * The replicated view service of mode pb in the simulator suites: a {@link ReplicatedNode} per
 * member running a {@link ViewServiceCore} with its storage (so the copies persist their view and
 * apply the recovery rule), and the check that the copies stay identical.
 */
public final class ReplicatedPbViewService {
    private ReplicatedPbViewService() {}

    /** The inner view service's name: the same on every member, so the copies are identical. */
    public static final NodeId INNER_ID = NodeId.of("vs");

    /** Raft timing: the defaults (elections after 30..60 ticks, heartbeats every 10). */
    public static final RaftConfig RAFT = RaftConfig.DEFAULT;

    /**
     * Compaction every 200 entries: a run of a few seconds restarts the inner view service several
     * times (at about three entries per 10 ticks, every 6 s or so), while the 50-tick dead time
     * still fits between two restarts many times over.
     */
    public static final ReplicatedConfig REPLICATED = ReplicatedConfig.DEFAULT.withCompactionIntervalEntries(200);

    public static ReplicatedNode member(NodeId id, List<NodeId> members, Storage storage, Prng prng,
                                        ViewServiceConfig config, ReplicatedConfig replicated) {
        return new ReplicatedNode(id, members, storage, prng, RAFT, Codec.standard(),
                inner -> new ViewServiceCore(INNER_ID, config, inner), replicated);
    }

    public static ViewServiceCore inner(ReplicatedNode member) {
        return (ViewServiceCore) member.inner();
    }

    /**
     * The copy of the live member that applied most (the leader on ties); with every member down,
     * the first member's last copy (it still holds the view).
     */
    public static ViewServiceCore newestCopy(Cluster c, List<NodeId> members) {
        ReplicatedNode best = null;
        for (NodeId m : members) {
            if (!c.alive(m)) continue;
            ReplicatedNode n = c.node(m, ReplicatedNode.class);
            if (best == null || n.appliedIndex() > best.appliedIndex() || n.appliedIndex() == best.appliedIndex() && n.isLeader()) {
                best = n;
            }
        }
        return inner(best != null ? best : c.node(members.getFirst(), ReplicatedNode.class));
    }

    /**
     * Checked after every tick: live members that applied the same Raft index hold identical copies
     * of the view service — its storage, and its status (view, acknowledgement, liveness, restarts,
     * claims, counters). For any inner node (mode 2pc's group view service uses it too).
     */
    public static void checkCopiesAgree(Cluster c, List<NodeId> members) {
        TreeMap<Long, ReplicatedNode> byIndex = new TreeMap<>();
        for (NodeId m : members) {
            if (!c.alive(m)) continue;
            ReplicatedNode n = c.node(m, ReplicatedNode.class);
            ReplicatedNode other = byIndex.putIfAbsent(n.appliedIndex(), n);
            if (other == null) continue;
            Bytes mine = n.innerStorageImage();
            if (!mine.equals(other.innerStorageImage()) || !n.inner().status().equals(other.inner().status())) {
                throw c.fail(m + " and " + other.id() + " differ at index " + n.appliedIndex() + ": "
                        + n.inner().status() + " vs " + other.inner().status());
            }
        }
    }
}
