package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.codec.Codec;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.storage.Storage;
import io.replikv.core.twophase.GroupViewCore;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One member of a replicated view service ({@code replikv viewservice --peers ...}): a
 * {@link ReplicatedNode} — Raft among the members named by {@code --peers} and {@code --name}, its
 * term, vote and log in the node's storage (the data directory) — running the view service of the
 * mode as a replicated state machine of its inputs (docs/viewservice.md): pb's
 * {@link ViewServiceCore} or 2pc's {@link GroupViewCore}, the very cores a single view service
 * runs. Every member's copy is named {@link #INNER_ID}, so the copies are identical. Timings are the
 * single view service's and Raft's defaults, scaled to the tick length. Ready once it knows a Raft
 * leader, as a raft server is: before that it can answer nothing.
 */
public final class ReplicatedViewServiceModeFactory implements ModeFactory {
    /** The name of the view service inside every member (it appears only in its own status). */
    public static final NodeId INNER_ID = NodeId.of("vs");

    private final String mode;
    /** From the tick length: how to build the inner view service on its (recovered) inner storage. */
    private final IntFunction<Function<Storage, Node>> inner;

    private ReplicatedViewServiceModeFactory(String mode, IntFunction<Function<Storage, Node>> inner) {
        this.mode = mode;
        this.inner = inner;
    }

    /** Mode pb: primary + {@code backups} backups per view. */
    public static ReplicatedViewServiceModeFactory pb(int backups) {
        if (backups < 1 || backups > ViewServiceConfig.BACKUPS_LIMIT) {
            throw new IllegalArgumentException("--backups must be 1.." + ViewServiceConfig.BACKUPS_LIMIT);
        }
        return new ReplicatedViewServiceModeFactory(ViewServiceModeFactory.MODE, tickMs -> {
            ViewServiceConfig vs = new ViewServiceConfig(Ticks.scale(ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT, tickMs),
                    ViewServiceConfig.DEAD_PINGS_DEFAULT, backups);
            return storage -> new ViewServiceCore(INNER_ID, vs, storage);
        });
    }

    /** Mode 2pc: the group view service over the configured {@code replicas}. */
    public static ReplicatedViewServiceModeFactory twoPc(List<NodeId> replicas) {
        if (replicas.isEmpty()) throw new IllegalArgumentException("the 2pc view service needs --members n1,n2,...");
        List<NodeId> members = List.copyOf(replicas);
        return new ReplicatedViewServiceModeFactory(GroupViewModeFactory.MODE,
                tickMs -> storage -> new GroupViewCore(INNER_ID, members, TwoPcModeFactory.config(tickMs), storage));
    }

    @Override
    public String mode() {
        return mode;
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
                RaftModeFactory.config(config.tickMs()), Codec.standard(), inner.apply(config.tickMs()), replicated);
    }

    @Override
    public boolean ready(NodeStatus status) {
        String leader = status.details().get("raftLeader");
        return leader != null && !leader.isEmpty();
    }
}
