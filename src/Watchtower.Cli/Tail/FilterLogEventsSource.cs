namespace Watchtower.Cli.Tail;

/// <summary>
/// Reads a tail's events with FilterLogEvents: each group in turn, every page, stream lists split at the API's 100
/// names, merged into time order across groups.
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
        foreach (string group in _groups)
        {
            foreach (FilterLogEventsRequest request in Requests(group, start, end))
            {
                await foreach (FilteredLogEvent e in _client.EnumerateFilteredLogEventsAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    // CloudWatch applies the prefix itself; some emulators (moto) ignore it, so it is checked here too.
                    if (_streamPrefix is not null && !e.LogStreamName.StartsWith(_streamPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    events.Add(new TailEvent(group, e.LogStreamName, e.Timestamp ?? DateTimeOffset.UnixEpoch, e.IngestionTime, e.Message, e.EventId));
                }
            }
        }

        // Across groups and stream chunks the pages are merged here; within one call CloudWatch already sorts them, and
        // emulators that do not (moto without "interleaved") are put in order too.
        events.Sort(TailEvent.Compare);

        return events;
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
