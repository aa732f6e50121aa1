package io.replikv.client.bench;

import io.replikv.client.ClientOptions;
import io.replikv.client.resp.RespReader;
import io.replikv.client.resp.RespValue;
import io.replikv.client.resp.RespWriter;
import io.replikv.core.util.Bytes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;

/**
 * The load generator behind {@code replikv bench}: plain RESP SET/GET (so it measures any RESP
 * server, redis included), each connection with a writer and a reader virtual thread and a
 * window of {@code pipeline} requests in flight. The workload is seeded: the same config sends
 * the same commands.
 */
public final class Bench {
    /** How often the progress callback is called while the run goes on. */
    static final long PROGRESS_INTERVAL_MILLIS = 200;

    private Bench() {}

    /**
     * Connects every client, runs the workload, and reports.
     *
     * @param progress called now and then with the replies so far (from the calling thread)
     * @throws IOException when a connection cannot be opened (nothing was sent then)
     */
    public static BenchResult run(BenchConfig config, LongConsumer progress) throws IOException, InterruptedException {
        List<Worker> workers = new ArrayList<>();
        AtomicLong issued = new AtomicLong();
        LongAdder completed = new LongAdder();
        CountDownLatch done = new CountDownLatch(config.clients());
        try {
            for (int i = 0; i < config.clients(); i++) {
                String server = config.servers().get(i % config.servers().size());
                workers.add(new Worker(config, i, connect(server, config), issued, completed, done));
            }
        } catch (IOException e) {
            for (Worker w : workers) w.close();
            throw e;
        }
        long start = System.nanoTime();
        for (Worker w : workers) w.start();
        while (!done.await(PROGRESS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS)) progress.accept(completed.sum());
        double elapsed = (System.nanoTime() - start) / 1e9;
        progress.accept(completed.sum());
        Histogram all = new Histogram(3);
        Map<String, Long> errors = new TreeMap<>();
        for (Worker w : workers) {
            all.add(w.histogram);
            w.errors.forEach((code, n) -> errors.merge(code, n, Long::sum));
            w.close();
        }
        return new BenchResult(config, completed.sum(), errors, elapsed, all.getValueAtPercentile(50),
                all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), all.getMaxValue(),
                all.getTotalCount() == 0 ? 0 : all.getMean());
    }

    private static Socket connect(String server, BenchConfig config) throws IOException {
        InetSocketAddress address = ClientOptions.parseAddress(server);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), (int) config.connectTimeout().toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + server + ": " + e.getMessage(), e);
        }
    }

    /** One connection: the writer keeps the window full, the reader times replies and reopens the window. */
    private static final class Worker {
        private static final long END = Long.MIN_VALUE;

        private final BenchConfig config;
        private final int index;
        private final Socket socket;
        private final AtomicLong issued;
        private final LongAdder completed;
        private final CountDownLatch done;
        private final Semaphore window;
        private final ArrayBlockingQueue<Long> sentAt;
        // reader thread only, read by run() after the latch
        final Histogram histogram = new Histogram(3);
        final Map<String, Long> errors = new TreeMap<>();

        Worker(BenchConfig config, int index, Socket socket, AtomicLong issued, LongAdder completed, CountDownLatch done) {
            this.config = config;
            this.index = index;
            this.socket = socket;
            this.issued = issued;
            this.completed = completed;
            this.done = done;
            this.window = new Semaphore(config.pipeline());
            this.sentAt = new ArrayBlockingQueue<>(config.pipeline() + 1); // + the END marker
        }

        void start() {
            Thread.ofVirtual().name("bench-write-" + index).start(this::write);
            Thread.ofVirtual().name("bench-read-" + index).start(this::read);
        }

        private void write() {
            SplittableRandom random = new SplittableRandom(config.seed() * 1_000_003L + index);
            Bytes value = Bytes.wrap("x".repeat(config.valueSizeBytes()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Bytes set = Bytes.of("SET");
            Bytes get = Bytes.of("GET");
            int weights = config.setWeight() + config.getWeight();
            try {
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                while (true) {
                    if (!window.tryAcquire()) {
                        out.flush(); // about to wait for replies: everything written must be on its way
                        window.acquire();
                    }
                    if (issued.getAndIncrement() >= config.requests()) break;
                    Bytes key = Bytes.of(String.format("bench:%010d", random.nextInt(config.keys())));
                    byte[] wire = random.nextInt(weights) < config.setWeight()
                            ? RespWriter.command(List.of(set, key, value)) : RespWriter.command(List.of(get, key));
                    sentAt.put(System.nanoTime());
                    out.write(wire);
                }
                out.flush();
            } catch (IOException | InterruptedException e) {
                close(); // the reader sees the closed socket and counts what is lost
            } finally {
                endReading();
            }
        }

        /** Queues the END marker behind the last timestamp; the reader keeps draining, so this cannot wait forever. */
        private void endReading() {
            try {
                sentAt.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void read() {
            try {
                RespReader reader = new RespReader(socket.getInputStream());
                while (true) {
                    long sent = sentAt.take();
                    if (sent == END) return;
                    RespValue reply;
                    try {
                        reply = reader.read();
                    } catch (IOException e) {
                        errors.merge("CONNECTION_LOST", 1L, Long::sum);
                        window.release(config.pipeline()); // let the writer run into the closed socket
                        close();
                        continue;
                    }
                    histogram.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
                    if (reply instanceof RespValue.ErrorReply error) errors.merge(error.code(), 1L, Long::sum);
                    completed.increment();
                    window.release();
                }
            } catch (IOException | InterruptedException e) {
                errors.merge("CONNECTION_LOST", 1L, Long::sum);
            } finally {
                done.countDown();
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
