namespace Watchtower.Shipping;

/// <summary>
/// One logger's stream names, cached so that the caller's path renders nothing: once for a template that depends on
/// neither time nor thread, once per span of time (a day for a daily stream) for one that depends on time.
/// Thread-safe; the names are shared strings, which the sender uses to see runs of one stream.
/// </summary>
internal sealed class LoggerStreamName
{
    private readonly CloudWatchLogHandler _handler;
    private readonly string _loggerName;
    private readonly string? _fixed;
    private TimeSpanName? _current;

    public LoggerStreamName(CloudWatchLogHandler handler, string loggerName)
    {
        _handler = handler;
        _loggerName = loggerName;
        StreamNameTemplate template = handler.Template;
        if (!template.DependsOnTime && !template.DependsOnThread)
        {
            _fixed = handler.StreamNameFor(loggerName, default);
        }
    }

    /// <summary>The stream of this logger's event at <paramref name="timestamp"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public string For(DateTimeOffset timestamp)
    {
        if (_fixed is not null)
        {
            return _fixed;
        }

        StreamNameTemplate template = _handler.Template;
        long span = template.TimeBucketTicks;
        if (template.DependsOnThread || span == 0)
        {
            return _handler.StreamNameFor(_loggerName, timestamp);
        }

        long ticks = timestamp.UtcTicks;
        TimeSpanName? current = Volatile.Read(ref _current);
        if (current is not null && ticks >= current.From && ticks < current.Until)
        {
            return current.Name;
        }

        long from = ticks - (ticks % span);
        string name = _handler.StreamNameFor(_loggerName, timestamp);
        Volatile.Write(ref _current, new TimeSpanName(from, from + span, name));
        return name;
    }

    private sealed record TimeSpanName(long From, long Until, string Name);
}
