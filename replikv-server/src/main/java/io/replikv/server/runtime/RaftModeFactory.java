package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.raft.RaftConfig;
import io.replikv.core.raft.RaftKvServer;
import java.util.List;
import java.util.TreeSet;

/**
 * Mode raft: KV on Raft. The members are this node and every {@code --peers} entry (listing
 * itself there too is allowed). Ready once the node knows a leader: before that it can only
 * refuse requests.
 */
public final class RaftModeFactory implements ModeFactory {
    @Override
    public String mode() {
        return "raft";
    }

    @Override
    public Node create(ModeContext context) {
        TreeSet<NodeId> members = new TreeSet<>(context.config().peerNames());
        members.add(context.config().self());
        if (members.size() < 2) {
            throw new IllegalArgumentException("mode raft needs --peers naming the other members (3 or 5 in all is usual)");
        }
        return new RaftKvServer(context.config().self(), List.copyOf(members), context.storage(), context.prng(),
                config(context.config().tickMs()));
    }

    /** The default Raft timings (300 ms election timeout, 100 ms heartbeats) in ticks of {@code tickMs}. */
    static RaftConfig config(int tickMs) {
        RaftConfig d = RaftConfig.DEFAULT;
        return new RaftConfig(Ticks.scale(d.electionTimeoutTicks(), tickMs), Ticks.scale(d.heartbeatTicks(), tickMs),
                d.inflightAppendsMax(), d.entriesPerAppendMax(), d.bytesPerAppendMax(), d.pendingReadsMax(), d.preVote(),
                d.checkQuorum(), d.noopOnElection(), d.snapshotLogEntriesMax(), d.snapshotLogBytesMax());
    }

    @Override
    public boolean ready(NodeStatus status) {
        return status.leader() != null;
    }
}
