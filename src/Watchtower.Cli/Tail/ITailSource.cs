namespace Watchtower.Cli.Tail;

/// <summary>Where <see cref="Tailer"/> reads from: every event stored so far with a timestamp from start (inclusive) to end.</summary>
internal interface ITailSource
{
    Task<IReadOnlyList<TailEvent>> ReadAsync(DateTimeOffset start, DateTimeOffset? end, CancellationToken cancellationToken);
}
