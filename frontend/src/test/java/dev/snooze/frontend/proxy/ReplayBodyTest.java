package dev.snooze.frontend.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ReplayBodyTest {
  @Test
  void keptChunksAreSentAgainWholeInOrder() {
    ReplayBody body = ReplayBody.keeping();
    body.add(Buffer.buffer("{\"model\":"));
    body.add(Buffer.buffer("\"m\"}"));
    assertThat(body.again()).isEqualTo(new Attempt.Again(Buffer.buffer("{\"model\":\"m\"}")));
  }

  @Test
  void onceDroppedNothingIsKeptAndNothingCanBeSentAgain() {
    ReplayBody body = ReplayBody.DROPPED;
    body.add(Buffer.buffer("ignored"));
    assertThatThrownBy(body::again).isInstanceOf(IllegalStateException.class);
  }
}
