using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Watchtower.Diagnostics;

/// <summary>
/// One handler's counts, kept both as plain numbers (for its shutdown report and for tests) and on the
/// process-wide meter "Watchtower", tagged with the log group.
/// </summary>
internal sealed class HandlerMetrics
{
    public const string MeterName = WatchtowerDiagnostics.MeterName;

    private static readonly Meter s_meter = new(MeterName, typeof(HandlerMetrics).Assembly.GetName().Version?.ToString(3));
    private static readonly Counter<long> s_sent = s_meter.CreateCounter<long>("watchtower.events.sent", "{event}", "Events CloudWatch Logs stored.");
    private static readonly Counter<long> s_dropped = s_meter.CreateCounter<long>("watchtower.events.dropped", "{event}", "Events not delivered, by reason.");
    private static readonly Counter<long> s_truncated = s_meter.CreateCounter<long>("watchtower.events.truncated", "{event}", "Events whose message was cut to the size limit.");
    private static readonly Counter<long> s_batches = s_meter.CreateCounter<long>("watchtower.batches.sent", "{batch}", "PutLogEvents requests that succeeded.");
    private static readonly Counter<long> s_bytes = s_meter.CreateCounter<long>("watchtower.bytes.sent", "By", "Batch bytes sent, counted as CloudWatch counts them (UTF-8 plus 26 per event).");
    private static readonly Counter<long> s_duplicates = s_meter.CreateCounter<long>("watchtower.events.possibly_duplicated", "{event}", "Events sent again after an attempt that may have reached the service (a timeout or a connection lost after sending); each may be stored twice.");
    private static readonly Counter<long> s_recovered = s_meter.CreateCounter<long>("watchtower.events.recovered", "{event}", "Events an earlier process left in the buffer directory, read to be sent by this one.");
    private static readonly Counter<long> s_retries = s_meter.CreateCounter<long>("watchtower.requests.retried", "{request}", "Batches sent again after a failure (creating a missing group or stream first, for instance).");

    // One gauge for the process, reading every live handler's queue.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<HandlerMetrics, bool> s_live = new();
    private static readonly ObservableGauge<long> s_queueDepth = s_meter.CreateObservableGauge(
        "watchtower.queue.depth",
        () => s_live.Keys.Select(m => new Measurement<long>(m.QueueDepth(), m._groupTag)),
        "{event}",
        "Events waiting in the queue.");

    // Read from the queue's own count when observed, so that accepting an event costs the caller no counter update.
    private static readonly ObservableCounter<long> s_enqueued = s_meter.CreateObservableCounter(
        "watchtower.events.enqueued",
        () => s_live.Keys.Select(m => new Measurement<long>(m.Enqueued, m._groupTag)),
        "{event}",
        "Events accepted for delivery.");

    private readonly KeyValuePair<string, object?> _groupTag;
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _sent;
    private long _truncated;
    private long _batches;
    private long _bytes;
    private long _retries;
    private long _possiblyDuplicated;
    private long _recovered;

    private readonly Func<long> _enqueued;

    /// <param name="logGroupName">The log_group tag.</param>
    /// <param name="queueDepth">Reads the events waiting in the queue.</param>
    /// <param name="enqueued">Reads the events accepted so far.</param>
    public HandlerMetrics(string logGroupName, Func<long> queueDepth, Func<long> enqueued)
    {
        _groupTag = new("log_group", logGroupName);
        QueueDepth = queueDepth;
        _enqueued = enqueued;
        s_live.TryAdd(this, true);
        GC.KeepAlive(s_enqueued);
    }

    public Func<long> QueueDepth { get; }

    public long Enqueued => _enqueued();

    public long Sent => Interlocked.Read(ref _sent);

    public long Truncated => Interlocked.Read(ref _truncated);

    public long Batches => Interlocked.Read(ref _batches);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Retries => Interlocked.Read(ref _retries);

    public long PossiblyDuplicated => Interlocked.Read(ref _possiblyDuplicated);

    public long Recovered => Interlocked.Read(ref _recovered);

    public long DroppedTotal => Enum.GetValues<DropReason>().Sum(Dropped);

    public long Dropped(DropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    /// <summary>Stops reporting this handler's queue depth.</summary>
    public void Unregister() => s_live.TryRemove(this, out _);

    public void OnDropped(DropReason reason, long count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _dropped[(int)reason], count);
        var tags = new TagList { _groupTag, { "reason", reason.TagValue() } };
        s_dropped.Add(count, tags);
    }

    public void OnTruncated()
    {
        Interlocked.Increment(ref _truncated);
        s_truncated.Add(1, _groupTag);
    }

    public void OnBatchSent(int storedEvents, long bytes)
    {
        Interlocked.Add(ref _sent, storedEvents);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _bytes, bytes);
        s_sent.Add(storedEvents, _groupTag);
        s_batches.Add(1, _groupTag);
        s_bytes.Add(bytes, _groupTag);
    }

    public void OnRetry()
    {
        Interlocked.Increment(ref _retries);
        s_retries.Add(1, _groupTag);
    }

    public void OnRecovered(long events)
    {
        Interlocked.Add(ref _recovered, events);
        s_recovered.Add(events, _groupTag);
    }

    public void OnPossiblyDuplicated(int events)
    {
        Interlocked.Add(ref _possiblyDuplicated, events);
        s_duplicates.Add(events, _groupTag);
    }
}
