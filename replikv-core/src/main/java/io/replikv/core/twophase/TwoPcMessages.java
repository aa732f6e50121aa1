package io.replikv.core.twophase;

import java.util.List;

/**
 * The wire records of mode 2pc — messages and the records nested in them — for codec
 * registration: tag = {@link #TAG_FIRST} + index in {@link #types()}; the range 300..399 belongs
 * to 2pc. Append new types at the end: tags of existing ones never change. Registration, in
 * {@code Codecs.standardRegistry()}: {@link #register}.
 */
public final class TwoPcMessages {
    private TwoPcMessages() {}

    public static final int TAG_FIRST = 300;

    /** Registers every 2pc record under its tag with a codec registry builder (or anything with the same shape). */
    public static io.replikv.core.codec.CodecRegistry.Builder register(io.replikv.core.codec.CodecRegistry.Builder builder) {
        List<Class<? extends Record>> types = types();
        for (int i = 0; i < types.size(); i++) builder.register(TAG_FIRST + i, types.get(i));
        return builder;
    }

    public static List<Class<? extends Record>> types() {
        return List.of(
                GroupViewMessage.Ping.class,          // 300
                GroupViewMessage.GetView.class,       // 301
                GroupViewMessage.ViewReply.class,     // 302
                GroupViewMessage.Freeze.class,        // 303
                GroupViewMessage.Frozen.class,        // 304
                GroupViewMessage.SettleQuery.class,   // 305
                GroupViewMessage.SettleAnswer.class,  // 306
                GroupViewMessage.Settle.class,        // 307
                GroupViewMessage.Settled.class,       // 308
                GroupViewMessage.CaughtUp.class,      // 309
                GroupViewMessage.Install.class,       // 310
                TwoPcMessage.Prepare.class,           // 311
                TwoPcMessage.Vote.class,              // 312
                TwoPcMessage.Commit.class,            // 313
                TwoPcMessage.Abort.class,             // 314
                TwoPcMessage.Applied.class,           // 315
                TwoPcMessage.Inquire.class,           // 316
                TwoPcMessage.StateTransfer.class,     // 317
                TwoPcMessage.Stable.class,            // 318
                // records nested in the messages above (the codec tags them too)
                GroupView.class,                      // 319
                TxnId.class,                          // 320
                TxnKey.class,                         // 321
                CommitDecision.class);                // 322
    }
}
