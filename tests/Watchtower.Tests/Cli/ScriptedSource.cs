using Watchtower.Cli.Tail;

namespace Watchtower.Tests.Cli;

/// <summary>
/// A CloudWatch stand-in for the tail loop: each event becomes readable at its arrival time on the test's clock (a
/// batching shipper's delivery), and a read returns what has arrived with a timestamp in the range, in time order,
/// as FilterLogEvents does. Reads can be made to throttle.
/// </summary>
internal sealed class ScriptedSource(TimeProvider time) : ITailSource
{
    private readonly List<(DateTimeOffset Arrives, TailEvent Event)> _events = [];
    private int _nextId;

    public List<DateTimeOffset> ReadStarts { get; } = [];

    public int ThrottleNext { get; set; }

    /// <summary>An event stamped <paramref name="stamped"/> that CloudWatch stores at <paramref name="arrives"/>.</summary>
    public TailEvent Add(string stream, DateTimeOffset stamped, DateTimeOffset arrives, string message, string group = "/app")
    {
        var e = new TailEvent(group, stream, stamped, arrives, message, $"id-{_nextId++}");
        _events.Add((arrives, e));
        return e;
    }

    public Task<IReadOnlyList<TailEvent>> ReadAsync(DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken)
    {
        ReadStarts.Add(start);
        if (ThrottleNext > 0)
        {
            ThrottleNext--;
            throw new CloudWatchLogsException("FilterLogEvents", "ThrottlingException", "Rate exceeded", CloudWatchErrorKind.Throttling, System.Net.HttpStatusCode.BadRequest, requestId: null);
        }

        DateTimeOffset now = time.GetUtcNow();
        var read = _events
            .Where(e => e.Arrives <= now && e.Event.Timestamp >= start && (end is null || e.Event.Timestamp <= end))
            .Select(e => e.Event)
            .ToList();
        read.Sort(TailEvent.Compare);
        return Task.FromResult<IReadOnlyList<TailEvent>>(read);
    }

    public async IAsyncEnumerable<TailEvent> StreamAsync(DateTimeOffset start, DateTimeOffset? end, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (TailEvent e in await ReadAsync(start, end, cancellationToken))
        {
            yield return e;
        }
    }
}
