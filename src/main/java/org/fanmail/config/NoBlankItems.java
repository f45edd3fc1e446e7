package org.fanmail.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A list key none of whose items may be empty or blank, checked at start-up by {@link
 * ConfigLimits}; on an {@code Optional}, only when the key is set. The message names the item by
 * its position, never its value (the key may hold secrets).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NoBlankItems {}
