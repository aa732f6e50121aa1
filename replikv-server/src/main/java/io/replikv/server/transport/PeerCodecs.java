package io.replikv.server.transport;

import io.replikv.core.Message;
import io.replikv.core.codec.Codec;

/** The codec production servers use: the core's versioned binary codec (docs/wire-format.md). */
public final class PeerCodecs {
    private PeerCodecs() {}

    public static PeerCodec standard() {
        Codec codec = Codec.standard();
        return new PeerCodec() {
            @Override
            public byte[] encode(Message message) {
                return codec.encode(message);
            }

            @Override
            public Message decode(byte[] body) {
                return codec.decode(body);
            }
        };
    }
}
