package io.replikv.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.util.Prng;
import io.replikv.server.transport.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goal: modes are found by name; planned-but-missing and unknown modes fail with a clear message; names and peers parse strictly. */
class ModeRegistryTest {
    @Test
    void everyModeIsFoundAndUnknownOnesAreNot() throws Exception {
        ModeRegistry modes = ModeRegistry.standard();
        assertThat(modes.lookup("single").mode()).isEqualTo("single");
        assertThat(modes.lookup("raft").mode()).isEqualTo("raft");
        assertThat(modes.lookup("2pc").mode()).isEqualTo("2pc");
        assertThat(modes.lookup("pb").mode()).isEqualTo("pb");
        assertThatThrownBy(() -> modes.lookup("paxos")).hasMessageContaining("unknown mode 'paxos'");
    }

    @Test
    void singleRefusesPeers() {
        NodeConfig config = new NodeConfig("single", NodeId.of("n1"),
                PeerSpec.parseList("n2=127.0.0.1:7102"), null, 10, 1, null);
        assertThatThrownBy(() -> new SingleModeFactory().create(new ModeContext(config, new MemoryStorage(), new Prng(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drop --peers");
    }

    @Test
    void peerSpecsParseWithOptionalClientAddresses() {
        List<PeerSpec> specs = PeerSpec.parseList("n2=127.0.0.1:7102/127.0.0.1:7002, n3=[::1]:7103");
        assertThat(specs).containsExactly(
                new PeerSpec(NodeId.of("n2"), new HostPort("127.0.0.1", 7102), new HostPort("127.0.0.1", 7002)),
                new PeerSpec(NodeId.of("n3"), new HostPort("::1", 7103), null));
        assertThat(specs.get(1).peer().toString()).isEqualTo("[::1]:7103");
        assertThatThrownBy(() -> PeerSpec.parseList("n2")).hasMessageContaining("NAME=HOST:PORT");
        assertThatThrownBy(() -> PeerSpec.parseList("n2=host")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> PeerSpec.parseList("n2=host:99999")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> PeerSpec.parseList("c12=host:1")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> PeerSpec.validateName("a b")).hasMessageContaining("only letters");
    }
}
