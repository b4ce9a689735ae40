namespace Watchtower.Cli.Tail;

/// <summary>Where <see cref="Tailer"/> reads from: every event stored so far with a timestamp from start (inclusive) to end.</summary>
internal interface ITailSource
{
    /// <summary>All of them at once, in time order: one poll of a follow (its range is the lag window).</summary>
    Task<IReadOnlyList<TailEvent>> ReadAsync(DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken);

    /// <summary>The same as they are read, in time order: a one-shot tail of any range, printed as it comes.</summary>
    IAsyncEnumerable<TailEvent> StreamAsync(DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken);
}
