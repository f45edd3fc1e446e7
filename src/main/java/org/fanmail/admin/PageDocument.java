package org.fanmail.admin;

import java.util.List;
import org.fanmail.list.Page;

/** A page of a collection: {@code {"items": [...], "total": n, "page": p, "size": s}}. */
public record PageDocument<T>(List<T> items, long total, int page, int size) {
  static <T> PageDocument<T> of(Page<T> page) {
    return new PageDocument<>(page.items(), page.total(), page.page(), page.size());
  }
}
