package org.fanmail.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The bounds of a whole-number key (inclusive), checked at start-up by {@link ConfigLimits}; on an
 * {@code Optional}, only when the key is set.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Range {
  /** The smallest value accepted. */
  long min() default Long.MIN_VALUE;

  /** The largest value accepted. */
  long max() default Long.MAX_VALUE;
}
