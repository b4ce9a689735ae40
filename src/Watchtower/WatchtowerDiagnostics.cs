namespace Watchtower;

/// <summary>
/// The names under which the library reports on itself, for tools and code that listen:
/// <c>dotnet-counters monitor --counters Watchtower</c>, <c>dotnet-trace collect --providers Watchtower</c>, an
/// OpenTelemetry <c>AddMeter(WatchtowerDiagnostics.MeterName)</c>, or an <see cref="System.Diagnostics.Tracing.EventListener"/>.
/// </summary>
public static class WatchtowerDiagnostics
{
    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/> of the delivery counts: <c>watchtower.events.enqueued</c>,
    /// <c>.sent</c>, <c>.dropped</c> (tagged <c>reason</c>), <c>.truncated</c>, <c>.possibly_duplicated</c>,
    /// <c>watchtower.batches.sent</c>, <c>watchtower.bytes.sent</c>, <c>watchtower.requests.retried</c> and
    /// <c>watchtower.queue.depth</c>, all tagged <c>log_group</c>.
    /// </summary>
    public const string MeterName = "Watchtower";

    /// <summary>The <see cref="System.Diagnostics.Tracing.EventSource"/> that carries every warning, unthrottled (stderr gets at most one a minute per kind).</summary>
    public const string EventSourceName = "Watchtower";
}
