package dev.snooze.functions.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The classification table, code by code, for what the simulator cannot produce. */
class ComputeFailuresTest {
  private static final MigLocation AT = new MigLocation.Region("p", "us-central1", "snooze-gpu");

  private static ApiException api(StatusCode.Code code) {
    return ApiExceptionFactory.createException(new RuntimeException("from Compute"), HttpJsonStatusCode.of(code), false);
  }

  private static RuntimeException classify(Throwable t) {
    return ComputeFailures.classify(t, "resize to 1", AT, Duration.ofSeconds(60));
  }

  @ParameterizedTest
  @EnumSource(names = {"RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "ABORTED", "UNKNOWN"})
  void retryableCodesAreTransient(StatusCode.Code code) {
    assertThat(classify(new ExecutionException(api(code)))).isInstanceOf(TransientComputeException.class);
  }

  @ParameterizedTest
  @EnumSource(names = {"NOT_FOUND", "PERMISSION_DENIED", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "UNAUTHENTICATED"})
  void refusalsArePermanentWithTheirCode(StatusCode.Code code) {
    assertThat(classify(api(code))).isInstanceOfSatisfying(PermanentComputeException.class, e -> {
      assertThat(e.code()).isEqualTo(code.name());
      assertThat(e.getMessage()).contains("projects/p/regions/us-central1/instanceGroupManagers/snooze-gpu");
    });
  }

  @Test
  void aMissingPermissionNamesTheRoleToGrant() {
    assertThat(classify(api(StatusCode.Code.PERMISSION_DENIED))).hasMessageContaining("roles/compute.instanceAdmin.v1 on project p");
  }

  @Test
  void aMissingMigNamesTheSettings() {
    assertThat(classify(api(StatusCode.Code.NOT_FOUND))).hasMessageStartingWith(
        "MIG projects/p/regions/us-central1/instanceGroupManagers/snooze-gpu not found: "
            + "check SNOOZE_PROJECT, SNOOZE_MIG / SNOOZE_REGION");
  }

  @Test
  void aTimeoutIsTransient() {
    assertThat(classify(new TimeoutException())).isInstanceOf(TransientComputeException.class)
        .hasMessageContaining("not done within 60 s");
  }

  @Test
  void anInterruptedCallIsTransientAndKeepsTheFlag() {
    try {
      assertThat(classify(new RuntimeException(new InterruptedException()))).isInstanceOf(TransientComputeException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
