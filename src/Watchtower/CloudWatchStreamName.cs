using System.Runtime.CompilerServices;
using Watchtower.Shipping;

namespace Watchtower;

/// <summary>
/// One logger's stream names, from the handler's <see cref="CloudWatchLogHandlerOptions.LogStreamName"/> template,
/// cached so that a logging call renders nothing: once for a template that depends on neither time nor thread, once
/// per span of time (a day, for a daily stream) for one that depends on the event's time. An adapter keeps one per
/// logger (<see cref="CloudWatchLogHandler.GetStreamName"/>) and passes what <see cref="For"/> gives to
/// <see cref="CloudWatchLogHandler.EmitUtf8"/>. Thread-safe.
/// </summary>
public sealed class CloudWatchStreamName
{
    private readonly StreamNames _names;
    private readonly string? _fixed;
    private TimeSpanName? _current;

    internal CloudWatchStreamName(StreamNames names, string loggerName)
    {
        _names = names;
        LoggerName = loggerName;
        if (!names.Template.DependsOnTime && !names.Template.DependsOnThread)
        {
            _fixed = names.For(loggerName, default);
        }
    }

    /// <summary>The logger whose stream names these are (the template's <c>{logger_name}</c>).</summary>
    public string LoggerName { get; }

    /// <summary>The stream of this logger's event at <paramref name="timestamp"/> (the event's own time), on the calling thread.</summary>
    /// <param name="timestamp">When the event happened.</param>
    /// <returns>The stream name; the same string for every event of the same stream.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string For(DateTimeOffset timestamp)
    {
        if (_fixed is not null)
        {
            return _fixed;
        }

        StreamNameTemplate template = _names.Template;
        long span = template.TimeBucketTicks;
        if (template.DependsOnThread || span == 0)
        {
            return _names.For(LoggerName, timestamp);
        }

        long ticks = timestamp.UtcTicks;
        TimeSpanName? current = Volatile.Read(ref _current);
        if (current is not null && ticks >= current.From && ticks < current.Until)
        {
            return current.Name;
        }

        long from = ticks - (ticks % span);
        string name = _names.For(LoggerName, timestamp);
        Volatile.Write(ref _current, new TimeSpanName(from, from + span, name));
        return name;
    }

    private sealed record TimeSpanName(long From, long Until, string Name);
}
