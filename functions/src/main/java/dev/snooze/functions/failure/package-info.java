/**
 * The one split of what goes wrong with Compute and Firestore, decided where the failure is raised
 * (the Compute and Firestore adapters) and acted on the same way by every entry point:
 *
 * <ul>
 *   <li>{@link dev.snooze.functions.failure.TransientFailure}: a later retry may fix it (Compute's
 *       429, 5xx and operations not done in time; Firestore unavailable, overloaded or contended).
 *       Wake throws, so that Pub/Sub redelivers the message; Sleep and Status answer 503 with
 *       Retry-After.
 *   <li>{@link dev.snooze.functions.failure.PermanentFailure}: a refusal with a code that a retry
 *       will not change (the MIG missing, a permission missing, a state document this build
 *       cannot read). Wake logs an ERROR with the code and acknowledges the message, since a
 *       redelivery would be refused for as long as Pub/Sub keeps it; Sleep and Status answer 500
 *       naming the refusal and its code.
 * </ul>
 *
 * Anything else is a bug, not an answer from a service, and surfaces as it is.
 */
package dev.snooze.functions.failure;
