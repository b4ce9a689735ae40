using System.Diagnostics.Tracing;

namespace Watchtower.Diagnostics;

/// <summary>
/// The library's warnings as events too, for tools that listen rather than read stderr (dotnet-trace, an in-process
/// EventListener): one event per <see cref="WarningKind"/>, whose id is the kind's value, with the kind's name and
/// the message. Every warning is written here, unthrottled; stderr gets at most one a minute per kind.
/// </summary>
[EventSource(Name = WatchtowerDiagnostics.EventSourceName)]
internal sealed class WatchtowerEventSource : EventSource
{
    public static readonly WatchtowerEventSource Log = new();

    private WatchtowerEventSource()
    {
    }

    /// <summary>Writes a warning as the event of its kind.</summary>
    [NonEvent]
    public void Warning(WarningKind kind, string message)
    {
        string name = kind.Name();
        switch (kind)
        {
            case WarningKind.EmitFailed: EmitFailed(name, message); break;
            case WarningKind.AfterShutdown: AfterShutdown(name, message); break;
            case WarningKind.EmptyMessage: EmptyMessage(name, message); break;
            case WarningKind.Truncated: Truncated(name, message); break;
            case WarningKind.QueueFull: QueueFull(name, message); break;
            case WarningKind.NotConfigured: NotConfigured(name, message); break;
            case WarningKind.NoCredentials: NoCredentials(name, message); break;
            case WarningKind.AccessDenied: AccessDenied(name, message); break;
            case WarningKind.AccessRestored: AccessRestored(name, message); break;
            case WarningKind.Outage: Outage(name, message); break;
            case WarningKind.OutageOver: OutageOver(name, message); break;
            case WarningKind.Unreachable: Unreachable(name, message); break;
            case WarningKind.Retrying: Retrying(name, message); break;
            case WarningKind.RetryTimeLimit: RetryTimeLimit(name, message); break;
            case WarningKind.InvalidEvent: InvalidEvent(name, message); break;
            case WarningKind.DeliveryFailed: DeliveryFailed(name, message); break;
            case WarningKind.UnexpectedFailure: UnexpectedFailure(name, message); break;
            case WarningKind.UnexpectedFailureDropped: UnexpectedFailureDropped(name, message); break;
            case WarningKind.OutsideWindow: OutsideWindow(name, message); break;
            case WarningKind.Rejected: Rejected(name, message); break;
            case WarningKind.Shutdown: Shutdown(name, message); break;
            case WarningKind.ShutdownSummary: ShutdownSummary(name, message); break;
            case WarningKind.SenderStuck: SenderStuck(name, message); break;
            case WarningKind.SenderFailed: SenderFailed(name, message); break;
            case WarningKind.Signal: Signal(name, message); break;
            case WarningKind.SignalFailed: SignalFailed(name, message); break;
            case WarningKind.Dying: Dying(name, message); break;
            case WarningKind.DyingFailed: DyingFailed(name, message); break;
            case WarningKind.GroupMissing: GroupMissing(name, message); break;
            case WarningKind.StreamMissing: StreamMissing(name, message); break;
            case WarningKind.CreateStreamFailed: CreateStreamFailed(name, message); break;
            case WarningKind.CreateGroupDenied: CreateGroupDenied(name, message); break;
            case WarningKind.CreateGroupFailed: CreateGroupFailed(name, message); break;
            case WarningKind.RetentionFailed: RetentionFailed(name, message); break;
            case WarningKind.TagFailed: TagFailed(name, message); break;
            case WarningKind.SendFailed: SendFailed(name, message); break;
            case WarningKind.BufferUnavailable: BufferUnavailable(name, message); break;
            case WarningKind.BufferWriteFailed: BufferWriteFailed(name, message); break;
            case WarningKind.BufferWritable: BufferWritable(name, message); break;
            case WarningKind.BufferFull: BufferFull(name, message); break;
            case WarningKind.BufferDamaged: BufferDamaged(name, message); break;
            case WarningKind.BufferOtherGroup: BufferOtherGroup(name, message); break;
            case WarningKind.BufferNewerFormat: BufferNewerFormat(name, message); break;
            case WarningKind.BufferKept: BufferKept(name, message); break;
            default: break;
        }
    }

    [Event(2, Level = EventLevel.Warning, Message = "{1}")]
    public void EmitFailed(string kind, string message) => WriteEvent(2, kind, message);

    [Event(3, Level = EventLevel.Warning, Message = "{1}")]
    public void AfterShutdown(string kind, string message) => WriteEvent(3, kind, message);

    [Event(4, Level = EventLevel.Warning, Message = "{1}")]
    public void EmptyMessage(string kind, string message) => WriteEvent(4, kind, message);

    [Event(5, Level = EventLevel.Warning, Message = "{1}")]
    public void Truncated(string kind, string message) => WriteEvent(5, kind, message);

    [Event(6, Level = EventLevel.Warning, Message = "{1}")]
    public void QueueFull(string kind, string message) => WriteEvent(6, kind, message);

    [Event(7, Level = EventLevel.Warning, Message = "{1}")]
    public void NotConfigured(string kind, string message) => WriteEvent(7, kind, message);

    [Event(8, Level = EventLevel.Warning, Message = "{1}")]
    public void NoCredentials(string kind, string message) => WriteEvent(8, kind, message);

