namespace Watchtower.Cli.Tail;

/// <summary>
/// Reads a tail's events with FilterLogEvents: every page, stream lists split at the API's 100 names, each call's
/// events merged into time order with the others' as they arrive (<see cref="TimeOrderMerge"/>).
/// </summary>
internal sealed class FilterLogEventsSource : ITailSource
{
    /// <summary>FilterLogEvents takes at most 100 stream names per call.</summary>
    public const int MaxStreamsPerCall = 100;

    private readonly CloudWatchLogsClient _client;
    private readonly IReadOnlyList<string> _groups;
    private readonly IReadOnlyList<string> _streams;
    private readonly string? _streamPrefix;
    private readonly string? _filterPattern;

    public FilterLogEventsSource(CloudWatchLogsClient client, IReadOnlyList<string> groups, IReadOnlyList<string> streams, string? streamPrefix, string? filterPattern)
    {
        _client = client;
        _groups = groups;
        _streams = streams;
        _streamPrefix = streamPrefix;
        _filterPattern = filterPattern;
    }

    public async Task<IReadOnlyList<TailEvent>> ReadAsync(DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken)
    {
        var events = new List<TailEvent>();
        await foreach (TailEvent e in StreamAsync(start, end, cancellationToken).ConfigureAwait(false))
        {
            events.Add(e);
        }

        // Each call's answer is in time order (CloudWatch sorts it; moto when asked with "interleaved"); a follow's poll
        // is sorted once more so that an emulator that does not cannot disorder it.
        events.Sort(TailEvent.Compare);
        return events;
    }

    public IAsyncEnumerable<TailEvent> StreamAsync(DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken) =>
        TimeOrderMerge.MergeAsync([.. _groups.SelectMany(group => Requests(group, start, end).Select(request => ReadAsync(group, request, cancellationToken)))], cancellationToken);

    private async IAsyncEnumerable<TailEvent> ReadAsync(string group, FilterLogEventsRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (FilteredLogEvent e in _client.EnumerateFilteredLogEventsAsync(request, cancellationToken).ConfigureAwait(false))
        {
            // CloudWatch applies the prefix itself; some emulators (moto) ignore it, so it is checked here too.
            if (_streamPrefix is null || e.LogStreamName.StartsWith(_streamPrefix, StringComparison.Ordinal))
            {
                yield return new TailEvent(group, e.LogStreamName, e.Timestamp ?? DateTimeOffset.UnixEpoch, e.IngestionTime, e.Message, e.EventId);
            }
        }
    }

    private IEnumerable<FilterLogEventsRequest> Requests(string group, DateTimeOffset start, DateTimeOffset? end)
    {
        FilterLogEventsRequest For(IList<string>? streams) => new()
        {
            LogGroupName = group,
            LogStreamNames = streams,
            LogStreamNamePrefix = streams is null ? _streamPrefix : null,
            StartTime = start,
            EndTime = end,
            FilterPattern = string.IsNullOrEmpty(_filterPattern) ? null : _filterPattern,
            Interleaved = true, // ignored by CloudWatch (always interleaved); moto sorts across streams only with it
        };

        if (_streams.Count == 0)
        {
            yield return For(null);
            yield break;
        }

        foreach (string[] chunk in _streams.Chunk(MaxStreamsPerCall))
        {
            yield return For(chunk);
        }
    }
}
