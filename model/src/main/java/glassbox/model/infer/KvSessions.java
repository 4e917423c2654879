package glassbox.model.infer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.github.tjake.jlama.tensor.KvBufferCache;

/**
 * Conversations' KV caches, kept so that a follow-up only prefills its new tokens. Each session
 * reserves a whole context's worth of KV memory; past the budget the least recently used idle
 * sessions are closed (which hands their pages back to jlama). A session in use is never evicted.
 */
final class KvSessions {
    /** One conversation's cache: the jlama buffer and the tokens whose keys and values it holds. */
    static final class Session {
        final KvBufferCache.KvBuffer kv;
        int[] tokens = new int[0];
        boolean inUse;

        Session(KvBufferCache.KvBuffer kv) {
            this.kv = kv;
        }
    }

    private final long budgetBytes;
    private final long bytesPerSession;
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private long evictions;

    KvSessions(long budgetBytes, long bytesPerSession) {
        this.budgetBytes = budgetBytes;
        this.bytesPerSession = bytesPerSession;
    }

    /** The session with this id marked in use (created with {@code newBuffer} if absent or busy). */
    synchronized Session take(String id, Supplier<KvBufferCache.KvBuffer> newBuffer) {
        Session s = sessions.get(id);
        if (s == null || s.inUse) {
            s = new Session(newBuffer.get());
            if (id != null && !sessions.containsKey(id)) {
                sessions.put(id, s);
            }
        }
        s.inUse = true;
        return s;
    }

    /** Ends a use of {@code s}; it stays cached under {@code id} unless the budget forces it out. */
    synchronized void release(String id, Session s) {
        s.inUse = false;
        if (sessions.get(id) != s) {
            close(s);
            return;
        }
        evictOverBudget();
    }

    synchronized boolean close(String id) {
        Session s = sessions.get(id);
        if (s == null || s.inUse) {
            return false;
        }
        sessions.remove(id);
        close(s);
        return true;
    }

    private void evictOverBudget() {
        Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator();
        while (bytes() > budgetBytes && it.hasNext()) {
            Session s = it.next().getValue();
            if (!s.inUse) {
                it.remove();
                close(s);
                evictions++;
            }
        }
    }

    synchronized int count() {
        return sessions.size();
    }

    synchronized long bytes() {
        return sessions.size() * bytesPerSession;
    }

    synchronized long evictions() {
        return evictions;
    }

    synchronized boolean contains(String id) {
        return sessions.containsKey(id);
    }

    synchronized void closeAll() {
        List<Session> all = new ArrayList<>(sessions.values());
        sessions.clear();
        all.forEach(KvSessions::close);
    }

    private static void close(Session s) {
        s.kv.close();
    }
}
