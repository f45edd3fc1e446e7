package org.fanmail.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The form of a text key: the whole value must match this regular expression, checked at start-up
 * by {@link ConfigLimits}; on an {@code Optional}, only when the key is set. Never on a secret: a
 * value that does not match is quoted in the message.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Matches {
  /** The regular expression ({@link java.util.regex.Pattern}) the whole value must match. */
  String value();
}
