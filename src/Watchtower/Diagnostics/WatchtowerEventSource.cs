using System.Diagnostics.Tracing;

namespace Watchtower.Diagnostics;

/// <summary>
/// The library's warnings as events too, for tools that listen rather than read stderr (dotnet-trace,
/// an in-process EventListener). Event ids are stable and never reused.
/// </summary>
[EventSource(Name = WatchtowerDiagnostics.EventSourceName)]
internal sealed class WatchtowerEventSource : EventSource
{
    public static readonly WatchtowerEventSource Log = new();

    private WatchtowerEventSource()
    {
    }

    /// <summary>A problem the library reported; <paramref name="kind"/> groups warnings of the same cause.</summary>
    [Event(1, Level = EventLevel.Warning, Message = "{1}")]
    public void Warning(string kind, string message) => WriteEvent(1, kind, message);
}
