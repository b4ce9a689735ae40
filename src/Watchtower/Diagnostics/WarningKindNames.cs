namespace Watchtower.Diagnostics;

/// <summary>The fixed names of the warning kinds, as the EventSource events carry them (kebab case).</summary>
internal static class WarningKindNames
{
    public static string Name(this WarningKind kind) => kind switch
    {
        WarningKind.EmitFailed => "emit-failed",
        WarningKind.AfterShutdown => "after-shutdown",
        WarningKind.EmptyMessage => "empty-message",
        WarningKind.Truncated => "truncated",
        WarningKind.QueueFull => "queue-full",
        WarningKind.NotConfigured => "not-configured",
        WarningKind.NoCredentials => "no-credentials",
        WarningKind.AccessDenied => "access-denied",
        WarningKind.AccessRestored => "access-restored",
        WarningKind.Outage => "outage",
        WarningKind.OutageOver => "outage-over",
        WarningKind.Unreachable => "unreachable",
        WarningKind.Retrying => "retrying",
        WarningKind.RetryTimeLimit => "retry-time-limit",
        WarningKind.InvalidEvent => "invalid-event",
        WarningKind.DeliveryFailed => "delivery-failed",
        WarningKind.UnexpectedFailure => "unexpected-failure",
        WarningKind.UnexpectedFailureDropped => "unexpected-failure-dropped",
        WarningKind.OutsideWindow => "outside-window",
        WarningKind.Rejected => "rejected",
        WarningKind.Shutdown => "shutdown",
        WarningKind.ShutdownSummary => "shutdown-summary",
        WarningKind.SenderStuck => "sender-stuck",
        WarningKind.SenderFailed => "sender-failed",
        WarningKind.Signal => "signal",
        WarningKind.SignalFailed => "signal-failed",
        WarningKind.Dying => "dying",
        WarningKind.DyingFailed => "dying-failed",
        WarningKind.GroupMissing => "group-missing",
        WarningKind.StreamMissing => "stream-missing",
        WarningKind.CreateStreamFailed => "create-stream-failed",
        WarningKind.CreateGroupDenied => "create-group-denied",
        WarningKind.CreateGroupFailed => "create-group-failed",
        WarningKind.RetentionFailed => "retention-failed",
        WarningKind.TagFailed => "tag-failed",
        WarningKind.SendFailed => "send-failed",
        _ => "unknown",
    };
}
