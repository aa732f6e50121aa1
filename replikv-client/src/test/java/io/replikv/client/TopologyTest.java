package io.replikv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.client.resp.RespValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goal: the REPLIKV.TOPOLOGY reply is parsed as the contract describes, and anything else is refused. */
class TopologyTest {
    private static RespValue member(String name, String address, String role) {
        return new RespValue.Array(List.of(RespValue.bulk(name), RespValue.bulk(address), RespValue.bulk(role)));
    }

    @Test
    void parsesTheContractsFields() {
        RespValue reply = new RespValue.Array(List.of(
                RespValue.bulk("mode"), RespValue.bulk("raft"),
                RespValue.bulk("epoch"), new RespValue.IntegerReply(7),
                RespValue.bulk("leader"), RespValue.bulk("n2"),
                RespValue.bulk("self"), RespValue.bulk("n1"),
                RespValue.bulk("future-field"), new RespValue.IntegerReply(0),
                RespValue.bulk("members"), new RespValue.Array(List.of(
                        member("n1", "127.0.0.1:7001", "follower"), member("n2", "127.0.0.1:7002", "leader")))));
        Topology t = Topology.parse(reply);
        assertThat(t.mode()).isEqualTo("raft");
        assertThat(t.epoch()).isEqualTo(7);
        assertThat(t.leader()).isEqualTo("n2");
        assertThat(t.self()).isEqualTo("n1");
        assertThat(t.members()).containsExactly(new Topology.Member("n1", "127.0.0.1:7001", "follower"),
                new Topology.Member("n2", "127.0.0.1:7002", "leader"));
    }

    @Test
    void aNilLeaderIsNoLeader() {
        RespValue reply = new RespValue.Array(List.of(RespValue.bulk("mode"), RespValue.bulk("pb"), RespValue.bulk("epoch"),
                new RespValue.IntegerReply(0), RespValue.bulk("leader"), RespValue.NIL, RespValue.bulk("self"), RespValue.bulk("n1"),
                RespValue.bulk("members"), new RespValue.Array(List.of(member("n1", "h:1", "backup")))));
        assertThat(Topology.parse(reply).leader()).isNull();
    }

    @Test
    void refusesWhatIsNotATopology() {
        assertThatThrownBy(() -> Topology.parse(new RespValue.ErrorReply("ERR unknown command"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topology.parse(new RespValue.Array(List.of(RespValue.bulk("mode"))))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topology.parse(new RespValue.Array(List.of(RespValue.bulk("mode"), RespValue.bulk("raft")))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
