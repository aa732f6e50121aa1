package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.codec.Codec;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import java.util.List;
import java.util.TreeSet;

/**
 * One member of a replicated view service of mode pb ({@code replikv viewservice --peers ...}): a
 * {@link ReplicatedNode} — Raft among the members named by {@code --peers} and {@code --name}, its
 * term, vote and log in the node's storage (the data directory) — running the single view service's
 * {@link ViewServiceCore} as a replicated state machine of its inputs (docs/viewservice.md). Every
 * member's copy is named {@link #INNER_ID}, so the copies are identical. Timings are the single
 * view service's and Raft's defaults, scaled to the tick length. Ready once it knows a Raft leader,
 * as a raft server is: before that it can answer nothing.
 */
public final class ReplicatedViewServiceModeFactory implements ModeFactory {
    /** The name of the view service inside every member (it appears only in its own status). */
    public static final NodeId INNER_ID = NodeId.of("vs");

    private final int backups;

    public ReplicatedViewServiceModeFactory(int backups) {
        if (backups < 1 || backups > ViewServiceConfig.BACKUPS_LIMIT) {
            throw new IllegalArgumentException("--backups must be 1.." + ViewServiceConfig.BACKUPS_LIMIT);
        }
        this.backups = backups;
    }

    @Override
    public String mode() {
        return ViewServiceModeFactory.MODE;
    }

    @Override
    public Node create(ModeContext context) {
        NodeConfig config = context.config();
        TreeSet<NodeId> members = new TreeSet<>(config.peerNames());
        members.add(config.self());
        if (members.size() < 2) {
            throw new IllegalArgumentException("a replicated view service needs --peers naming the other members (3 or 5 in all)");
        }
        ViewServiceConfig vs = new ViewServiceConfig(
                Ticks.scale(ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT, config.tickMs()),
                ViewServiceConfig.DEAD_PINGS_DEFAULT, backups);
        ReplicatedConfig replicated = ReplicatedConfig.DEFAULT
                .withIdleBatchTicks(Ticks.scale(ReplicatedConfig.DEFAULT.idleBatchTicks(), config.tickMs()));
        return new ReplicatedNode(config.self(), List.copyOf(members), context.storage(), context.prng(),
                RaftModeFactory.config(config.tickMs()), Codec.standard(),
                storage -> new ViewServiceCore(INNER_ID, vs, storage), replicated);
    }

    @Override
    public boolean ready(NodeStatus status) {
        String leader = status.details().get("raftLeader");
        return leader != null && !leader.isEmpty();
    }
}
