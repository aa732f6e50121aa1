package io.replikv.core.viewservice;

import io.replikv.core.codec.CodecRegistry;
import java.util.List;

/** The wire types of the view service, for registration with the codec. */
public final class ViewServiceMessages {
    private ViewServiceMessages() {}

    /** The first codec tag of the view service; its types use FIRST_TAG + their index in {@link #types()}. */
    public static final int FIRST_TAG = 100;

    /**
     * Every record of the view service protocol that travels, messages and nested records alike.
     * Append only: a type's position is its tag (FIRST_TAG + index) forever.
     */
    public static List<Class<? extends Record>> types() {
        return List.of(
                ViewServiceMessage.Ping.class,       // 100
                ViewServiceMessage.PingReply.class,  // 101
                ViewServiceMessage.GetView.class,    // 102
                ViewServiceMessage.ViewReply.class,  // 103
                View.class);                         // 104
    }

    /** Registers {@link #types()} under FIRST_TAG + index: one call from {@code codec.Codecs.standardRegistry()}. */
    public static CodecRegistry.Builder register(CodecRegistry.Builder builder) {
        List<Class<? extends Record>> types = types();
        for (int i = 0; i < types.size(); i++) builder.register(FIRST_TAG + i, types.get(i));
        return builder;
    }
}
