package dev.peregrine.server;

/**
 * What every handler shares: the JSON factory, the metrics and the limits. Built once per server;
 * immutable, and its parts are thread-safe.
 */
record Services(Json json, ServerMetrics metrics, ServerLimits limits, String version) {
}
