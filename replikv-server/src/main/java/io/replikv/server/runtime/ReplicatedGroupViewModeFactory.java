package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.codec.Codec;
import io.replikv.core.codec.Codecs;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.twophase.GroupViewCore;
import java.util.List;
import java.util.TreeSet;

/**
 * One member of a replicated view service of mode 2pc ({@code replikv viewservice --mode 2pc
 * --peers ... --members ...}): a {@link ReplicatedNode} — Raft among the members named by
 * {@code --peers} and {@code --name}, its term, vote and log in the node's storage — running the
 * group view service {@link GroupViewCore} as a replicated state machine of its inputs
 * (docs/viewservice.md). Every member runs the same inner core under one logical name,
 * {@link #INNER_ID}. Timings are the single group view service's and Raft's defaults, scaled to
 * the tick length. Ready once it knows a Raft leader: before that it can answer nothing.
 */
public final class ReplicatedGroupViewModeFactory implements ModeFactory {
    /** The name the inner group view service has on every member (it only appears in its own status). */
    public static final NodeId INNER_ID = NodeId.of("vs");

    private final List<NodeId> replicas;

    public ReplicatedGroupViewModeFactory(List<NodeId> replicas) {
        if (replicas.isEmpty()) throw new IllegalArgumentException("the 2pc view service needs --members n1,n2,...");
        this.replicas = List.copyOf(replicas);
    }

    @Override
    public String mode() {
        return GroupViewModeFactory.MODE;
    }

    @Override
    public Node create(ModeContext context) {
        NodeConfig config = context.config();
        TreeSet<NodeId> members = new TreeSet<>(config.peerNames());
        members.add(config.self());
        if (members.size() < 2) {
            throw new IllegalArgumentException("a replicated view service needs --peers naming the other members (3 or 5 in all)");
        }
        ReplicatedConfig replicated = ReplicatedConfig.DEFAULT
                .withIdleBatchTicks(Ticks.scale(ReplicatedConfig.DEFAULT.idleBatchTicks(), config.tickMs()));
        return new ReplicatedNode(config.self(), List.copyOf(members), context.storage(), context.prng(),
                RaftModeFactory.config(config.tickMs()), Codec.of(Codecs.standardRegistry()),
                storage -> new GroupViewCore(INNER_ID, replicas, TwoPcModeFactory.config(config.tickMs()), storage),
                replicated);
    }

    @Override
    public boolean ready(NodeStatus status) {
        String leader = status.details().get("raftLeader");
        return leader != null && !leader.isEmpty();
    }
}
