package io.replikv.core.raft;

import java.util.List;

/** The record types of the Raft protocol, in a fixed order, for the codec to register under tags 400–499. */
public final class RaftMessages {
    private RaftMessages() {}

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
