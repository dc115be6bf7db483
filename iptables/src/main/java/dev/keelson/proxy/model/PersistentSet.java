package dev.keelson.proxy.model;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable sorted set with O(log n) {@link #plus} and {@link #minus} that share structure with
 * the set they came from (a {@link PersistentMap} underneath).
 *
 * @param <E> element type, naturally ordered
 */
public final class PersistentSet<E extends Comparable<? super E>> extends AbstractSet<E> implements SortedSet<E> {

    private final PersistentMap<E, Boolean> map;

    private PersistentSet(PersistentMap<E, Boolean> map) {
        this.map = map;
    }

    /** The empty set. */
    public static <E extends Comparable<? super E>> PersistentSet<E> empty() {
        return new PersistentSet<E>(PersistentMap.<E, Boolean>empty());
    }

    /** {@code c} itself when already persistent, otherwise a persistent copy. */
    public static <E extends Comparable<? super E>> PersistentSet<E> copyOf(Collection<? extends E> c) {
        if (c instanceof PersistentSet<? extends E> p) {
            @SuppressWarnings("unchecked")
            PersistentSet<E> same = (PersistentSet<E>) p;
            return same;
        }
        TreeMap<E, Boolean> m = new TreeMap<>();
        c.forEach(e -> m.put(e, Boolean.TRUE));
        return new PersistentSet<>(PersistentMap.copyOf(m));
    }

    /** This set with {@code e}. */
    public PersistentSet<E> plus(E e) {
        PersistentMap<E, Boolean> m = map.plus(e, Boolean.TRUE);
        return m == map ? this : new PersistentSet<>(m);
    }

    /** This set without {@code e}. */
    public PersistentSet<E> minus(E e) {
        PersistentMap<E, Boolean> m = map.minus(e);
        return m == map ? this : new PersistentSet<>(m);
    }

    @Override
    public boolean contains(Object o) {
        return map.containsKey(o);
    }

    @Override
    public Iterator<E> iterator() {
        Iterator<Map.Entry<E, Boolean>> it = map.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public E next() {
                return it.next().getKey();
            }
        };
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public Comparator<? super E> comparator() {
        return null;
    }

    /** A copy (O(n)). */
    @Override
    public SortedSet<E> subSet(E fromElement, E toElement) {
        return copyOf(new TreeSet<>(this).subSet(fromElement, toElement));
    }

    /** A copy (O(n)). */
    @Override
    public SortedSet<E> headSet(E toElement) {
        return copyOf(new TreeSet<>(this).headSet(toElement));
    }

    /** A copy (O(n)). */
    @Override
    public SortedSet<E> tailSet(E fromElement) {
        return copyOf(new TreeSet<>(this).tailSet(fromElement));
    }

    @Override
    public E first() {
        return map.firstKey();
    }

    @Override
    public E last() {
        return map.lastKey();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PersistentSet<?> p && p.map == map || super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
