package io.replikv.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.core.util.MalformedInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Goal: the hello frame round-trips, and any other bytes fail only with MalformedInputException. */
class PeerHelloTest {
    @Test
    void roundTrips() {
        PeerHello h = new PeerHello(NodeId.of("n2"), "127.0.0.1:7102", "127.0.0.1:7002");
        assertThat(PeerHello.decode(h.encode())).isEqualTo(h);
        PeerHello empty = new PeerHello(NodeId.of("vs"), "", "");
        assertThat(PeerHello.decode(empty.encode())).isEqualTo(empty);
    }

    @Test
    void refusesTrailingBytesAndUnprintableNames() {
        byte[] ok = new PeerHello(NodeId.of("n2"), "", "").encode();
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> PeerHello.decode(longer)).isInstanceOf(MalformedInputException.class);
        byte[] bad = ok.clone();
        bad[7] = 0x01; // first character of the name
        assertThatThrownBy(() -> PeerHello.decode(bad)).isInstanceOf(MalformedInputException.class);
    }

    @Property(tries = 1000)
    void randomBytesAreMalformedNeverAnythingElse(@ForAll @Size(max = 300) byte[] junk) {
        try {
            PeerHello.decode(junk);
        } catch (MalformedInputException expected) {
            // refused: fine
        }
    }
}
