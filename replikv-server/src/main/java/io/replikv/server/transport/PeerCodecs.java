package io.replikv.server.transport;

/**
 * The codec production servers use. Today this build has no binary message codec wired in
 * ({@link UnavailablePeerCodec}: mode single needs none); when io.replikv.core.codec lands, this is
 * the one place that wraps it.
 */
public final class PeerCodecs {
    private PeerCodecs() {}

    public static PeerCodec standard() {
        return new UnavailablePeerCodec();
    }
}
