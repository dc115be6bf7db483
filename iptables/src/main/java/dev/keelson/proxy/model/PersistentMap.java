package dev.keelson.proxy.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable sorted map whose updates ({@link #plus}, {@link #minus}) cost O(log n) and share
 * everything else with the map they came from, so that a snapshot of 30,000 services can be
 * changed one object at a time without copying it.
 *
 * <p>It is a treap whose node priorities are a hash of the key. The shape of the tree therefore
 * depends only on the set of keys, not on the order of updates; two maps derived from a common
 * ancestor share every subtree that neither changed, and {@link #diff} skips shared subtrees by
 * reference, costing O(changes · log n) instead of O(n).
 *
 * <p>Keys are compared by their natural order; neither keys nor values may be null. Values must
 * be immutable for the map to be.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class PersistentMap<K extends Comparable<? super K>, V> extends AbstractMap<K, V>
        implements SortedMap<K, V> {

    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(null);

    private final Node<K, V> root;

    private PersistentMap(Node<K, V> root) {
        this.root = root;
    }

    /** The empty map. */
    @SuppressWarnings("unchecked")
    public static <K extends Comparable<? super K>, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    /** {@code m} itself when it is already persistent, otherwise a persistent copy (linear for sorted input). */
    public static <K extends Comparable<? super K>, V> PersistentMap<K, V> copyOf(Map<K, ? extends V> m) {
        if (m instanceof PersistentMap<K, ? extends V> p) {
            @SuppressWarnings("unchecked")
            PersistentMap<K, V> same = (PersistentMap<K, V>) p;
            return same;
        }
        SortedMap<K, ? extends V> sorted = m instanceof SortedMap<K, ? extends V> s && s.comparator() == null
                ? s : new TreeMap<>(m);
        return new PersistentMap<>(Node.build(sorted));
    }

    /** This map with {@code key} mapped to {@code value}. */
    public PersistentMap<K, V> plus(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Node<K, V> r = Node.insert(root, new Node<>(key, value, null, null));
        return r == root ? this : new PersistentMap<>(r);
    }

    /** This map without {@code key}. */
    public PersistentMap<K, V> minus(K key) {
        Node<K, V> r = Node.remove(root, key);
        return r == root ? this : new PersistentMap<>(r);
    }

    /** Receives the differences found by {@link #diff}. */
    @FunctionalInterface
    public interface DiffVisitor<K, V> {
        /**
         * One key whose value differs.
         *
         * @param before the value in this map, null when the key was added
         * @param after  the value in the other map, null when the key was removed
         */
        void visit(K key, V before, V after);
    }

    /**
     * Reports, in key order, every key whose value differs (by {@code equals}) between this map and
     * {@code other}. Subtrees the two maps share are skipped without being looked at.
     */
    public void diff(PersistentMap<K, V> other, DiffVisitor<K, V> visitor) {
        Node.diff(root, other.root, visitor);
    }

    @Override
    public V get(Object key) {
        Node<K, V> n = find(key);
        return n == null ? null : n.value;
    }

    @Override
    public boolean containsKey(Object key) {
        return find(key) != null;
    }

    @SuppressWarnings("unchecked")
    private Node<K, V> find(Object key) {
        if (key == null) {
            return null;
        }
        K k;
        try {
            k = (K) key;
            Node<K, V> n = root;
            while (n != null) {
                int c = k.compareTo(n.key);
                if (c == 0) {
                    return n;
                }
                n = c < 0 ? n.left : n.right;
            }
        } catch (ClassCastException e) {
            return null;
        }
        return null;
    }

    @Override
    public int size() {
        return root == null ? 0 : root.size;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                return new InOrder<>(root);
            }

            @Override
            public int size() {
                return PersistentMap.this.size();
            }
        };
    }

    @Override
    public Comparator<? super K> comparator() {
        return null;
    }

    @Override
    public K firstKey() {
        if (root == null) {
            throw new NoSuchElementException("empty map");
        }
        Node<K, V> n = root;
        while (n.left != null) {
            n = n.left;
        }
        return n.key;
    }

    @Override
    public K lastKey() {
        if (root == null) {
            throw new NoSuchElementException("empty map");
        }
        Node<K, V> n = root;
        while (n.right != null) {
            n = n.right;
        }
        return n.key;
    }

    /** A copy (O(n)); range views are not on any hot path. */
    @Override
    public SortedMap<K, V> subMap(K fromKey, K toKey) {
        return copyOf(new TreeMap<>(this).subMap(fromKey, toKey));
    }

    /** A copy (O(n)). */
    @Override
    public SortedMap<K, V> headMap(K toKey) {
        return copyOf(new TreeMap<>(this).headMap(toKey));
    }

    /** A copy (O(n)). */
    @Override
    public SortedMap<K, V> tailMap(K fromKey) {
        return copyOf(new TreeMap<>(this).tailMap(fromKey));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PersistentMap<?, ?> p && p.root == root || super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    /** In-order traversal with an explicit stack (the tree is a few dozen levels deep at most). */
    private static final class InOrder<K extends Comparable<? super K>, V> implements Iterator<Entry<K, V>> {
        private final ArrayDeque<Node<K, V>> stack = new ArrayDeque<>();

        InOrder(Node<K, V> root) {
            pushLeft(root);
        }

        private void pushLeft(Node<K, V> n) {
            for (; n != null; n = n.left) {
                stack.push(n);
            }
        }

        @Override
        public boolean hasNext() {
            return !stack.isEmpty();
        }

        @Override
        public Entry<K, V> next() {
            if (stack.isEmpty()) {
                throw new NoSuchElementException();
            }
            Node<K, V> n = stack.pop();
            pushLeft(n.right);
            return new SimpleImmutableEntry<>(n.key, n.value);
        }
    }
}
