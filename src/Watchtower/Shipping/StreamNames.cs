using System.Collections.Concurrent;
using System.Globalization;

namespace Watchtower.Shipping;

/// <summary>
/// Every stream name the handler hands out, from its template: rendered once per logger (and per thread, for a
/// template with <c>{thread_name}</c>) and cached, or rendered for each span of time for a template that depends on
/// the event's time. Thread-safe; the same logger gets the same string instance, which the sender uses to see runs of
/// one stream with a reference check.
/// </summary>
internal sealed class StreamNames
{
    // Categories are usually few; past this many the cache starts over rather than grow without bound.
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<(string Logger, int Thread), string> _cache = new();

    public StreamNames(StreamNameTemplate template)
    {
        Template = template;
    }

    public StreamNameTemplate Template { get; }

    /// <summary>The stream of an event of <paramref name="loggerName"/> at <paramref name="timestamp"/>, on the calling thread.</summary>
    public string For(string loggerName, DateTimeOffset timestamp)
    {
        string threadName = Template.DependsOnThread ? CurrentThreadName() : string.Empty;
        if (Template.DependsOnTime)
        {
            return Template.Render(loggerName, threadName, timestamp);
        }

        int threadKey = Template.DependsOnThread ? Environment.CurrentManagedThreadId : 0;
        if (_cache.Count > MaxCached)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd((loggerName, threadKey), static (key, state) => state.Template.Render(key.Logger, state.ThreadName, default), (Template, ThreadName: threadName));
    }

    private static string CurrentThreadName() =>
        Thread.CurrentThread.Name is { Length: > 0 } name ? name : "thread-" + Environment.CurrentManagedThreadId.ToString(CultureInfo.InvariantCulture);
}
