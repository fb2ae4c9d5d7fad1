/**
 * {@code loss-report stream}: loss reports per event-time window from a live prediction stream. Each
 * micro-batch's window states are computed by the batch engine (the window as a key), merged into the
 * saved states of their windows, and the touched windows' report rows rewritten in one idempotent Delta
 * commit per table (README, "Streaming evaluation").
 */
package org.sparklossreport.stream;
