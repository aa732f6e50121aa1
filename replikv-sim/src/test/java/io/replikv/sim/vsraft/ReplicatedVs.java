package io.replikv.sim.vsraft;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.raft.RaftCore;
import io.replikv.core.replicated.ReplicatedConfig;
import io.replikv.core.replicated.ReplicatedNode;
import io.replikv.core.storage.Storage;
import io.replikv.core.util.Prng;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.vsraft.ReplicatedViewServiceNode;
import io.replikv.sim.pb.ReplicatedPbViewService;
import java.util.List;

/**
 * The two ways these suites run a replicated pb view service: the bespoke Raft node of package
 * vsraft, or the generic {@link ReplicatedNode} running a ViewServiceCore (with its storage,
 * so it persists its view and applies the recovery rule) as a replicated state machine of its
 * inputs. The accessors read either the same way.
 */
enum ReplicatedVs {
    BESPOKE,
    GENERIC;

    Node create(NodeId id, List<NodeId> members, Storage storage, Prng prng, ViewServiceConfig config,
                ReplicatedConfig replicated) {
        return switch (this) {
            case BESPOKE -> new ReplicatedViewServiceNode(id, members, storage, prng, config);
            case GENERIC -> ReplicatedPbViewService.member(id, members, storage, prng, config, replicated);
        };
    }

    static RaftCore core(Node n) {
        return n instanceof ReplicatedNode r ? r.core() : ((ReplicatedViewServiceNode) n).core();
    }

    static boolean isLeader(Node n) {
        return core(n).isLeader();
    }

    /** The view this member has applied (committed). */
    static View view(Node n) {
        return n instanceof ReplicatedNode r ? ReplicatedPbViewService.inner(r).view() : ((ReplicatedViewServiceNode) n).view();
    }

    static boolean acknowledged(Node n) {
        return n instanceof ReplicatedNode r ? ReplicatedPbViewService.inner(r).acknowledged()
                : ((ReplicatedViewServiceNode) n).acknowledged();
    }
}
