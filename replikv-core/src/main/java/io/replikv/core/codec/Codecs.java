package io.replikv.core.codec;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.ClientReply;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.msg.PeerHello;
import io.replikv.core.msg.Reply;

/**
 * The one central list of wire types: every record replikv sends, with its fixed tag. A tag, once
 * released, is never reused or moved (docs/wire-format.md); remove a type by leaving its tag
 * unused.
 *
 * <p>Tag ranges, one per protocol so packages never collide:
 * <ul>
 *   <li>1–99: the common client protocol (ClientRequest, ClientReply, Reply.*, Request, Command.*,
 *       Result.*) and PeerHello — {@link #registerCommon}</li>
 *   <li>100–199: view service</li>
 *   <li>200–299: primary/backup</li>
 *   <li>300–399: two-phase commit</li>
 *   <li>400–499: Raft</li>
 *   <li>500–599: runtime (server shell)</li>
 * </ul>
 * Each protocol package adds one {@code register(CodecRegistry.Builder)} of its own and one call
 * to it in {@link #standardRegistry()}.
 */
public final class Codecs {
    private Codecs() {}

    /** Every known type; {@link Codec#standard()} caches the codec built from it. */
    public static CodecRegistry standardRegistry() {
        CodecRegistry.Builder builder = CodecRegistry.builder();
        registerCommon(builder);
        io.replikv.core.viewservice.ViewServiceMessages.register(builder);
        io.replikv.core.replicated.ReplicatedMessages.register(builder);
        io.replikv.core.pb.PbMessages.register(builder);
        io.replikv.core.twophase.TwoPcMessages.register(builder);
        io.replikv.core.raft.RaftMessages.register(builder);
        // 100–199 view service, 200–299 primary/backup, 300–399 2PC, 400–499 Raft, 500–599 runtime: register here.
        return builder.build();
    }

    /** Tags 1–99. */
    public static CodecRegistry.Builder registerCommon(CodecRegistry.Builder b) {
        b.register(1, ClientRequest.class);
        b.register(2, ClientReply.class);
        b.register(3, PeerHello.class);

        b.register(10, Request.class);

        b.register(20, Command.Get.class);
        b.register(21, Command.Put.class);
        b.register(22, Command.Append.class);
        b.register(23, Command.PutHash.class);
        b.register(24, Command.Delete.class);

        b.register(40, Result.Value.class);
        b.register(41, Result.Missing.class);
        b.register(42, Result.Written.class);
        b.register(43, Result.Length.class);
        b.register(44, Result.Count.class);
        b.register(45, Result.Refused.class);

        b.register(60, Reply.Applied.class);
        b.register(61, Reply.Rejected.class);
        b.register(62, Reply.Uncertain.class);
        return b;
    }
}
