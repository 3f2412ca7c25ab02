package io.lorastream.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void everyConfiguredKeyMatchesAndNothingElseDoes() {
    ApiKeys keys = new ApiKeys(List.of("sk-first-0123456789abcd", "sk-second-0123456789abc"));
    assertThat(keys.matches("sk-first-0123456789abcd")).isTrue();
    assertThat(keys.matches("sk-second-0123456789abc")).isTrue();
    assertThat(keys.matches("sk-first-0123456789abc")).as("a prefix").isFalse();
    assertThat(keys.matches("sk-first-0123456789abcde")).as("an extension").isFalse();
    assertThat(keys.matches("")).isFalse();
    assertThat(keys.matches(null)).isFalse();
  }

  @Test
  void bearerCredentialsAreReadCaseInsensitivelyFromTheAuthorizationHeader() {
    assertThat(ApiKeys.bearer("Bearer sk-abc")).isEqualTo("sk-abc");
    assertThat(ApiKeys.bearer("bearer   sk-abc  ")).isEqualTo("sk-abc");
    assertThat(ApiKeys.bearer("Basic dXNlcjpwYXNz")).isNull();
    assertThat(ApiKeys.bearer("Bearer ")).isNull();
    assertThat(ApiKeys.bearer(null)).isNull();
  }
}
