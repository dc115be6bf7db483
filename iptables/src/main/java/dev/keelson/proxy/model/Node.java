package dev.keelson.proxy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * An immutable treap node of {@link PersistentMap}. Updates copy the path from the root to the
 * change. The priority is a mixed hash of the key, ties broken by key order, so every node is
 * either above or below any other and the tree's shape is a function of its key set.
 */
final class Node<K extends Comparable<? super K>, V> {
    final K key;
    final V value;
    final Node<K, V> left;
    final Node<K, V> right;
    final int priority;
    final int size;

    Node(K key, V value, Node<K, V> left, Node<K, V> right) {
        this(key, value, left, right, priority(key));
    }

    private Node(K key, V value, Node<K, V> left, Node<K, V> right, int priority) {
        this.key = key;
        this.value = value;
        this.left = left;
        this.right = right;
        this.priority = priority;
        this.size = 1 + size(left) + size(right);
    }

    private static int priority(Object key) {
        // murmur3's 32-bit finaliser: record hash codes of neighbouring keys are close together.
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int size(Node<?, ?> n) {
        return n == null ? 0 : n.size;
    }

    private Node<K, V> with(Node<K, V> l, Node<K, V> r) {
        return l == left && r == right ? this : new Node<>(key, value, l, r, priority);
    }

    /** Whether this node belongs above {@code o}. */
    private boolean above(Node<K, V> o) {
        return priority != o.priority ? priority > o.priority : key.compareTo(o.key) < 0;
    }

    static <K extends Comparable<? super K>, V> Node<K, V> insert(Node<K, V> t, Node<K, V> n) {
        if (t == null) {
            return n;
        }
        int c = n.key.compareTo(t.key);
        if (c == 0) {
            return t.value == n.value ? t : new Node<>(t.key, n.value, t.left, t.right, t.priority);
        }
        if (n.above(t)) {
            // The key cannot be below t (it would have t's priority order), so t splits cleanly around it.
            Split<K, V> s = split(t, n.key);
            return new Node<>(n.key, n.value, s.left, s.right, n.priority);
        }
        return c < 0 ? t.with(insert(t.left, n), t.right) : t.with(t.left, insert(t.right, n));
    }

    static <K extends Comparable<? super K>, V> Node<K, V> remove(Node<K, V> t, Object key) {
        if (t == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        int c = ((K) key).compareTo(t.key);
        if (c == 0) {
            return merge(t.left, t.right);
        }
        return c < 0 ? t.with(remove(t.left, key), t.right) : t.with(t.left, remove(t.right, key));
    }

    /** The keys below {@code k}, the node of {@code k} (or null), and the keys above it. */
    record Split<K extends Comparable<? super K>, V>(Node<K, V> left, Node<K, V> middle, Node<K, V> right) {
    }

    static <K extends Comparable<? super K>, V> Split<K, V> split(Node<K, V> t, K k) {
        if (t == null) {
            return new Split<>(null, null, null);
        }
        int c = k.compareTo(t.key);
        if (c == 0) {
            return new Split<>(t.left, t, t.right);
        }
        if (c < 0) {
            Split<K, V> s = split(t.left, k);
            return new Split<>(s.left, s.middle, t.with(s.right, t.right));
        }
        Split<K, V> s = split(t.right, k);
        return new Split<>(t.with(t.left, s.left), s.middle, s.right);
    }

    /** Joins two treaps whose keys are all below ({@code a}) and above ({@code b}) each other. */
    static <K extends Comparable<? super K>, V> Node<K, V> merge(Node<K, V> a, Node<K, V> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.above(b) ? a.with(a.left, merge(a.right, b)) : b.with(merge(a, b.left), b.right);
    }

    static <K extends Comparable<? super K>, V> void diff(Node<K, V> a, Node<K, V> b,
                                                         PersistentMap.DiffVisitor<K, V> v) {
        if (a == b) {
            return;
        }
        if (a == null) {
            b.forEach((k, x) -> v.visit(k, null, x));
            return;
        }
        if (b == null) {
            a.forEach((k, x) -> v.visit(k, x, null));
            return;
        }
        Node<K, V> bl;
        Node<K, V> bm;
        Node<K, V> br;
        if (a.key.compareTo(b.key) == 0) {
            bl = b.left;
            bm = b;
            br = b.right;
        } else {
            Split<K, V> s = split(b, a.key);
            bl = s.left;
            bm = s.middle;
            br = s.right;
        }
        diff(a.left, bl, v);
        if (bm == null) {
            v.visit(a.key, a.value, null);
        } else if (a.value != bm.value && !a.value.equals(bm.value)) {
            v.visit(a.key, a.value, bm.value);
        }
        diff(a.right, br, v);
    }

    private void forEach(java.util.function.BiConsumer<K, V> c) {
        if (left != null) {
            left.forEach(c);
        }
        c.accept(key, value);
        if (right != null) {
            right.forEach(c);
        }
    }

    /** Builds the treap of a sorted map in linear time (a Cartesian tree built with a stack). */
    static <K extends Comparable<? super K>, V> Node<K, V> build(SortedMap<K, ? extends V> sorted) {
        int n = sorted.size();
        if (n == 0) {
            return null;
        }
        List<K> keys = new ArrayList<>(n);
        List<V> values = new ArrayList<>(n);
        for (Map.Entry<K, ? extends V> e : sorted.entrySet()) {
            keys.add(e.getKey());
            values.add(e.getValue());
        }
        int[] prio = new int[n];
        int[] lc = new int[n];
        int[] rc = new int[n];
        int[] stack = new int[n];
        int top = -1;
        for (int i = 0; i < n; i++) {
            prio[i] = priority(keys.get(i));
            lc[i] = -1;
            rc[i] = -1;
            int last = -1;
            // Keys arrive in increasing order, so on a priority tie the earlier (smaller) key stays above.
            while (top >= 0 && prio[stack[top]] < prio[i]) {
                last = stack[top--];
            }
            lc[i] = last;
            if (top >= 0) {
                rc[stack[top]] = i;
            }
            stack[++top] = i;
        }
        return freeze(stack[0], keys, values, prio, lc, rc);
    }

    private static <K extends Comparable<? super K>, V> Node<K, V> freeze(int i, List<K> keys, List<V> values,
                                                                         int[] prio, int[] lc, int[] rc) {
        Node<K, V> l = lc[i] < 0 ? null : freeze(lc[i], keys, values, prio, lc, rc);
        Node<K, V> r = rc[i] < 0 ? null : freeze(rc[i], keys, values, prio, lc, rc);
        K k = keys.get(i);
        V v = java.util.Objects.requireNonNull(values.get(i), () -> "null value for " + k);
        return new Node<>(k, v, l, r, prio[i]);
    }
}
