package org.fanmail.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Makes request parsing strict where the admin API's contract says so: content after the JSON
 * document is an error ({@code FAIL_ON_TRAILING_TOKENS}), and an unknown property in a request
 * record of this package is an error (a typo like {@code postingPolicey} must not be silently
 * dropped), and an empty string or a number is not an enum value. Unknown properties stay ignored
 * for every other class, as Quarkus's default has it.
 */
@Singleton
public class AdminJsonCustomizer implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // 1 for an enum would otherwise pick a value by its declaration order.
    mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    mapper.addHandler(new StrictAdminProperties());
    // "" for an enum would otherwise silently mean "not given".
    mapper
        .coercionConfigFor(LogicalType.Enum)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
  }

  /** Fails on unknown properties of {@code org.fanmail.admin} classes only. */
  static final class StrictAdminProperties extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
      if (type.getPackageName().equals(AdminJsonCustomizer.class.getPackageName())) {
        throw UnrecognizedPropertyException.from(
            p, beanOrClass, propertyName, deserializer.getKnownPropertyNames());
      }
      return false;
    }
  }
}