    [Event(9, Level = EventLevel.Warning, Message = "{1}")]
    public void AccessDenied(string kind, string message) => WriteEvent(9, kind, message);

    [Event(10, Level = EventLevel.Warning, Message = "{1}")]
    public void AccessRestored(string kind, string message) => WriteEvent(10, kind, message);

    [Event(11, Level = EventLevel.Warning, Message = "{1}")]
    public void Outage(string kind, string message) => WriteEvent(11, kind, message);

    [Event(12, Level = EventLevel.Warning, Message = "{1}")]
    public void OutageOver(string kind, string message) => WriteEvent(12, kind, message);

    [Event(13, Level = EventLevel.Warning, Message = "{1}")]
    public void Unreachable(string kind, string message) => WriteEvent(13, kind, message);

    [Event(14, Level = EventLevel.Warning, Message = "{1}")]
    public void Retrying(string kind, string message) => WriteEvent(14, kind, message);

    [Event(15, Level = EventLevel.Warning, Message = "{1}")]
    public void RetryTimeLimit(string kind, string message) => WriteEvent(15, kind, message);

    [Event(16, Level = EventLevel.Warning, Message = "{1}")]
    public void InvalidEvent(string kind, string message) => WriteEvent(16, kind, message);

    [Event(17, Level = EventLevel.Warning, Message = "{1}")]
    public void DeliveryFailed(string kind, string message) => WriteEvent(17, kind, message);

    [Event(18, Level = EventLevel.Warning, Message = "{1}")]
    public void UnexpectedFailure(string kind, string message) => WriteEvent(18, kind, message);

    [Event(19, Level = EventLevel.Warning, Message = "{1}")]
    public void UnexpectedFailureDropped(string kind, string message) => WriteEvent(19, kind, message);

    [Event(20, Level = EventLevel.Warning, Message = "{1}")]
    public void OutsideWindow(string kind, string message) => WriteEvent(20, kind, message);

    [Event(21, Level = EventLevel.Warning, Message = "{1}")]
    public void Rejected(string kind, string message) => WriteEvent(21, kind, message);

    [Event(22, Level = EventLevel.Warning, Message = "{1}")]
    public void Shutdown(string kind, string message) => WriteEvent(22, kind, message);

    [Event(23, Level = EventLevel.Warning, Message = "{1}")]
    public void ShutdownSummary(string kind, string message) => WriteEvent(23, kind, message);

    [Event(24, Level = EventLevel.Warning, Message = "{1}")]
    public void SenderStuck(string kind, string message) => WriteEvent(24, kind, message);

    [Event(25, Level = EventLevel.Warning, Message = "{1}")]
    public void SenderFailed(string kind, string message) => WriteEvent(25, kind, message);

    [Event(26, Level = EventLevel.Warning, Message = "{1}")]
    public void Signal(string kind, string message) => WriteEvent(26, kind, message);

    [Event(27, Level = EventLevel.Warning, Message = "{1}")]
    public void SignalFailed(string kind, string message) => WriteEvent(27, kind, message);

    [Event(28, Level = EventLevel.Warning, Message = "{1}")]
    public void Dying(string kind, string message) => WriteEvent(28, kind, message);

    [Event(29, Level = EventLevel.Warning, Message = "{1}")]
    public void DyingFailed(string kind, string message) => WriteEvent(29, kind, message);

    [Event(30, Level = EventLevel.Warning, Message = "{1}")]
    public void GroupMissing(string kind, string message) => WriteEvent(30, kind, message);

    [Event(31, Level = EventLevel.Warning, Message = "{1}")]
    public void StreamMissing(string kind, string message) => WriteEvent(31, kind, message);

    [Event(32, Level = EventLevel.Warning, Message = "{1}")]
    public void CreateStreamFailed(string kind, string message) => WriteEvent(32, kind, message);

    [Event(33, Level = EventLevel.Warning, Message = "{1}")]
    public void CreateGroupDenied(string kind, string message) => WriteEvent(33, kind, message);

    [Event(34, Level = EventLevel.Warning, Message = "{1}")]
    public void CreateGroupFailed(string kind, string message) => WriteEvent(34, kind, message);

    [Event(35, Level = EventLevel.Warning, Message = "{1}")]
    public void RetentionFailed(string kind, string message) => WriteEvent(35, kind, message);

    [Event(36, Level = EventLevel.Warning, Message = "{1}")]
    public void TagFailed(string kind, string message) => WriteEvent(36, kind, message);

    [Event(37, Level = EventLevel.Warning, Message = "{1}")]
    public void SendFailed(string kind, string message) => WriteEvent(37, kind, message);

    [Event(38, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferUnavailable(string kind, string message) => WriteEvent(38, kind, message);

    [Event(39, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferWriteFailed(string kind, string message) => WriteEvent(39, kind, message);

    [Event(40, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferWritable(string kind, string message) => WriteEvent(40, kind, message);

    [Event(41, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferFull(string kind, string message) => WriteEvent(41, kind, message);

    [Event(42, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferDamaged(string kind, string message) => WriteEvent(42, kind, message);

    [Event(43, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferOtherGroup(string kind, string message) => WriteEvent(43, kind, message);

    [Event(44, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferNewerFormat(string kind, string message) => WriteEvent(44, kind, message);

    [Event(45, Level = EventLevel.Warning, Message = "{1}")]
    public void BufferKept(string kind, string message) => WriteEvent(45, kind, message);
}
