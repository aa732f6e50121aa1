package io.replikv.core.raft;

import io.replikv.core.codec.CodecRegistry;
import java.util.List;

/** The record types of the Raft protocol, in a fixed order, for the codec to register under tags 400–499. */
public final class RaftMessages {
    private RaftMessages() {}

    /** The first tag of the Raft range (docs/wire-format.md: 400–499 are Raft's). */
    public static final int FIRST_TAG = 400;

    /** Registers {@link #types()} under tags 400, 401, ... in list order. */
    public static CodecRegistry.Builder register(CodecRegistry.Builder builder) {
        List<Class<? extends Record>> types = types();
        for (int i = 0; i < types.size(); i++) builder.register(FIRST_TAG + i, types.get(i));
        return builder;
    }

    /** Every record that travels in a Raft message, messages first, in tag order; never reorder, only append. */
    public static List<Class<? extends Record>> types() {
        return List.of(
                RaftMessage.RequestVote.class,
                RaftMessage.RequestVoteReply.class,
                RaftMessage.AppendEntries.class,
                RaftMessage.AppendEntriesReply.class,
                RaftMessage.Heartbeat.class,
                RaftMessage.HeartbeatReply.class,
                RaftMessage.InstallSnapshot.class,
                RaftMessage.InstallSnapshotReply.class,
                RaftMessage.TimeoutNow.class,
                LogEntry.class,
                RaftMessage.LogPersisted.class);
    }
}
