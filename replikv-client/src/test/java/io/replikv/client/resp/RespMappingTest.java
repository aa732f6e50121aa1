package io.replikv.client.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.client.ServerReplies;
import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: the client reads every RESP reply of RESP-EXTENSIONS.md back into the core Reply the
 * server meant (definite stays definite, the leader hint survives), writes requests in the
 * contract's form, and reads anything outside the contract as Uncertain, never as success or a
 * definite refusal.
 */
class RespMappingTest {
    private static final Bytes K = Bytes.of("k");
    private static final Bytes V = Bytes.of("v");

    @Test
    void requestsBecomeTaggedOrPlainCommands() {
        assertThat(text(RespMapping.toCommand(new Request(7, 3, new Command.Append(K, V))))).isEqualTo("REPLIKV.REQ 7 3 APPEND k v");
        assertThat(text(RespMapping.toCommand(new Request(7, 4, new Command.Put(K, V))))).isEqualTo("REPLIKV.REQ 7 4 SET k v");
        assertThat(text(RespMapping.toCommand(new Request(7, 5, new Command.PutHash(K, V))))).isEqualTo("REPLIKV.REQ 7 5 PUTHASH k v");
        assertThat(text(RespMapping.toCommand(new Request(7, 6, new Command.Delete(K))))).isEqualTo("REPLIKV.REQ 7 6 DEL k");
        assertThat(text(RespMapping.toCommand(Request.untagged(new Command.Get(K))))).isEqualTo("GET k");
    }

    @Test
    void everyReplyTheServerCanSendMapsBackToItself() {
        List<Object[]> cases = List.of(
                new Object[] {new Command.Get(K), new Reply.Applied(new Result.Value(V))},
                new Object[] {new Command.Get(K), new Reply.Applied(Result.MISSING)},
                new Object[] {new Command.Put(K, V), new Reply.Applied(Result.WRITTEN)},
                new Object[] {new Command.Append(K, V), new Reply.Applied(new Result.Length(12))},
                new Object[] {new Command.PutHash(K, V), new Reply.Applied(new Result.Value(Bytes.EMPTY))},
                new Object[] {new Command.Delete(K), new Reply.Applied(new Result.Count(1))},
                new Object[] {new Command.Append(K, V), new Reply.Applied(new Result.Refused("append would make the value too big"))},
                new Object[] {new Command.Put(K, V), new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, "key is too large", null)},
                new Object[] {new Command.Put(K, V), new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "not the leader", NodeId.of("n2"))},
                new Object[] {new Command.Put(K, V), new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "no view yet", null)},
                new Object[] {new Command.Put(K, V), new Reply.Rejected(Reply.RejectCode.BUSY, "key locked", null)},
                new Object[] {new Command.Put(K, V), new Reply.Rejected(Reply.RejectCode.SESSION_EXPIRED, "session expired", null)},
                new Object[] {new Command.Put(K, V), new Reply.Uncertain("leader lost before commit")});
        for (Object[] c : cases) {
            Command command = (Command) c[0];
            Reply sent = (Reply) c[1];
            Reply read = RespMapping.toReply(command, ServerReplies.encode(sent));
            Reply expected = sent instanceof Reply.Rejected r && r.code() == Reply.RejectCode.WRONG_SERVER && r.leaderHint() != null
                    ? new Reply.Rejected(r.code(), r.detail() + " leader=" + r.leaderHint(), r.leaderHint()) // the hint stays in the text
                    : sent;
            assertThat(read).as("%s", sent).isEqualTo(expected);
        }
    }

    @Test
    void repliesOutsideTheContractAreUncertain() {
        assertThat(RespMapping.toReply(new Command.Put(K, V), new RespValue.IntegerReply(1))).isInstanceOf(Reply.Uncertain.class);
        assertThat(RespMapping.toReply(new Command.Put(K, V), new RespValue.SimpleString("QUEUED"))).isInstanceOf(Reply.Uncertain.class);
        assertThat(RespMapping.toReply(new Command.Get(K), new RespValue.IntegerReply(1))).isInstanceOf(Reply.Uncertain.class);
        assertThat(RespMapping.toReply(new Command.Append(K, V), new RespValue.IntegerReply(-1))).isInstanceOf(Reply.Uncertain.class);
        assertThat(RespMapping.toReply(new Command.Delete(K), RespValue.NIL)).isInstanceOf(Reply.Uncertain.class);
        assertThat(RespMapping.fromError("LOADING server is loading")).isInstanceOf(Reply.Uncertain.class);
        assertThat(RespMapping.fromError("")).isInstanceOf(Reply.Uncertain.class);
    }

    @Test
    void errorWordsMapToTheirCodes() {
        assertThat(RespMapping.fromError("ERR wrong number of arguments for 'get' command"))
                .isEqualTo(new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, "wrong number of arguments for 'get' command", null));
        assertThat(RespMapping.fromError("ERR")).isEqualTo(new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, "", null));
        assertThat(RespMapping.fromError("TRYAGAIN SOMETHING_NEW later")).isEqualTo(
                new Reply.Rejected(Reply.RejectCode.BUSY, "SOMETHING_NEW later", null));
        assertThat(RespMapping.fromError("UNKNOWN primary crashed")).isEqualTo(new Reply.Uncertain("primary crashed"));
        assertThat(RespMapping.fromError("TRYAGAIN WRONG_SERVER x leader=" + "n".repeat(NodeId.NAME_LENGTH_MAX + 1)))
                .isEqualTo(new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "x leader=" + "n".repeat(NodeId.NAME_LENGTH_MAX + 1), null));
        assertThat(RespMapping.leaderHint("not the leader leader=n3")).isEqualTo(NodeId.of("n3"));
        assertThat(RespMapping.leaderHint("myleader=n3")).isNull();
        assertThat(RespMapping.leaderHint("no hint")).isNull();
    }

    private static String text(List<Bytes> parts) {
        return String.join(" ", parts.stream().map(Bytes::utf8).toList());
    }
}
