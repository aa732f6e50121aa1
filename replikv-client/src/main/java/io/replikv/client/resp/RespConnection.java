package io.replikv.client.resp;

import io.replikv.core.util.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * A blocking RESP connection for one-off exchanges (topology discovery, the status verb): send a
 * command, wait for its reply. Not for the data path, which pipelines and never blocks a session.
 */
public final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final RespReader reader;

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = new RespReader(socket.getInputStream());
    }

    /** Connects within {@code timeout}; every later read waits at most {@code timeout} too. */
    public static RespConnection open(InetSocketAddress address, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            // addresses are kept unresolved (names may move); resolve at every connect
            InetSocketAddress resolved = address.isUnresolved()
                    ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
            socket.connect(resolved, (int) Math.max(1, timeout.toMillis()));
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            return new RespConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public RespValue call(List<Bytes> command) throws IOException {
        out.write(RespWriter.command(command));
        out.flush();
        return reader.read();
    }

    public RespValue call(String... words) throws IOException {
        return call(java.util.Arrays.stream(words).map(Bytes::of).toList());
    }

    /** One command on a fresh connection. */
    public static RespValue callOnce(InetSocketAddress address, Duration timeout, String... words) throws IOException {
        try (RespConnection connection = open(address, timeout)) {
            return connection.call(words);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
