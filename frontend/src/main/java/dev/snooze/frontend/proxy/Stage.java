package dev.snooze.frontend.proxy;

import dev.snooze.frontend.coldstart.Hold;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;

/** Where one exchange is, with what it holds there that must be let go should it end there. */
sealed interface Stage {
  Stage ADMITTING = new Admitting();
  Stage CONNECTING = new Connecting();
  Stage DONE = new Done();

  /** The exchange is over in this stage: stop its timer. */
  default void end() {}

  /** The exchange is over before its end in this stage: also let go of the backend. */
  default void abandon() {
    end();
  }

  /** Neither held nor forwarded: deciding which, or between a forward that found the GPU asleep and the next. */
  record Admitting() implements Stage {}

  /** Waiting in the hold for the GPU to wake. */
  record Holding(Hold.Waiter waiter) implements Stage {
    @Override
    public void abandon() {
      waiter.cancel();
    }
  }

  /** Waiting before sending again to a busy GPU ({@link BusyRetry}). */
  record WaitingForRoom(Vertx vertx, long timer) implements Stage {
    @Override
    public void end() {
      vertx.cancelTimer(timer);
    }
  }

  /** Waiting for a connection to the backend. */
  record Connecting() implements Stage {}

  /** Sending the request and relaying the answer, within the request timeout. */
  record Forwarding(HttpClientRequest upstream, Deadline deadline) implements Stage {
    @Override
    public void end() {
      deadline.cancel();
    }

    /** Resetting the request closes its connection (HTTP/1.1): the backend stops working on it. */
    @Override
    public void abandon() {
      deadline.cancel();
      upstream.reset();
    }
  }

  /** Answered, failed or left by the client: nothing more happens. */
  record Done() implements Stage {}
}
