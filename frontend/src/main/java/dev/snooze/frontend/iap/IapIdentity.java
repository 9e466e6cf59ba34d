package dev.snooze.frontend.iap;

import java.util.Objects;

/**
 * Who IAP says made the request, taken only from a verified {@code x-goog-iap-jwt-assertion}.
 *
 * @param email the user's email ({@code email} claim), e.g. {@code user@example.com}
 * @param subject IAP's stable user ID ({@code sub} claim), e.g. {@code accounts.google.com:1234}
 */
public record IapIdentity(String email, String subject) {
  public IapIdentity {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(subject, "subject");
  }
}
