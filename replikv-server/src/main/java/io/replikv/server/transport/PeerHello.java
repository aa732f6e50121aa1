package io.replikv.server.transport;

import io.replikv.core.NodeId;
import io.replikv.core.util.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The first frame on a peer connection: who is speaking, where it listens for peers, and where it
 * serves clients (either address may be empty). The transport encodes it itself, independent of
 * the message codec, so that a connection can be identified before any message is decoded.
 * Layout: magic "RKVH", version byte 1, then three strings (u16 big-endian length + UTF-8).
 */
public record PeerHello(NodeId name, String peerAddress, String clientAddress) {
    static final int MAGIC = 0x524B5648; // "RKVH"
    static final int VERSION = 1;

    public byte[] encode() {
        byte[] n = name.name().getBytes(StandardCharsets.UTF_8);
        byte[] p = peerAddress.getBytes(StandardCharsets.UTF_8);
        byte[] c = clientAddress.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(5 + 6 + n.length + p.length + c.length);
        b.putInt(MAGIC).put((byte) VERSION);
        b.putShort((short) n.length).put(n).putShort((short) p.length).put(p).putShort((short) c.length).put(c);
        return b.array();
    }

    public static PeerHello decode(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.remaining() < 5 || b.getInt() != MAGIC) throw new MalformedInputException("not a hello (bad magic)");
        int version = b.get();
        if (version != VERSION) throw new MalformedInputException("unsupported hello version " + version);
        String name = string(b, NodeId.NAME_LENGTH_MAX);
        String peer = string(b, PeerLimits.HELLO_ADDRESS_CHARS_MAX);
        String client = string(b, PeerLimits.HELLO_ADDRESS_CHARS_MAX);
        if (b.hasRemaining()) throw new MalformedInputException("trailing bytes after hello");
        if (name.isEmpty()) throw new MalformedInputException("hello without a name");
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch > '~') throw new MalformedInputException("hello name is not printable ASCII");
        }
        return new PeerHello(NodeId.of(name), peer, client);
    }

    private static String string(ByteBuffer b, int maxBytes) {
        if (b.remaining() < 2) throw new MalformedInputException("truncated hello");
        int length = Short.toUnsignedInt(b.getShort());
        if (length > maxBytes || length > b.remaining()) throw new MalformedInputException("bad string length in hello");
        byte[] s = new byte[length];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
