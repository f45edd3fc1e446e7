package org.fanmail.list;

import java.util.List;
import java.util.function.Function;

/**
 * One page of an id-ordered collection: the items, the total count at query time, and the page
 * number and size asked for. Pages past the end are empty, never an error.
 */
public record Page<T>(List<T> items, long total, int page, int size) {
  /** The same page with every item converted. */
  public <R> Page<R> map(Function<? super T, ? extends R> f) {
    return new Page<>(items.stream().<R>map(f).toList(), total, page, size);
  }
}
