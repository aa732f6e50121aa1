package io.replikv.server.check;

import io.replikv.client.KvClient;
import io.replikv.client.KvException;
import io.replikv.client.NotAppliedException;
import io.replikv.core.util.Bytes;
import java.util.Optional;

/** The five KV calls of {@link KvClient} that the check uses; an interface so tests can stand in for a cluster. */
interface KvStore {
    Optional<Bytes> get(Bytes key) throws NotAppliedException;

    void put(Bytes key, Bytes value) throws KvException;

    long append(Bytes key, Bytes value) throws KvException;

    Bytes putHash(Bytes key, Bytes value) throws KvException;

    boolean delete(Bytes key) throws KvException;

    static KvStore of(KvClient client) {
        return new KvStore() {
            @Override
            public Optional<Bytes> get(Bytes key) throws NotAppliedException {
                return client.get(key);
            }

            @Override
            public void put(Bytes key, Bytes value) throws KvException {
                client.put(key, value);
            }

            @Override
            public long append(Bytes key, Bytes value) throws KvException {
                return client.append(key, value);
            }

            @Override
            public Bytes putHash(Bytes key, Bytes value) throws KvException {
                return client.putHash(key, value);
            }

            @Override
            public boolean delete(Bytes key) throws KvException {
                return client.delete(key);
            }
        };
    }
}
